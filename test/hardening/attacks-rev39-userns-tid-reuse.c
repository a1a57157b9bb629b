// Review 39, attacker B (the default domain's program counter, any system
// call the filter allows), in a program that started as root and then
// became nobody: a plain program our process execve's (not ours).
// Review 38's fix (6b2edbb) counts a caller's capabilities only when
// /proc/<tid>/ns/user is the supervisor's own namespace. But
// bh_open_as_caller reads the caller (/proc/<tid>/status: ids, CapEff)
// first, checks that the call is still there (NOTIF_ID_VALID), and only
// then, after the fstatat of the path (the look for a FIFO or device),
// take_credentials looks at /proc/<tid>/ns/user: by number. If the caller
// is gone meanwhile (a signal ends its wait) and its number is another
// task's, that task's namespace is judged, and the caller's CapEff (every
// capability, in a user namespace of its own) is raised in the supervisor
// (root) with the caller's ids. The descriptor is never handed over (the
// call is gone), but O_CREAT has made the file: owned by the caller, in
// any directory.
//
// Here main (root) makes DIR (root's, 0755) and WORK (nobody's), and a
// fork becomes nobody and execve's HELPER (Inputs/rev39-tid-reuse.c):
// its plain create in DIR is refused (the control). Then, each round:
// U unshares a user namespace and its thread T (number x) waits; the
// helper makes threads until the kernel's next number is x again; P, a
// process of 62000 mappings, forks (dup_mmap holds P's mmap_lock for
// writing all the while); T opens WORK/a/victim with O_CREAT, where
// WORK/a is a symbolic link to /proc/<P>/map_files/1-2, whose lookup (the
// supervisor's fstatat, still with its own rights) waits for that lock;
// the helper kills U, makes a thread of its own (in the supervisor's
// namespace), which gets number x, and renames a link to DIR over
// WORK/a; P's fork ends, the supervisor goes on, takes T's ids and every
// capability, and creates DIR/victim, owned by nobody, who then writes it.
// A file of nobody's where only root may write is root's code outside the
// filter (/etc/ld.so.preload, cron's files), which reads the vault
// through /proc/<main>/mem (reasoned, not run).
//
// Seen in the guest (root, Debian's 6.1.0-57, pid_max 32768; lit, this
// test alone, three runs of three): ATTACK SUCCEEDED in the first round
// ("caller 1002, our thread 1002, the file is there"), after both
// controls' "Permission denied" (a plain create, and one from a user
// namespace without the race: review 38's fix holds there). With the
// helper changed not to take the number (no thread made), no file: the
// reuse is what does it.
//
// Fixed: everything the supervisor reads of a caller (status, user
// namespace, root, working directory, descriptors) is read through one
// /proc/<tid> directory descriptor and its process's, opened before the
// check that the call is still valid, so from that very task: a task that
// got the number since is not looked at. After the fix, in the guest: no
// file, both controls and the race "Permission denied".
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 -pthread %S/Inputs/rev39-tid-reuse.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper: plain create in root's directory: Permission denied
// CHECK: helper: create in a user namespace: Permission denied
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#define _GNU_SOURCE
#include <bulkhead.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  if (argc < 2)
    return 2;
  char dir[] = "/tmp/bh39-root-XXXXXX", work[] = "/tmp/bh39-work-XXXXXX";
  if (!mkdtemp(dir) || chmod(dir, 0755) || !mkdtemp(work) ||
      chown(work, 65534, 65534))
    return perror("directories"), 1;
  pid_t c = fork();
  if (c == 0) {
    if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
        setresuid(65534, 65534, 65534))
      perror("nobody"), _exit(1);
    execl(argv[1], argv[1], dir, work, (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(c, &st, 0);
  char victim[64];
  struct stat s;
  snprintf(victim, sizeof victim, "%s/victim", dir);
  if (!stat(victim, &s))
    printf("root's directory holds a file of uid %d\n", (int)s.st_uid);
  unlink(victim);
  rmdir(dir);
  rmdir(work);
  printf("vault says %d\n", vault_len());
  return 0;
}
