// Review 38, attacker B (the default domain's program counter, any system
// call the filter allows), in a program that started as root and then
// became a user that is not root (nobody). Review 37's take_credentials
// gives the thread that opens for a caller the caller's effective
// capabilities, as far as the supervisor's own go, and CAP_SYS_PTRACE
// always (the exec of a file the caller's process gets needs it,
// dlopen-owned-plugin.c). With it the supervisor passes the kernel's
// ptrace access check on the caller's behalf, which for a caller of
// another user than the target's the kernel refuses: procfs files it
// checks at open (maps, smaps: another user's layout) and the magic links
// (/proc/<pid>/cwd, root, exe: into another process's directories, past
// the permissions of those above, and other mount namespaces). judge
// looks at memory files only, and a file reached through a link is no
// procfs file at all. (Before review 37 a root supervisor kept every
// capability but the file ones for such a caller: the same.)
//
// Here main (root) makes DIR (0700) with sub/file (0644) in it, and a
// fork that waits in DIR/sub; another fork becomes nobody and execve's
// HELPER (Inputs/rev38-ptrace-kept.c, a plain program, not our process):
// its plain open of DIR/sub/file is refused (the control); through the
// waiting fork's /proc/<pid>/cwd/file it is opened and read, and so is
// /proc/1/maps (init's, root's). No vault is read: another user's files
// and layout are.
//
// Seen in the guest (root, Debian's 6.1.0-57; lit, this test alone):
// ATTACK SUCCEEDED, both the file through the link and init's maps, after
// the control's "Permission denied" (XFAIL reported as expected).
//
// Fixed: CAP_SYS_PTRACE is no longer kept. The opens it was there for, a
// process's own /proc/<pid> files and links once it changed its ids, are
// made another way (open-own-proc-nobody.c). After the fix, in the guest:
// both opens "Permission denied".
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/rev38-ptrace-kept.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper: plain open of a file under root's 0700 directory: Permission denied
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#define _GNU_SOURCE
#include <bulkhead.h>
#include <grp.h>
#include <signal.h>
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
  char dir[] = "/tmp/bh38-XXXXXX", sub[64], file[80];
  if (!mkdtemp(dir))
    return perror("mkdtemp"), 1;
  snprintf(sub, sizeof sub, "%s/sub", dir);
  snprintf(file, sizeof file, "%s/file", sub);
  FILE *f = NULL;
  if (chmod(dir, 0700) || mkdir(sub, 0755) || !(f = fopen(file, "w")) ||
      fputs("root's file, not nobody's\n", f) < 0 || fclose(f))
    return perror("files"), 1;
  int ready[2];
  if (pipe(ready))
    return perror("pipe"), 1;
  pid_t holder = fork();
  if (holder == 0) {
    if (chdir(sub))
      _exit(1);
    close(ready[0]);
    close(ready[1]);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char c;
  if (read(ready[0], &c, 1) < 0)
    return perror("read"), 1;
  char pid[16];
  snprintf(pid, sizeof pid, "%d", (int)holder);
  pid_t h = fork();
  if (h == 0) {
    if (chdir("/") || setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
        setresuid(65534, 65534, 65534))
      perror("nobody"), _exit(1);
    execl(argv[1], argv[1], dir, pid, (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(h, &st, 0);
  kill(holder, SIGKILL);
  waitpid(holder, &st, 0);
  unlink(file), rmdir(sub), rmdir(dir);
  printf("vault says %d\n", vault_len());
  return 0;
}
