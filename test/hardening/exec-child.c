// Programs a hardened program starts with execve inherit its seccomp
// filter but not its memory. The supervisor tells them apart (the kernel's
// record of the address space) and lets their calls through, except what
// would reach our process's memory:
//  - a shell reads its own /proc/self/status (its opens go through the
//    supervisor and must name the shell, not us);
//  - this same program, run again with execve, starts: its runtime's
//    pkey_alloc and pkey_mprotect are not ours to refuse, and it enters its
//    own vault (its own filter is not installed: it runs under ours);
//  - a shell cannot open our /proc/<pid>/mem (refused, no process killed);
//  - our fork, in contrast, is our process: its pkey_alloc is refused.
// The supervisor must not read another program's addresses as ours: an
// open of the program run again, whose path happened to lie where our
// vault's memory is, was refused as a compartment path (found in the
// guest).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t %t 2> %t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// RUN: not grep "refused: an open's path" %t.err
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off %t.off | FileCheck %s --check-prefix=OFF
// OFF: shell opens our mem: opened
// OFF: fork's pkey_alloc: exit 0
// CHECK: shell status: ok
// CHECK: again: vault 42
// CHECK: again: exit 0
// CHECK: shell opens our mem: refused
// CHECK: fork's pkey_alloc: signal 9
// ERR: bulkhead: denied: pkey_alloc(
#include "Inputs/target.h"

BULKHEAD_DATA(vault) static int answer = 42;
BULKHEAD_ENTRY(vault) int vault_answer(void) { return answer; }

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "again")) {
    printf("again: vault %d\n", vault_answer());
    return 0;
  }
  fflush(stdout);
  int r = system("grep -q \"^Pid:[[:space:]]*$$\\$\" /proc/self/status 2>/dev/null || "
                 "grep -q \"^Pid:\" /proc/self/status && echo 'shell status: ok'");
  (void)r;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execl(argv[1], argv[1], "again", (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("again: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
  char cmd[128];
  snprintf(cmd, sizeof cmd, "(exec 3</proc/%d/mem) 2>/dev/null && echo opened || echo refused",
           getpid());
  fflush(stdout);
  FILE *p = popen(cmd, "r");
  char line[64] = "";
  if (!p || !fgets(line, sizeof line, p))
    strcpy(line, "no answer\n");
  pclose(p);
  printf("shell opens our mem: %s", line);
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    syscall(SYS_pkey_alloc, 0, 0);
    _exit(0);
  }
  waitpid(pid, &st, 0);
  printf("fork's pkey_alloc: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  return 0;
}
