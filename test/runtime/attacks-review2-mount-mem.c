// The supervisor refuses an open of a memory file of our process by the
// *name* the opened file has (judge() in runtime/supervisor-open.c: a
// procfs file whose readlink is /proc/<pid>/[task/<tid>/]mem). A bind
// mount gives /proc/self/mem another name. The default domain (here plain
// calls into libc, as an attacker with its program counter would make
// them) enters a user and mount namespace of its own (unshare(CLONE_NEWUSER
// | CLONE_NEWNS): no privilege needed where unprivileged user namespaces
// are allowed, as on Debian 12 and this machine; for root CLONE_NEWNS
// alone would do), bind-mounts /proc/self/mem over its own executable's
// path in that namespace (mount() resolves the path in the kernel: no
// open, nothing for the filter or the supervisor to see), and opens that
// path. The supervisor opens it for the caller through /proc/<tid>/root,
// which walks the caller's mount namespace, gets our process's memory
// file, reads its name as the executable's path (not procfs-looking, base
// name not "mem"), lets it through and hands it over: pread and pwrite
// at the vault's address read the vault's secret and change it, whatever
// the keys. Neither the filter (unshare, mount, clone flags, the new mount
// API: open_tree, move_mount, fsopen, fsmount) nor the supervisor
// (names only) looks at namespaces. Found in the second review of the
// default domain's program counter (attacker model B); verified natively
// (6.18, as root and as uid 65534) and in the QEMU guest (6.1, as root).
// Why it matters: it undoes issue 12's
// "/proc/<pid>/mem under any spelling" for every hardened program.
//
// Fix (not made here): refuse, for our process, the calls that make or
// change a mount namespace or a user namespace: unshare and clone with
// CLONE_NEWNS or CLONE_NEWUSER (flags in registers: the filter can test
// them), clone3 (its flags are in memory: refuse it with ENOSYS so libc
// falls back to clone), setns, mount, umount2, pivot_root, open_tree,
// move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr; and make
// judge() recognise a memory file by what it is, not by its name (for
// instance compare st_dev/st_ino of the opened file with those of
// /proc/<pid>/mem and of each task's mem, opened by the supervisor from its
// own /proc), so that a name it missed fails closed.
//
// This test expects the attack to be refused (the child stopped by a
// signal). Fixed: the filter sends unshare, setns, clone with a namespace
// flag and the mount calls to the supervisor, which refuses them for our
// process; clone3 gets ENOSYS. judge() still goes by name (open).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review2-mount-mem: ok
#include "Inputs/check.h"
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>

BULKHEAD_DATA(vault) static char secret[64] = "vault-secret-4242";
BULKHEAD_ENTRY(vault) const char *vault_where(void) { return secret; }
BULKHEAD_ENTRY(vault) int vault_first(void) { return secret[0]; }

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY);
  if (fd >= 0) {
    if (write(fd, text, strlen(text)) < 0)
      perror(path);
    close(fd);
  }
}

/* The attacker, in a child so that the parent can report how it ended.
 * Exit 0: the secret was read; 3: no user namespaces here. */
static int attack(const char *exe) {
  const char *where = vault_where();
  char map[64];
  uid_t uid = getuid();
  gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS)) {
    perror("unshare");
    return 3;
  }
  write_file("/proc/self/setgroups", "deny");
  snprintf(map, sizeof map, "0 %d 1", (int)uid);
  write_file("/proc/self/uid_map", map);
  snprintf(map, sizeof map, "0 %d 1", (int)gid);
  write_file("/proc/self/gid_map", map);
  mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL); /* stay in ours */
  if (mount("/proc/self/mem", exe, NULL, MS_BIND, NULL)) {
    perror("mount");
    return 3;
  }
  int mem = open(exe, O_RDWR);
  if (mem < 0) {
    perror("open");
    return 4;
  }
  char buf[32] = {0};
  if (pread(mem, buf, 17, (off_t)(uintptr_t)where) != 17)
    return 4;
  printf("ATTACK SUCCEEDED: read \"%s\" through a bind mount of /proc/self/mem\n", buf);
  if (pwrite(mem, "X", 1, (off_t)(uintptr_t)where) == 1 && vault_first() == 'X')
    puts("ATTACK SUCCEEDED: the vault's first byte is now 'X'");
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  CHECK(argc >= 1);
  fflush(stdout);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    _exit(attack(argv[0]));
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(vault_first() == 'v');
  if (WIFSIGNALED(status)) {
    printf("child stopped by signal %d\n", WTERMSIG(status));
    puts("attacks-review2-mount-mem: ok");
    return 0;
  }
  printf("attacks-review2-mount-mem: BROKEN: child exited %d (0: the secret was read)\n",
         WEXITSTATUS(status));
  return 1;
}
