// posix_spawn's child runs libc code (its file actions) before exec, with
// the PKRU it inherited, on key-0 data: the actions array is allocated by
// libc in the shared heap. Here the default domain rewrites, while the vault
// is between posix_spawn_file_actions_addopen and posix_spawn (the window
// callback stands for a racing thread), the path of an O_CREAT open action
// to point at the vault's secret. With the vault's rights the child would
// create a file named by the secret (it did, before spawn.c): the default
// domain lists the directory and reads it. Now the child has the default
// domain's rights, the kernel cannot read the path (EFAULT) and posix_spawn
// fails; no file appears.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-spawn-actions: ok
#include "Inputs/check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>

BULKHEAD_DATA(vault) static char secret[32] = "bh-secret-c0ffee";
static const char decoy[] = "decoy-file";

/* The word of the actions array holding the open action's path (libc's
 * copy of decoy): found by handing each candidate to access(2) first, which
 * fails with EFAULT instead of faulting on memory we may not read. */
static void point_at_secret(void *actions) {
  int done = 0;
  for (size_t o = 0; o < 64 && !done; o += 8) {
    char **w = (char **)((char *)actions + o);
    if (!*w || (access(*w, F_OK) && errno == EFAULT))
      continue;
    if (!strcmp(*w, decoy)) {
      *w = secret; /* only the address: the default domain cannot read it */
      done = 1;
    }
  }
  CHECK(done);
}

BULKHEAD_ENTRY(vault) int vault_spawn(void (*window)(void *)) {
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa) ||
      posix_spawn_file_actions_addopen(&fa, 9, decoy, O_WRONLY | O_CREAT, 0600))
    return -1;
  window(fa.__actions);
  char *argv[] = {"sh", "-c", "exit 0", NULL}, *envp[] = {NULL};
  pid_t pid;
  int err = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, envp);
  /* No posix_spawn_file_actions_destroy: it would free the secret. */
  if (!err)
    waitpid(pid, NULL, 0);
  return err;
}

int main(void) {
  char dir[] = "/tmp/bh-spawn-XXXXXX";
  CHECK(mkdtemp(dir) && chdir(dir) == 0);
  int err = vault_spawn(point_at_secret);
  int leaked = 0, files = 0;
  DIR *d = opendir(".");
  CHECK(d);
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.')
      continue;
    files++;
    printf("a file appeared: %s\n", e->d_name);
    leaked |= strstr(e->d_name, "c0ffee") != NULL;
    unlink(e->d_name);
  }
  closedir(d);
  CHECK(chdir("/") == 0 && rmdir(dir) == 0);
  printf("posix_spawn: %s\n", strerror(err));
  CHECK(!leaked && files == 0);
  CHECK(err == EFAULT);
  printf("attacks-spawn-actions: ok\n");
  return 0;
}
