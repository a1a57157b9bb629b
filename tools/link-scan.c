/*
 * link-scan.c: see link-scan.h.
 *
 * The scanner's report goes to stderr, like a compiler's diagnostics, and
 * it runs with -q: a clean link prints nothing. A failed scan removes the
 * output, as a linker does when a link fails: nothing that looks like a
 * good program is left behind.
 */
#define _GNU_SOURCE
#include "link-scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char **link_scan_command(const struct link_scan *ls) {
  char **argv = calloc(6, sizeof *argv);
  size_t n = 0;
  if (!argv) {
    fputs("bulkhead-clang: error: out of memory\n", stderr);
    exit(1);
  }
  argv[n++] = (char *)ls->scanner;
  argv[n++] = "-q";
  if (ls->allow) {
    argv[n] = malloc(strlen(ls->allow) + sizeof "--allow=");
    if (!argv[n]) {
      fputs("bulkhead-clang: error: out of memory\n", stderr);
      exit(1);
    }
    strcat(strcpy(argv[n++], "--allow="), ls->allow);
  }
  argv[n++] = "--";
  argv[n++] = (char *)ls->output;
  return argv;
}

/* Runs ARGV[0] with ARGV and waits: its wait status, or -1. With
 * TO_STDERR its standard output goes to our standard error. */
static int run(char **argv, int to_stderr) {
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "bulkhead-clang: error: cannot fork: %s\n", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    if (to_stderr)
      dup2(2, 1);
    execv(argv[0], argv);
    fprintf(stderr, "bulkhead-clang: error: cannot run %s: %s\n", argv[0],
            strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return status;
}

/* The driver's exit status for a child's wait status. */
static int exit_status(int status) {
  if (status < 0)
    return 1;
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

static void remove_output(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path) != 0)
    fprintf(stderr, "bulkhead-clang: error: cannot remove %s: %s\n", path,
            strerror(errno));
}

int link_then_scan(char **cmd, const struct link_scan *ls) {
  int link = exit_status(run(cmd, 0));
  if (link != 0)
    return link;
  int scan = exit_status(run(link_scan_command(ls), 1));
  if (scan == 0)
    return 0;
  remove_output(ls->output);
  if (scan == 1)
    fprintf(stderr,
            "bulkhead-clang: error: %s holds WRPKRU/XRSTOR bytes that are not "
            "a vetted gate (bulkhead-scan's report above); removed it. Fix "
            "the code, or list each reviewed hit in -fpkey-scan-allow=FILE "
            "(-fno-pkey-link-scan skips this check)\n",
            ls->output);
  else
    fprintf(stderr,
            "bulkhead-clang: error: bulkhead-scan could not check %s (exit "
            "status %d, see above); removed it\n",
            ls->output, scan);
  return 1;
}
