/*
 * link-scan.h: the driver's link-time proof (docs/driver.md). A link made
 * with -fpkey-compartments runs, then bulkhead-scan checks the file it
 * wrote; if any WRPKRU/XRSTOR bytes are not a vetted gate (or the file
 * cannot be scanned), the file is removed and the link fails.
 */
#ifndef BULKHEAD_LINK_SCAN_H
#define BULKHEAD_LINK_SCAN_H

#include <stdbool.h>

struct link_scan {
  const char *scanner; /* path of bulkhead-scan */
  const char *output;  /* the file the link writes */
  const char *allow;   /* the scanner's --allow=FILE, or NULL */
  bool scan;           /* run the scanner (-fpkey-link-scan) */
  bool disarm_gates;   /* a -shared link: its gates made traps first
                          (dso-gates.h) */
  bool check_aliases;  /* refuse unmarked names for default-domain code
                          (alias-check.h) */
  const char *strip;   /* llvm-objcopy to strip the output with after the
                          checks (the user's -s), or NULL */
  bool check_refs;     /* the link traces its inputs (-t -t): refuse code
                          Bulkhead did not compile that refers to marked
                          functions (ref-check.h) */
  bool user_trace;     /* the user asked for the trace too */
  const char *const *exempt; /* archives ref-check.h does not check */
};

/* The scanner's command line (NULL-terminated; for the dry run too). */
char **link_scan_command(const struct link_scan *ls);

/* The command that strips the output as -s would, the gates' manifest
 * kept (for the dry run too). */
char **link_strip_command(const struct link_scan *ls);

/* Runs the link CMD (CMD[0] is the program), rewrites the gates of its
 * output if asked, checks its names for default-domain code if asked,
 * runs the scanner on it if asked, and strips it last if asked. Returns
 * the driver's exit status: the link's own when it fails, 1 when the
 * rewrite, a check or the strip fails, else 0. */
int link_then_scan(char **cmd, const struct link_scan *ls);

#endif
