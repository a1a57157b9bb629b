// Issue 12, attacker model B (the default domain's program counter, any
// system call the filter allows): availability. The supervisor has a
// process group of its own but stays in the program's session, with the
// program's controlling terminal. ioctl(TIOCSPGRP) on that terminal makes
// any group of the session its foreground group (the group is read from
// memory: the filter cannot see it), the supervisor's too. Then
// F_SETFL O_ASYNC on the terminal: a terminal's fasync makes its
// foreground group the file's owner inside the kernel (no F_SETOWN for
// the filter to judge), and the next input signals that group: SIGIO
// (the default, F_SETSIG 0; not in the supervisor's ignored list), or
// SIGKILL with F_SETSIG. The supervisor dies; every call it decides then
// fails with ENOSYS (fail-closed). A hangup's SIGHUP and SIGCONT go to
// the foreground group too.
//
// Here a launcher plays the shell: it opens a pty, and a child makes a
// session, takes the terminal as its controlling one (fds 0-2, raw mode
// with ISIG) and runs the program; the launcher copies the terminal's
// output to its own and types a byte every 50 ms. The program finds the
// supervisor (Inputs/find-supervisor.h), makes its group the foreground
// one, arms O_ASYNC (sigio: SIGIO; kill: F_SETSIG SIGKILL), waits, and
// opens /dev/null: ENOSYS, ATTACK SUCCEEDED.
//  - pty: the program opens a new pty's slave without O_NOCTTY. The
//    supervisor makes that open; were it a session leader without a
//    terminal, the terminal would become its own, with the supervisor's
//    group in the foreground, and the same O_ASYNC would kill it.
//  - control: what the shared session served must still work: the
//    program's group is the foreground one, /dev/tty opens (and is fd 0's
//    terminal), a refused call's line reaches the terminal (the caller's
//    descriptor 2), and the supervisor ends once the program has.
//  - job: the launcher's child is a shell that runs the program as a
//    job in the foreground; ^Z stops it, the shell continues it, and the
//    supervisor still answers.
//
// Seen in the guest (root), before the fix: sigio and kill ATTACK
// SUCCEEDED, 3 runs of 3.
//
// Suggested fix: a session of the supervisor's own (setsid), where no
// TIOCSPGRP of the program's reaches its group (the kernel: EPERM, a
// group of another session) and no setpgid joins it.
//
// Fixed (runtime/supervisor.c bh_supervisor_start): the middle fork makes
// the session, and the supervisor leads a group of its own in it. With
// setsid in the supervisor itself, it led the session: pty ATTACK
// SUCCEEDED (3 runs of 3), and /dev/tty failed with ENXIO. /dev/tty is
// the opener's terminal, and the supervisor has none now: it opens the
// caller's instead (supervisor-open.c caller_tty).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog job > %t/job.out 2>&1 || true
// RUN: FileCheck --check-prefix=JOB %s < %t/job.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog sigio > %t/sigio.out 2>&1 || true
// RUN: FileCheck --check-prefixes=CHECK,TTY %s < %t/sigio.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog kill > %t/kill.out 2>&1 || true
// RUN: FileCheck --check-prefixes=CHECK,TTY %s < %t/kill.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog pty > %t/pty.out 2>&1 || true
// RUN: FileCheck --check-prefixes=CHECK,PTY %s < %t/pty.out
// CONTROL: vault says 20
// CONTROL: supervisor found: 1
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: foreground: ours
// CONTROL: /dev/tty: ok
// CONTROL: written through /dev/tty
// CONTROL: /dev/tty is fd 0's terminal: 1
// CONTROL: /dev/tty again, through /proc/self/fd: ok
// CONTROL: bulkhead: denied: open
// CONTROL: child: killed by signal 9
// CONTROL: open after: ok
// CONTROL: launcher: supervisor ended: 1
// JOB: vault says 20
// JOB: foreground: ours
// JOB: stop me
// JOB: shell: job stopped by signal 20
// JOB: continued: 1
// JOB: open after: ok
// JOB: shell: job ended: exit 0
// CHECK: vault says 20
// CHECK: supervisor found: 1
// CHECK-NOT: ATTACK SUCCEEDED
// TTY: TIOCSPGRP of the supervisor's group: Operation not permitted
// PTY: new terminal's foreground group: none
// CHECK: open after: ok
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifdef LAUNCHER
#include "Inputs/guest-pty.h"

static char seen[1 << 16];
static size_t nseen;

/* Copies what the terminal wrote to stdout (and keeps it, to look for a
 * word in); 0 once it has nothing more. */
static int relay(int master, int wait_ms) {
  struct pollfd p = {master, POLLIN, 0};
  char buf[4096];
  if (poll(&p, 1, wait_ms) != 1)
    return 0;
  ssize_t n = read(master, buf, sizeof buf);
  if (n <= 0)
    return 0;
  if (write(1, buf, (size_t)n) < 0) {
  }
  size_t k = (size_t)n < sizeof seen - 1 - nseen ? (size_t)n : sizeof seen - 1 - nseen;
  memcpy(seen + nseen, buf, k);
  nseen += k;
  return 1;
}

/* Whether process pid has ended (gone, or a zombie no one reaps). */
static int ended(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  char *s = strrchr(buf, ')');
  return s && s[1] == ' ' && s[2] == 'Z';
}

/* launch PROG MODE: PROG MODE on a terminal of its own (in job mode, as a
 * shell's foreground job), its output copied out, input typed. */
int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *name;
  int master = guest_pty(&name);
  if (master < 0)
    return 2;
  struct termios t; /* the slave's: no echo, no \r; but ^Z still stops */
  if (tcgetattr(master, &t))
    return 2;
  cfmakeraw(&t);
  t.c_lflag |= ISIG;
  tcsetattr(master, TCSANOW, &t);
  int job = !strcmp(argv[2], "job");
  pid_t child = fork();
  if (child == 0) {
    setsid();
    int tty = open(name, O_RDWR); /* the session's controlling terminal */
    if (tty < 0)
      _exit(126);
    for (int fd = 0; fd < 3; fd++)
      dup2(tty, fd);
    if (tty > 2)
      close(tty);
    if (!job) {
      execv(argv[1], argv + 1);
      _exit(127);
    }
    /* A shell: the program is a job of its own, in the foreground. */
    signal(SIGTTOU, SIG_IGN);
    pid_t p = fork();
    if (p == 0) {
      setpgid(0, 0);
      tcsetpgrp(0, getpid());
      signal(SIGTTOU, SIG_DFL);
      execv(argv[1], argv + 1);
      _exit(127);
    }
    setpgid(p, p);
    tcsetpgrp(0, p);
    int st;
    while (waitpid(p, &st, WUNTRACED) == p) {
      if (WIFSTOPPED(st)) {
        printf("shell: job stopped by signal %d\n", WSTOPSIG(st));
        tcsetpgrp(0, p);
        kill(-p, SIGCONT);
        continue;
      }
      printf("shell: job ended: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
             WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
      break;
    }
    _exit(0);
  }
  fcntl(master, F_SETFL, O_NONBLOCK);
  int st, stopped = 0;
  for (int tick = 0; tick < 1200; tick++) { /* a minute at most */
    while (relay(master, 0)) {
    }
    if (job && !stopped && strstr(seen, "stop me"))
      stopped = write(master, "\x1a", 1) == 1; /* ^Z */
    else if (write(master, "x", 1) < 0) {
    }
    if (waitpid(child, &st, WNOHANG) == child)
      break;
    relay(master, 50);
  }
  while (relay(master, 300)) {
  }
  char *s = strstr(seen, "supervisor pid: ");
  if (s) {
    pid_t sup = (pid_t)atoi(s + 16);
    int gone = 0;
    for (int i = 0; i < 200 && !(gone = ended(sup)); i++)
      usleep(50000);
    printf("launcher: supervisor ended: %d\n", gone);
  }
  return 0;
}
#else
#include <bulkhead.h>

#include "Inputs/find-supervisor.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static void after(void) {
  int fd = open("/dev/null", O_RDONLY);
  int err = errno;
  printf("open after: %s\n", fd >= 0 ? "ok" : strerror(err));
  if (fd < 0 && err == ENOSYS)
    printf("ATTACK SUCCEEDED: the supervisor got the terminal's signal; "
           "every call it decides fails\n");
}

/* O_ASYNC on fd, with SIGKILL instead of SIGIO if asked; then a second
 * for the launcher's (or our own) typing to signal the owner. */
static void arm(int fd, int sigkill, int type_into) {
  if (sigkill && fcntl(fd, F_SETSIG, SIGKILL))
    perror("F_SETSIG");
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC))
    perror("O_ASYNC");
  printf("owner: %d\n", fcntl(fd, F_GETOWN));
  for (int i = 0; i < 50; i++) {
    /* a line: the new terminal reads by lines */
    if (type_into >= 0 && write(type_into, "y\n", 2) < 0) {
    }
    usleep(20000);
  }
}

static volatile sig_atomic_t continued;
static void on_cont(int sig) { (void)sig, continued = 1; }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  const char *m = argv[1];
  if (!strcmp(m, "job")) {
    signal(SIGCONT, on_cont);
    printf("foreground: %s\n", tcgetpgrp(0) == getpgrp() ? "ours" : "not ours");
    if (write(1, "stop me\n", 8) != 8) /* one write: ^Z comes after it */
      return 2;
    for (int i = 0; i < 500 && !continued; i++)
      usleep(20000);
    printf("continued: %d\n", (int)continued);
    after();
    return 0;
  }
  pid_t sup = find_supervisor();
  printf("supervisor found: %d\n", sup > 0);
  if (sup <= 0)
    return 2;
  if (!strcmp(m, "control")) {
    printf("supervisor pid: %d\n", (int)sup);
    printf("foreground: %s\n", tcgetpgrp(0) == getpgrp() ? "ours" : "not ours");
    int t = open("/dev/tty", O_RDWR);
    printf("/dev/tty: %s\n", t >= 0 ? "ok" : strerror(errno));
    unsigned a = 0, b = 1;
    if (t >= 0) {
      dprintf(t, "written through /dev/tty\n");
      ioctl(t, TIOCGDEV, &a);
      ioctl(0, TIOCGDEV, &b);
    }
    printf("/dev/tty is fd 0's terminal: %d\n", a == b);
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", t);
    int again = open(self, O_RDWR);
    printf("/dev/tty again, through /proc/self/fd: %s\n",
           again >= 0 ? "ok" : strerror(errno));
    pid_t c = fork();
    if (c == 0) { /* refused: one line on our terminal, this child killed */
      char path[64];
      snprintf(path, sizeof path, "/proc/%d/comm", (int)sup);
      open(path, O_RDONLY);
      _exit(0);
    }
    int st = 0;
    waitpid(c, &st, 0);
    printf("child: %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exit",
           WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  } else if (!strcmp(m, "sigio") || !strcmp(m, "kill")) {
    int r = tcsetpgrp(0, sup);
    printf("TIOCSPGRP of the supervisor's group: %s\n", r ? strerror(errno) : "0");
    if (tcgetpgrp(0) == sup)
      arm(0, !strcmp(m, "kill"), -1);
  } else if (!strcmp(m, "pty")) {
    int pm = posix_openpt(O_RDWR | O_NOCTTY);
    if (pm < 0 || grantpt(pm) || unlockpt(pm)) {
      perror("pty");
      return 2;
    }
    int ps = open(ptsname(pm), O_RDWR); /* no O_NOCTTY */
    pid_t fg = 0;
    if (ps < 0 || ioctl(pm, TIOCGPGRP, &fg))
      perror("pty slave");
    printf("new terminal's foreground group: %s\n",
           fg == sup ? "the supervisor's" : fg ? "another" : "none");
    if (fg == sup)
      arm(ps, 1, pm);
  }
  after();
  return 0;
}
#endif
