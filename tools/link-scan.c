/*
 * link-scan.c: see link-scan.h.
 *
 * The scanner's report goes to stderr, like a compiler's diagnostics, and
 * it runs with -q: a clean link prints nothing. A failed scan removes the
 * output, as a linker does when a link fails: nothing that looks like a
 * good program is left behind.
 *
 * Some patterns are made by the layout, not the code: a RIP-relative
 * displacement from code to data, or an absolute address, holds whatever
 * bytes the distance has (found on SQLite: `cmpl 0x19c70f(%rip)`, an
 * XRSTORS), and so does a call between output sections. Such a field
 * changes when the code moves, so before failing, the link is made again
 * with the code shifted by a few sizes of padding.
 */
#define _GNU_SOURCE
#include "link-scan.h"
#include "alias-check.h"
#include "unwinder-check.h"
#include "dso-gates.h"
#include "ref-check.h"
#include "../include/bulkhead/abi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

char **link_strip_command(const struct link_scan *ls) {
  static char *argv[5];
  argv[0] = (char *)ls->strip;
  argv[1] = "--strip-all";
  argv[2] = "--keep-section=" BH_SECTION_GATES;
  argv[3] = (char *)ls->output;
  return argv;
}

enum output { KEEP, TO_STDERR, DISCARD };

/* Runs ARGV[0] with ARGV and waits: its wait status, or -1. OUT says where
 * its standard output (and, for DISCARD, its standard error) goes. */
static int run(char **argv, enum output out) {
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "bulkhead-clang: error: cannot fork: %s\n",
            strerror(errno));
    return -1;
  }
  if (pid == 0) {
    if (out == TO_STDERR)
      dup2(2, 1);
    if (out == DISCARD) {
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
    }
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

/* Runs the link CMD with its standard output into a new file (the
 * linker's trace, and whatever else it prints), whose path goes to
 * *TRACE: its wait status, or -1. */
static int run_traced(char **cmd, char **trace) {
  const char *tmp = getenv("TMPDIR");
  if (asprintf(trace, "%s/bulkhead-trace-XXXXXX", tmp && *tmp ? tmp : "/tmp") <
      0)
    return -1;
  int fd = mkstemp(*trace);
  if (fd < 0) {
    fprintf(stderr, "bulkhead-clang: error: cannot create %s: %s\n", *trace,
            strerror(errno));
    return -1;
  }
  fflush(stdout);
  int saved = dup(1);
  dup2(fd, 1);
  close(fd);
  int status = run(cmd, KEEP);
  dup2(saved, 1);
  close(saved);
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

/* Code shifted by these many bytes (of int3) for each new try. */
static const unsigned paddings[] = {16, 48, 112};

/* An object whose code goes first in the output's .text (ld and lld put
 * .text.unlikely before the rest) and first in the pass's own code
 * sections, which follow .text, holding BYTES of int3 in each: everything
 * else in .text moves by BYTES against .plt and data, and the pass's
 * sections move against .text and each other (found on SQLite: a call
 * from .text to a trampoline, `e8 0f c7 1b 00`, is the same whatever
 * .text's start). Assembled by the link's own clang (CLANG) in DIR. */
static char *padding_object(const char *clang, const char *dir,
                            unsigned bytes) {
  char *src, *obj;
  if (asprintf(&src, "%s/pad%u.s", dir, bytes) < 0 ||
      asprintf(&obj, "%s/pad%u.o", dir, bytes) < 0)
    return NULL;
  FILE *f = fopen(src, "w");
  if (!f)
    return NULL;
  /* The notes keep the output's properties: no executable stack, and
   * IBT/SHSTK if every other input has them (the linker ANDs those). */
  fprintf(f,
          ".section .text.unlikely.bulkhead_padding,\"ax\",@progbits\n"
          ".fill %u, 1, 0xcc\n"
          ".section bulkhead_wrappers,\"ax\",@progbits\n"
          ".fill %u, 1, 0xcc\n"
          ".section bulkhead_trampolines,\"ax\",@progbits\n"
          ".fill %u, 1, 0xcc\n"
          ".section .note.GNU-stack,\"\",@progbits\n"
          ".section .note.gnu.property,\"a\",@note\n"
          ".p2align 3\n"
          ".long 4, 16, 5\n" /* name size, desc size, NT_GNU_PROPERTY_TYPE_0 */
          ".asciz \"GNU\"\n"
          ".long 0xc0000002, 4, 3\n" /* X86_FEATURE_1_AND: IBT | SHSTK */
          ".p2align 3\n",
          bytes, bytes, bytes);
  if (fclose(f) != 0)
    return NULL;
  char *as[] = {(char *)clang, "-c", src, "-o", obj, NULL};
  return exit_status(run(as, DISCARD)) == 0 ? obj : NULL;
}

/* The link CMD again, with OBJ as its first input (its trace, if any, was
 * checked and shown after the first link). */
static int link_with(char **cmd, const char *obj, bool traced) {
  size_t n = 0;
  while (cmd[n])
    n++;
  char **padded = calloc(n + 2, sizeof *padded);
  if (!padded)
    return 1;
  padded[0] = cmd[0];
  padded[1] = (char *)obj;
  memcpy(padded + 2, cmd + 1, n * sizeof *cmd); /* with the NULL */
  char *trace = NULL;
  int status = exit_status(traced ? run_traced(padded, &trace)
                                  : run(padded, KEEP));
  if (trace)
    unlink(trace), free(trace);
  free(padded);
  return status;
}

/* Tries the paddings in turn: true once a link's scan passes. */
static bool relink_shifted(char **cmd, const struct link_scan *ls) {
  const char *tmp = getenv("TMPDIR");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/bulkhead-padding-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir))
    return false;
  bool clean = false;
  for (size_t i = 0; i < sizeof paddings / sizeof *paddings && !clean; i++) {
    char *obj = padding_object(cmd[0], dir, paddings[i]);
    if (!obj || link_with(cmd, obj, ls->check_refs) != 0 ||
        (ls->disarm_gates && dso_disarm_gates(ls->output)))
      break;
    clean = exit_status(run(link_scan_command(ls), DISCARD)) == 0;
  }
  char *rm[] = {"/bin/rm", "-rf", dir, NULL};
  run(rm, DISCARD);
  return clean;
}

/* Strips the checked output if the user asked for -s; 0, or 1 when that
 * fails (the output removed). */
static int strip_output(const struct link_scan *ls) {
  if (!ls->strip || exit_status(run(link_strip_command(ls), TO_STDERR)) == 0)
    return 0;
  remove_output(ls->output);
  fprintf(stderr,
          "bulkhead-clang: error: %s could not strip %s (-s); removed it\n",
          ls->strip, ls->output);
  return 1;
}

int link_then_scan(char **cmd, const struct link_scan *ls) {
  char *trace = NULL;
  int link = exit_status(ls->check_refs ? run_traced(cmd, &trace)
                                        : run(cmd, KEEP));
  if (link != 0) {
    if (trace) { /* the linker's output, without the trace */
      check_unseen_references(NULL, trace, ls->user_trace, NULL);
      fflush(stdout);
      unlink(trace);
      free(trace);
    }
    return link;
  }
  /* Every check runs (each error is worth seeing); any removes it. */
  bool bad = ls->disarm_gates && dso_disarm_gates(ls->output);
  bad = (!bad && ls->check_aliases && check_default_aliases(ls->output)) || bad;
  bad = (!bad && ls->check_aliases && check_unwinding(ls->output)) || bad;
  if (trace) {
    bad = check_unseen_references(ls->output, trace, ls->user_trace,
                                  ls->exempt) ||
          bad;
    fflush(stdout);
    unlink(trace);
    free(trace);
  }
  if (bad) {
    remove_output(ls->output);
    return 1;
  }
  int scan = ls->scan ? exit_status(run(link_scan_command(ls), DISCARD)) : 0;
  if (scan == 0 || (scan == 1 && relink_shifted(cmd, ls)))
    return strip_output(ls);
  /* Again, to show the report on what is there now. */
  scan = exit_status(run(link_scan_command(ls), TO_STDERR));
  remove_output(ls->output);
  if (scan == 1)
    fprintf(stderr,
            "bulkhead-clang: error: %s holds WRPKRU/XRSTOR bytes that are not "
            "a vetted gate (bulkhead-scan's report above), also with its code "
            "moved by %u, %u and %u bytes; removed it. Fix the code, or list "
            "each reviewed hit in -fpkey-scan-allow=FILE (-fno-pkey-link-scan "
            "skips this check)\n",
            ls->output, paddings[0], paddings[1], paddings[2]);
  else
    fprintf(stderr,
            "bulkhead-clang: error: bulkhead-scan could not check %s (exit "
            "status %d, see above); removed it\n",
            ls->output, scan);
  return 1;
}
