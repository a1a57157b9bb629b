/* attack-args.h - the words the dso attack programs take among their
 * arguments ("store", "control", "nobody"), and "nobody" itself: a run as
 * root first becomes the user nobody, to show the attack from a process
 * that owns no file. */
#ifndef BULKHEAD_TEST_ATTACK_ARGS_H
#define BULKHEAD_TEST_ATTACK_ARGS_H
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline int has_arg(int argc, char **argv, const char *a) {
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], a))
      return 1;
  return 0;
}

/* With "nobody", a run as root becomes nobody; exits 2 if it cannot. */
static inline void become_nobody_if_asked(int argc, char **argv) {
  if (has_arg(argc, argv, "nobody") && geteuid() == 0 &&
      (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
       setresuid(65534, 65534, 65534))) {
    perror("setresuid");
    exit(2);
  }
}
#endif
