// The supervisor writes a denial's line from a child of its own, and kills
// that child when the write has not ended after a second (a full pipe:
// attacks-rev44-denial-line-blocks.c). The killed child must be reaped
// then, not left a zombie until the supervisor ends (issue 12: a
// long-lived program that is refused often would fill the process table
// with them).
// Here a fork whose descriptor 2 is a full pipe makes a refused call, so
// the line's child blocks and is killed. The program then tells its
// launcher (no Bulkhead, outside the filter: the supervisor refuses the
// program's opens of other processes' /proc files) and waits; the launcher
// counts the zombies in the guest that are neither its own children nor
// init's, then lets the program end. The control's pipe is empty: its line
// is written and its child ends at once.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch
// RUN: %bulkhead_clang -fpkey-compartments -O1 -pthread %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog full > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: child: killed by signal 9
// CONTROL: line: bulkhead: denied: mmap(
// CONTROL: zombies: 0
// CONTROL: launch: done
// CHECK: child: killed by signal 9
// CHECK: line: {{$}}
// CHECK: zombies: 0
// CHECK: launch: done
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef LAUNCHER
/* Zombies whose parent is neither this process nor init. */
static int zombies(void) {
  DIR *d = opendir("/proc");
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    if (!isdigit((unsigned char)e->d_name[0]))
      continue;
    char path[64], text[4096];
    snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
    FILE *f = fopen(path, "r");
    if (!f)
      continue;
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = 0;
    const char *s = strstr(text, "\nState:\t"), *p = strstr(text, "\nPPid:\t");
    if (!s || !p || s[8] != 'Z')
      continue;
    long parent = atol(p + 7);
    if (parent != 1 && parent != getpid()) {
      printf("zombie %s, parent %ld\n", e->d_name, parent);
      n++;
    }
  }
  if (d)
    closedir(d);
  return n;
}

/* launch PROG ARGS...: PROG with a pipe to us as fd 10 and one from us as
 * fd 11; it writes to fd 10 when its refused child is dead, and ends when
 * fd 11 closes. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int up[2], down[2];
  if (argc < 2 || pipe(up) || pipe(down))
    return 2;
  pid_t prog = fork();
  if (prog == 0) {
    dup2(up[1], 10);
    dup2(down[0], 11);
    close(up[0]);
    close(up[1]);
    close(down[0]);
    close(down[1]);
    execv(argv[1], argv + 1);
    _exit(127);
  }
  close(up[1]);
  close(down[0]);
  char c;
  if (read(up[0], &c, 1) == 1)
    printf("zombies: %d\n", zombies());
  close(down[1]);
  waitpid(prog, NULL, 0);
  printf("launch: done\n");
  return 0;
}
#else
#include <bulkhead.h>

#include "Inputs/refused-child.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc < 2)
    return 2;
  int p[2];
  if (pipe(p))
    return 2;
  long filled = !strcmp(argv[1], "full") ? fill_pipe(p[1]) : 0;
  pid_t c = refused_child(p[1], p[0]);
  close(p[1]);
  pthread_t t;
  int st = 0, dead = 0;
  supervisor_stalled(c, &t, &st, &dead);
  pthread_join(t, NULL);
  refused_child_report(st);
  char buf[1], line[512] = "";
  drain_pipe(p[0], filled);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  ssize_t k = read(p[0], line, sizeof line - 1);
  line[k > 0 ? k : 0] = 0;
  printf("line: %s\n", line);
  usleep(500000); /* the supervisor's second is over */
  ssize_t w = write(10, "d", 1), r = w == 1 ? read(11, buf, 1) : -2;
  if (r != 0)
    printf("no launcher: %zd %zd %s\n", w, r, strerror(errno));
  return 0;
}
#endif
