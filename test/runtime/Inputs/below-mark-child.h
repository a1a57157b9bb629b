/* below-mark-child.h - below_mark_in_child, main's part of the attacks
 * that point a nested vault entry at live vault frames
 * (attacks-slot-live-frame.c, attacks-review7b-kept-frame-*): attack()
 * runs in a forked child, which must end normally (exit 0) having leaked
 * nothing, because the entry continued below the vault's mark. A control
 * run only CHECKs that; an attack run prints "NAME: ok (the entry
 * continued below the mark)" or "NAME: attack not defeated (status ...)"
 * and returns 1. */
#ifndef BULKHEAD_TEST_BELOW_MARK_CHILD_H
#define BULKHEAD_TEST_BELOW_MARK_CHILD_H
#include "check.h"

static int below_mark_in_child(int (*attack)(void), const char *name,
                               int control) {
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    int r = attack();
    fflush(NULL);
    _exit(r);
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  if (control) {
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return 0;
  }
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
    printf("%s: attack not defeated (status %#x)\n", name, st);
    return 1;
  }
  printf("%s: ok (the entry continued below the mark)\n", name);
  return 0;
}
#endif
