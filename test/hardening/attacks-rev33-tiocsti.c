// Review 32's suspicion, run (attacker model B: the default domain's
// program counter, any system call the filter allows): ioctl(TIOCSTI)
// pushes bytes into a terminal's input, as if typed. Whoever reads that
// terminal next (the interactive shell that started the program) runs them
// as commands, outside the filter; a command that reads the vault's page
// of a fork the program left behind, through /proc/<pid>/mem, reads the
// secret: the kernel's access to another process's memory ignores
// protection keys.
//
// Here a launcher plays the shell: it starts the program on a new
// terminal (its controlling terminal, as a shell's job) and, once the
// program has ended, reads one line from that terminal and runs it (split
// at spaces, no shell needed in the guest). The program forks a keeper
// that sleeps with the vault's page, pushes "HELPER KEEPER ADDR OUT" and
// ends; HELPER (Inputs/mem-reader.c) copies 31 bytes of the keeper's
// memory at ADDR to OUT, and the launcher shows them.
//
// Seen in the guest before the fix (root; the terminal is the program's
// controlling one, so no capability is needed): ATTACK SUCCEEDED.
// Fixed: the filter refuses TIOCSTI (runtime/bpf.c), and the program stops
// with one line.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 %S/Inputs/mem-reader.c -o %t/helper
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper %run %t/launch %t/prog control %t/helper > %t/control.out 2>&1 || true
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper %run %t/launch %t/prog attack %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: vault says 20
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
// CHECK: bulkhead: denied: ioctl{{.*}}TIOCSTI
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
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
#include <unistd.h>

#define OUT "/tmp/rev33-tiocsti.out"

#ifdef LAUNCHER
#include "Inputs/terminal-reader.h"
#include "Inputs/guest-pty.h"
/* launch PROG ARGS...: PROG on a terminal of its own, then one line read
 * from that terminal run as a command. */
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *name;
  int master = guest_pty(&name);
  if (master < 0)
    return 2;
  unlink(OUT);
  pid_t prog = fork();
  if (prog == 0) {
    setsid();
    int tty = open(name, O_RDWR); /* the session's controlling terminal */
    if (tty < 0 || dup2(tty, 0) != 0)
      _exit(126);
    execv(argv[1], argv + 1);
    _exit(127);
  }
  int st;
  waitpid(prog, &st, 0);
  /* The shell's turn: what the terminal holds now. */
  run_typed_line(open(name, O_RDWR | O_NOCTTY), 1000, OUT);
  return 0;
}
#else
#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

/* Types TEXT into the terminal on fd 0; how many bytes went in. */
static int push(const char *text) {
  int n = 0;
  for (const char *c = text; *c; c++)
    n += ioctl(0, TIOCSTI, c) == 0;
  return n;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 3)
    return 2;
  if (strcmp(argv[1], "attack")) {
    static char copy[32];
    memcpy(copy, secret, 31); /* faults: the vault is closed here */
    printf("read directly: %s\n", copy);
    return 0;
  }
  /* Here the program leads the terminal's session, which its end hangs
   * up (a shell's job would not): the keeper stays. */
  signal(SIGHUP, SIG_IGN);
  pid_t keeper = fork();
  if (keeper == 0) {
    sleep(20); /* keeps a copy of the vault's page */
    _exit(0);
  }
  char cmd[256];
  snprintf(cmd, sizeof cmd, "%s %d %lx %s\n", argv[2], (int)keeper,
           (unsigned long)secret, OUT);
  printf("pushed %d of %zu\n", push(cmd), strlen(cmd));
  return 0;
}
#endif
