// Review 47, attacker model B (the default domain's program counter, any
// system call the filter allows), as root, or as nobody after root in a
// cgroup delegated to nobody (as systemd delegates user@<uid>.service to
// its user); availability.
// In a session and group of its own (issue 12), no terminal, kill or
// setpgid of the program reaches the supervisor. A cgroup does:
// bh_kernel_setting refuses opens for writing on cgroup v1 only (review
// 36: its release agent), and cgroup v2's files are let through. Writing
// the supervisor's pid into the cgroup.procs of a new cgroup moves it
// there (v2 checks the writer's access to the files, not who the task
// is), and then
//  - cgroup.kill (Linux 5.14) sends SIGKILL to every process in it: the
//    supervisor ends, and every call it decides fails with ENOSYS
//    (fail-closed);
//  - cgroup.freeze stops it: every call it decides waits for good (until
//    the program thaws it), every process under the filter with it.
// The filter sees none of it: mkdir, the opens (made by the supervisor,
// judged harmless) and the writes.
//
// Here main finds the supervisor (Inputs/find-supervisor.h), makes
// /sys/fs/cgroup/bh47-<pid> (the RUN line mounts cgroup v2 there, as
// systemd does on a host; the guest has none) and moves the supervisor
// into it: kill writes cgroup.kill, then opens /dev/null (ENOSYS: ATTACK
// SUCCEEDED); freeze writes cgroup.freeze, and a fork's open of /dev/null
// is still waiting 3 s later (ATTACK SUCCEEDED; main thaws it then). The
// control moves a fork of its own instead, kills that cgroup, and the
// supervisor still answers. nobody: the RUN line's shell, root, makes
// /sys/fs/cgroup/deleg, gives it to nobody (the directory, cgroup.procs,
// cgroup.threads, cgroup.subtree_control) and moves itself there; the
// program (and so its supervisor) starts as root, main drops to nobody
// and kills as above in a cgroup of its own under deleg: a cgroup v2 move
// needs write access to the cgroup.procs of both ends and of their
// common ancestor, none to the task moved (root's supervisor here).
//
// Seen in the guest (root, Linux 6.1): kill, freeze and nobody ATTACK
// SUCCEEDED, 3 runs of 3.
//
// Fixed: bh_kernel_setting refuses opens for writing on cgroup v2
// (CGROUP2_SUPER_MAGIC) as on v1 (memory.max or pids.max of a cgroup the
// supervisor shares would starve it too): the move's open is refused with
// one line and the program dies. The control checks that cgroup v2 is
// there and still readable: mkdir of a cgroup and a read of its
// cgroup.procs work.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /bin/sh -c 'mount -t cgroup2 none /sys/fs/cgroup; exec %t/prog control' > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /bin/sh -c 'mount -t cgroup2 none /sys/fs/cgroup; exec %t/prog kill' > %t/kill.out 2>&1 || true
// RUN: FileCheck %s < %t/kill.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /bin/sh -c 'mount -t cgroup2 none /sys/fs/cgroup; exec %t/prog freeze' > %t/freeze.out 2>&1 || true
// RUN: FileCheck %s < %t/freeze.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /bin/sh -c 'mount -t cgroup2 none /sys/fs/cgroup && mkdir /sys/fs/cgroup/deleg && cd /sys/fs/cgroup/deleg && chown 65534:65534 . cgroup.procs cgroup.threads cgroup.subtree_control && echo $$ > cgroup.procs && cd / && exec %t/prog nobody' > %t/nobody.out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,NOBODY < %t/nobody.out
// CONTROL: vault says 20
// CONTROL: supervisor found: 1
// CONTROL: mkdir cgroup: ok
// CONTROL: read cgroup.procs: ok
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: open after: ok
// CHECK: vault says 20
// CHECK: supervisor found: 1
// NOBODY: uid 65534
// CHECK: moving {{[0-9]+}}
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: denied: open{{.*}}cgroup.{{procs|freeze}}{{.*}} a cgroup v2 file moves, kills, freezes or starves
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

#include "Inputs/find-supervisor.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

/* Writes text into file name of cgroup dir: 0, or -1 (one line said). */
static int put(const char *dir, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY);
  int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  if (!ok)
    printf("%s: %s\n", name, strerror(errno));
  if (fd >= 0)
    close(fd);
  return ok ? 0 : -1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  const char *mode = argv[1];
  int control = !strcmp(mode, "control"), freeze = !strcmp(mode, "freeze");
  pid_t sup = find_supervisor();
  printf("supervisor found: %d\n", sup > 0);
  if (sup <= 0)
    return 2;
  /* nobody: a server that dropped root, in a cgroup delegated to nobody
   * (as systemd delegates user@<uid>.service to its user): a cgroup v2
   * move needs write access to the cgroup.procs of both ends and their
   * common ancestor, none to the task moved. */
  int nobody = !strcmp(mode, "nobody");
  if (nobody && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
                 setresuid(65534, 65534, 65534))) {
    printf("drop to nobody: %s\n", strerror(errno));
    return 2;
  }
  if (nobody)
    printf("uid %d\n", (int)getuid());
  char dir[64], id[32];
  snprintf(dir, sizeof dir, "/sys/fs/cgroup/%sbh47-%d",
           nobody ? "deleg/" : "", (int)getpid());
  int r = mkdir(dir, 0755);
  printf("mkdir cgroup: %s\n", r ? strerror(errno) : "ok");
  if (r)
    return 2;
  if (control) { /* cgroup v2 is there, and readable */
    char path[256], buf[64];
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    int fd = open(path, O_RDONLY);
    printf("read cgroup.procs: %s\n",
           fd >= 0 && read(fd, buf, sizeof buf) >= 0 ? "ok" : strerror(errno));
    rmdir(dir);
    supervisor_answers("unreachable");
    return 0;
  }
  snprintf(id, sizeof id, "%d", (int)sup);
  printf("moving %s\n", id);
  if (put(dir, "cgroup.procs", id))
    return 2;
  printf("moved: ok\n");
  if (!freeze) {
    if (put(dir, "cgroup.kill", "1"))
      return 2;
    printf("cgroup.kill: ok\n");
    supervisor_answers("cgroup.kill of a cgroup the supervisor was moved to "
                       "ended it");
    rmdir(dir);
    return 0;
  }
  /* Opened before: once frozen, the supervisor makes no open. */
  char path[256];
  snprintf(path, sizeof path, "%s/cgroup.freeze", dir);
  int fz = open(path, O_WRONLY);
  if (fz < 0 || write(fz, "1", 1) != 1) {
    printf("cgroup.freeze: %s\n", strerror(errno));
    return 2;
  }
  printf("cgroup.freeze: ok\n");
  pid_t c = fork();
  if (c == 0)
    _exit(open("/dev/null", O_RDONLY) >= 0 ? 0 : 1);
  int st = 0, done = 0;
  for (int i = 0; i < 30 && !done; i++) {
    usleep(100000);
    done = waitpid(c, &st, WNOHANG) == c;
  }
  if (!done)
    printf("ATTACK SUCCEEDED: a frozen cgroup holds the supervisor; a fork's "
           "open waited 3 s\n");
  if (write(fz, "0", 1) != 1)
    printf("thaw: %s\n", strerror(errno));
  if (!done)
    waitpid(c, &st, 0);
  printf("fork's open: %s\n",
         WIFEXITED(st) && !WEXITSTATUS(st) ? "ok" : "failed");
  supervisor_answers("unreachable");
  return 0;
}
