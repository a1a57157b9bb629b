// Review 18 (attacker model B): roads to rights step 3 (runtime/
// supervisor-exec.c changeable()) would not see, tried from a process
// that dropped every id to nobody: a user namespace of its own (full
// capabilities there) by unshare, by clone(CLONE_NEWUSER) and by clone3
// (its flags are in memory, past the filter); and a setuid-root program
// run with execve (a copy of this one, mode 4755). Held in the PKU
// guest: unshare and clone(CLONE_NEWUSER) kill the caller (the filter
// sends them to the supervisor, which refuses every namespace), clone3
// fails with ENOSYS (libc falls back to clone), and the setuid program
// runs with nobody's ids (the runtime sets no_new_privs before its
// filter: setuid bits and file capabilities are ignored at execve).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t/prog
// RUN: %run %t/prog > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: unshare-user: stopped by signal
// CHECK: clone-newuser: stopped by signal
// CHECK: clone3: -1 (Function not implemented)
// CHECK: setuid program: euid 65534, no_new_privs 1
// CHECK: parent's vault intact: 1
#include "Inputs/target.h"

#include <linux/sched.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>

static const char *self;

static void gained(const char *how, long r) {
  printf("%s: %ld (%s)\n", how, r, r < 0 ? strerror(errno) : "-");
  if (r == 0 && geteuid() != 65534)
    printf("ATTACK SUCCEEDED: %s gave the process euid %d\n", how, (int)geteuid());
  fflush(stdout);
}

static void unshare_user(void) {
  if (!thread_becomes_nobody())
    gained("unshare", unshare(CLONE_NEWUSER));
}

static char stack[65536] __attribute__((aligned(16)));
static int nothing(void *unused) {
  (void)unused;
  return 0;
}
static void clone_newuser(void) {
  if (!thread_becomes_nobody())
    gained("clone", clone(nothing, stack + sizeof stack, CLONE_NEWUSER | SIGCHLD, NULL));
}

static void clone3_newuser(void) {
  if (thread_becomes_nobody())
    return;
  struct clone_args ca = {0};
  ca.flags = CLONE_NEWUSER;
  ca.exit_signal = SIGCHLD;
  long r = syscall(SYS_clone3, &ca, sizeof ca);
  if (r == 0)
    _exit(0);
  printf("clone3: %ld (%s)\n", r, r < 0 ? strerror(errno) : "-");
  fflush(stdout);
}

static void setuid_exec(void) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s.suid", self);
  int in = open(self, O_RDONLY), out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  static char buf[1 << 16];
  for (ssize_t k; in >= 0 && out >= 0 && (k = read(in, buf, sizeof buf)) > 0;)
    if (write(out, buf, (size_t)k) != k)
      break;
  if (in < 0 || out < 0 || close(out) || chown(copy, 0, 0) || chmod(copy, 04755) ||
      thread_becomes_nobody()) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  fflush(stdout);
  execl(copy, copy, "euid", (char *)NULL);
  printf("exec: %s\n", strerror(errno));
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "euid")) {
    printf("setuid program: euid %d, no_new_privs %d\n", (int)geteuid(),
           prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    if (geteuid() == 0)
      printf("ATTACK SUCCEEDED: a setuid program gave root back\n");
    return 0;
  }
  if (getuid() != 0)
    return 2;
  self = argv[0];
  struct attack a[] = {{"unshare-user", unshare_user},
                       {"clone-newuser", clone_newuser},
                       {"clone3", clone3_newuser},
                       {"setuid-exec", setuid_exec}};
  return run_attacks(a, 4);
}
