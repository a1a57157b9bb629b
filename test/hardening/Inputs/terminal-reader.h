/* terminal-reader.h - the launchers' shell: once the program has ended,
 * one line read from its terminal is run as a command (split at spaces, no
 * shell needed in the guest), outside the filter, as an interactive shell
 * would. Says ATTACK SUCCEEDED when the command left the vault's secret in
 * the file OUT. */
#ifndef TERMINAL_READER_H
#define TERMINAL_READER_H
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void run_typed_line(int tty, int wait_ms, const char *out) {
  struct pollfd p = {tty, POLLIN, 0};
  char line[256] = {0};
  ssize_t n =
      tty >= 0 && poll(&p, 1, wait_ms) == 1 ? read(tty, line, sizeof line - 1) : 0;
  line[n > 0 ? n : 0] = 0;
  line[strcspn(line, "\n")] = 0;
  printf("line read from the terminal: %s\n", line);
  char *args[8] = {0};
  int k = 0;
  for (char *w = strtok(line, " "); w && k < 7; w = strtok(NULL, " "))
    args[k++] = w;
  if (k && args[0][0] == '/') {
    pid_t cmd = fork();
    if (cmd == 0) {
      execv(args[0], args);
      _exit(127);
    }
    waitpid(cmd, NULL, 0);
  }
  char got[32] = {0};
  int fd = open(out, O_RDONLY);
  if (fd >= 0 && read(fd, got, 31) > 0 && strstr(got, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the terminal's reader read the vault's secret: "
           "%s\n",
           got);
}
#endif
