/* The VM runner mirrors stdout, stderr (separately), argv, --env, the
 * working directory and the exit status, including death by signal
 * (128+N and the signal name on stderr, as a shell reports it), and
 * --batch runs several programs in one boot.
 *
 * REQUIRES: pku-vm
 * RUN: %clang -O1 -Wall %s -o %t
 * RUN: sh -c '%vm_run --env GREETING="hi there" --env TEST_CWD="$(pwd)" \
 * RUN:   %t show "a b" "c\"d"' >%t.out 2>%t.err
 * RUN: FileCheck %s --check-prefix=OUT <%t.out
 * RUN: FileCheck %s --check-prefix=ERR <%t.err
 * RUN: sh -c '%vm_run %t exit 42; echo "status=$?"' 2>&1 \
 * RUN:   | FileCheck %s --check-prefix=EXIT
 * RUN: sh -c '%vm_run %t signal 6; echo "status=$?"' 2>&1 \
 * RUN:   | FileCheck %s --check-prefix=ABRT
 * RUN: sh -c '%vm_run %t signal 9; echo "status=$?"' 2>&1 \
 * RUN:   | FileCheck %s --check-prefix=KILL
 * RUN: printf '%t exit 3\n%t signal 11\n%t show x\n' >%t.jobs
 * RUN: rm -rf %t.dir
 * RUN: sh -c '%vm_run --batch %t.jobs --outdir %t.dir; echo "status=$?"' \
 * RUN:   | FileCheck %s --check-prefix=BATCH
 * RUN: cat %t.dir/0.status %t.dir/1.status %t.dir/2.out \
 * RUN:   | FileCheck %s --check-prefix=BATCH-FILES
 *
 * OUT: arg1=[a b] arg2=[c"d]
 * OUT-NEXT: GREETING=[hi there]
 * OUT-NEXT: cwd-matches=1
 * OUT-NOT: to-stderr
 * ERR: to-stderr
 * ERR-NOT: arg1
 * EXIT: status=42
 * ABRT: about to raise 6
 * ABRT: SIGABRT
 * ABRT: status=134
 * KILL: SIGKILL
 * KILL: status=137
 * BATCH: 0: exit 3:
 * BATCH: 1: SIGSEGV (139):
 * BATCH: 2: exit 0:
 * BATCH: status=1
 * BATCH-FILES: 3
 * BATCH-FILES-NEXT: 139
 * BATCH-FILES-NEXT: arg1=[x]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "exit") == 0)
    return atoi(argv[2]);
  if (argc > 2 && strcmp(argv[1], "signal") == 0) {
    printf("about to raise %s\n", argv[2]);
    fflush(stdout);
    raise(atoi(argv[2]));
    return 0;
  }
  char cwd[4096], *pwd = getenv("TEST_CWD");
  printf("arg1=[%s] arg2=[%s]\n", argv[2], argc > 3 ? argv[3] : "");
  printf("GREETING=[%s]\n", getenv("GREETING") ? getenv("GREETING") : "");
  /* The guest recreates the host working directory (empty). */
  printf("cwd-matches=%d\n", getcwd(cwd, sizeof cwd) != NULL && (!pwd || !strcmp(cwd, pwd)));
  fprintf(stderr, "to-stderr\n");
  return 0;
}
