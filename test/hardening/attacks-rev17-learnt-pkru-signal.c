// Review 17, attacker model A (key-0 loads and stores only): the PKRU the
// supervisor learns for an open is used by another domain's open.
//
// An open whose path lies in compartment memory makes the supervisor stop
// the caller to learn its PKRU (runtime/supervisor-open.c, bh_task_pkru),
// which interrupts the call; it keeps that PKRU for "that one call of that
// thread with the same arguments" (tid, number, four arguments), assuming
// the kernel's restart of the call is the next such call. It need not be:
// a signal pending when the supervisor lets the thread go (one that came
// during the stop, or the signal-delivery stop the supervisor itself saw
// and put back) runs its handler first, in the handler's domain, and an
// open there with the same arguments takes the PKRU learnt for the
// interrupted one.
//
// Here the vault opens a file by a path in its own data (as SQLite opens
// its journal), again and again, on one thread; the program signals that
// thread now and then (a timer, a watchdog); its handler, default-domain
// code, opens a path through a key-0 pointer. The attacker's one store
// aims that pointer at the vault's path. The kernel would answer the
// handler EFAULT, and so does the supervisor, unless the handler's open
// comes right after the supervisor learnt the vault's PKRU for the
// vault's open: then the supervisor reads the vault's bytes for the
// default domain and hands it the file they name (its name, in
// /proc/self/fd, is the vault's path; with O_CREAT it would create a file
// named after the vault's data).
//
// Fixed: the PKRU is kept for a call of that thread with the same
// number, six arguments, instruction pointer and stack pointer
// (/proc/<tid>/syscall, read while the notification is pending): the
// handler's call runs below its signal frame or on the alternate stack,
// so it is asked for its own PKRU, the default domain's, and gets EFAULT.
// Both opens here go through one system call instruction with six equal
// arguments: only the stack pointer tells them apart (checking the stop's
// registers alone still let the attack through).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: direct open of the vault's path from the default domain: Bad address
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the vault opened its file: yes
// CHECK: attacks-rev17-learnt-pkru-signal: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NAME "vault-secret-0123456789abcdef"

BULKHEAD_DATA(vault) static char vault_path[160];

static volatile int stop;

BULKHEAD_ENTRY(vault) void vault_set(const char *dir) {
  snprintf(vault_path, sizeof vault_path, "%s/%s", dir, NAME);
}

/* Both opens go through one system call instruction with all six
 * arguments equal, so only the stack pointer tells the calls apart. */
static long open_path(const char *path) {
  return syscall(SYS_openat, AT_FDCWD, path, O_RDONLY, 0L, 0L, 0L);
}

/* The vault's own, legitimate opens of a path in its memory, under the
 * signals and once more after them: how many succeeded. In the emulated
 * guest each open takes the supervisor milliseconds, and the signals may
 * restart every one of the storm's (seen once, LLVM 22). */
BULKHEAD_ENTRY(vault) long vault_work(void) {
  long opened = 0;
  for (int last = 0; !last;) {
    last = stop;
    int fd = (int)open_path(vault_path);
    if (fd >= 0)
      close(fd), opened++;
  }
  return opened;
}

#include "Inputs/learnt-pkru-storm.h"

/* Where the address comes from does not matter: the binary, /proc/self/maps. */
static char *vault_path_address(void) { return vault_path; }

/* The program's handler: opens what a key-0 pointer names. */
static const char *volatile aimed;
static volatile long handler_opens, handler_efaults;
static void on_signal(int sig) {
  (void)sig;
  int e = errno;
  int fd = (int)open_path((const char *)aimed);
  if (fd >= 0 && leaked_fd < 0)
    leak_pkru = rdpkru(), leaked_fd = fd;
  else if (fd >= 0)
    close(fd);
  else if (errno == EFAULT)
    handler_efaults++;
  handler_opens++;
  errno = e;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static char dir[] = "/tmp/bh-rev17-XXXXXX";
  char file[200];
  if (make_vault_file(dir, file, sizeof file))
    return 1;

  /* The attacker's store: the handler's pointer now names the vault's path. */
  aimed = vault_path_address();
  int fd = open((const char *)aimed, O_RDONLY);
  printf("direct open of the vault's path from the default domain: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    printf("ATTACK SUCCEEDED: the default domain opened the vault's path "
           "directly\n");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);

  long signals = signal_worker(17, 4000, 60000);

  if (leaked_fd >= 0) {
    char name[256];
    fd_name(leaked_fd, name, sizeof name);
    printf("ATTACK SUCCEEDED: the default domain's handler opened the path "
           "in the vault's data (%ld signals): %s\n",
           signals, name);
    /* Not a handler run with the vault's rights: the default domain's. */
    printf("the handler ran with the default domain's PKRU: %s\n",
           leak_pkru == rdpkru() ? "yes" : "no");
  } else {
    printf("held: %ld signals, %ld handler opens, %ld EFAULT\n", signals,
           (long)handler_opens, (long)handler_efaults);
  }
  /* The fix must not keep the vault from its own file. */
  printf("the vault opened its file: %s\n", vault_opened > 0 ? "yes" : "no");
  unlink(file);
  rmdir(dir);
  printf("attacks-rev17-learnt-pkru-signal: done\n");
  return 0;
}
