/* vault-helper.h - the program of a test whose attack is a plain program
 * our process execve's (so not ours: the supervisor lets it do what it
 * refuses to our process). The test defines the vault (secret, 20 bytes,
 * and vault_len) and includes this after it; its main is
 *   PROG [MODE] HELPER
 * which runs HELPER [MODE] PID ADDR (our pid, the secret's address in
 * hex) and reports the vault's length before and after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  if (argc < 2)
    return 2;
  const char *helper = argv[argc - 1], *mode = argc > 2 ? argv[1] : NULL;
  char pid[16], addr[32];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  snprintf(addr, sizeof addr, "%lx", (unsigned long)secret);
  pid_t c = fork();
  if (c == 0) {
    if (mode)
      execl(helper, helper, mode, pid, addr, (char *)NULL);
    else
      execl(helper, helper, pid, addr, (char *)NULL);
    _exit(127);
  }
  int st = 0;
  waitpid(c, &st, 0);
  int len = vault_len();
  printf("vault says %d\n", len);
  if (len != 20)
    printf("ATTACK SUCCEEDED: the vault's secret was rewritten from outside\n");
  return 0;
}
