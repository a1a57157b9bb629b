// Attack class: new executable memory. Code that writes PKRU needs no
// gate if the program can make its own: a few bytes (xor ecx, edx, eax;
// WRPKRU; ret) in memory that becomes executable give the default domain
// PKRU 0, every key open. The attack makes them executable
//  - in a writable-and-executable anonymous mapping;
//  - by mprotect(PROT_READ|PROT_EXEC) of an anonymous page it wrote;
//  - by personality(READ_IMPLIES_EXEC), after which a readable mapping is
//    executable although the call that made it does not say so;
//  - in SysV shared memory attached twice, writable and with SHM_EXEC;
// then runs them and reads the vault's data. With -fno-pkey-syscall-filter
// each works; by default the supervisor refuses each for our process with
// one line (and personality changes other than the query altogether).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == rwx
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU in new executable memory read "vault-secret
// OFF: == mprotect-exec
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU in new executable memory read "vault-secret
// OFF: == personality
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU in new executable memory read "vault-secret
// OFF: == shm-exec
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU in new executable memory read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: rwx: stopped by signal 9
// ON: mprotect-exec: stopped by signal 9
// ON: personality: stopped by signal 9
// ON: shm-exec: stopped by signal 9
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: mmap(0x0, 0x1000, 0x7, 0x22, 0xffffffff, 0x0) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — new executable memory could hold an unvetted WRPKRU
// ERR-NEXT: bulkhead: denied: mprotect(0x{{[0-9a-f]+}}, 0x1000, 0x5, {{.*}}) from the default domain, in process {{.*}} — new executable memory
// ERR-NEXT: bulkhead: denied: personality(0x400000, {{.*}}) from the default domain, in process {{.*}} — a personality (READ_IMPLIES_EXEC) changes what the memory rules mean
// ERR-NEXT: bulkhead: denied: shmat({{.*}}, 0x0, 0x9000, {{.*}}) from the default domain, in process {{.*}} — new executable memory
#include "Inputs/target.h"
#include <sys/personality.h>
#include <sys/shm.h>

/* Built at run time: the program's own code holds no WRPKRU (the link-time
 * scan would refuse it). */
static volatile unsigned char flip = 0;

static void fill(unsigned char *m) {
  const unsigned char code[] = {0x31, 0xc9, 0x31, 0xd2, 0x31, 0xc0, 0x0f, 0x01, 0xef ^ 0x10, 0xc3};
  for (unsigned i = 0; i < sizeof code; i++)
    m[i] = code[i] ^ (i == 8 ? 0x10 ^ flip : flip);
}

/* Calls the bytes and copies the vault's data in the same breath: a C
 * call through a pointer would have its caller's rights put back after
 * it (the pass's gate after an indirect call). */
static void run_it(void *m) {
  if (m != MAP_FAILED && m) {
    static char out[48];
    __asm__ volatile("call *%0\n\t"
                     "movq %1, %%rsi\n\tmovq %2, %%rdi\n\tmovl $40, %%ecx\n\trep movsb"
                     :
                     : "r"(m), "r"(vault_data), "r"(out)
                     : "rax", "rcx", "rdx", "rsi", "rdi", "memory");
    report_read("a WRPKRU in new executable memory", out);
  } else {
    report_read("a WRPKRU in new executable memory", NULL);
  }
}

static void rwx(void) {
  unsigned char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m != MAP_FAILED)
    fill(m);
  run_it(m);
}

static void mprotect_exec(void) {
  unsigned char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  fill(m);
  run_it(mprotect(m, 4096, PROT_READ | PROT_EXEC) ? NULL : m);
}

static void personality_(void) {
  personality(READ_IMPLIES_EXEC);
  unsigned char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  fill(m);
  run_it(m);
}

static void shm_exec(void) {
  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  unsigned char *w = id < 0 ? NULL : shmat(id, NULL, 0);
  if (w && w != (void *)-1)
    fill(w);
  void *x = id < 0 ? (void *)-1 : shmat(id, NULL, SHM_EXEC | SHM_RDONLY);
  if (id >= 0)
    shmctl(id, IPC_RMID, NULL);
  run_it(x == (void *)-1 ? NULL : x);
}

int main(void) {
  struct attack a[] = {{"rwx", rwx}, {"mprotect-exec", mprotect_exec}, {"personality", personality_},
                       {"shm-exec", shm_exec}};
  return run_attacks(a, 4);
}
