/* The VM runner reports a real PKU fault: allocate a protection key,
 * protect a page with it, revoke access via PKRU (WRPKRU) and touch the page.
 * Expects SIGSEGV with si_code == SEGV_PKUERR (4) and si_pkey == the key.
 * Exit 0 + "pku-probe: ok" on a real PKU fault; 3 if pkey_alloc fails;
 * 1 on any other outcome. With argument "crash" no handler is installed,
 * so the process dies of the fault (exit 139 via the runner, "SIGSEGV").
 *
 * REQUIRES: pku-vm
 * RUN: %clang -O1 -Wall %s -o %t
 * RUN: %vm_run --probe | FileCheck %s --check-prefix=PROBE
 * RUN: %vm_run %t | FileCheck %s
 * RUN: sh -c '%vm_run %t crash; echo "status=$?"' >%t.out 2>%t.err
 * RUN: FileCheck %s --check-prefix=CRASH <%t.out
 * RUN: FileCheck %s --check-prefix=CRASH-ERR <%t.err
 *
 * PROBE: pku: yes
 * CHECK: pku-probe: fault si_code=4 si_pkey=[[K:[0-9]+]] (pkey=[[K]])
 * CHECK-NEXT: pku-probe: ok
 * CRASH: pku-probe: touching protected page
 * CRASH-NOT: survived
 * CRASH: status=139
 * CRASH-ERR: SIGSEGV
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

static sigjmp_buf jb;
static volatile int got_code = -1, got_pkey = -1;

static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  got_code = si->si_code;
  got_pkey = si->si_pkey;
  /* siglongjmp restores the signal mask; the kernel already reset PKRU to
   * its init value for the handler, and we re-enable access below. */
  siglongjmp(jb, 1);
}

int main(int argc, char **argv) {
  int pkey = pkey_alloc(0, 0);
  if (pkey < 0) {
    printf("pku-probe: no (pkey_alloc: %s)\n", strerror(errno));
    return 3;
  }
  long pg = sysconf(_SC_PAGESIZE);
  volatile char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  p[0] = 42;
  if (pkey_mprotect((void *)p, pg, PROT_READ | PROT_WRITE, pkey) != 0) {
    perror("pkey_mprotect");
    return 1;
  }
  if (argc > 1 && strcmp(argv[1], "crash") == 0) {
    printf("pku-probe: touching protected page\n");
    fflush(stdout);
    pkey_set(pkey, PKEY_DISABLE_ACCESS);
    printf("pku-probe: survived, read %d\n", p[0]);
    return 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);

  if (sigsetjmp(jb, 1) == 0) {
    pkey_set(pkey, PKEY_DISABLE_ACCESS); /* WRPKRU */
    char v = p[0];                       /* must fault */
    pkey_set(pkey, 0);
    printf("pku-probe: FAIL read %d without fault\n", v);
    return 1;
  }
  pkey_set(pkey, 0);
  printf("pku-probe: fault si_code=%d si_pkey=%d (pkey=%d)\n", got_code,
         got_pkey, pkey);
  if (got_code != SEGV_PKUERR || got_pkey != pkey) {
    printf("pku-probe: FAIL unexpected fault\n");
    return 1;
  }
  if (p[0] != 42) { printf("pku-probe: FAIL data\n"); return 1; }
  printf("pku-probe: ok\n");
  return 0;
}
