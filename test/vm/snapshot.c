/* Runs restore a saved guest (docs/testing-vm.md, "How it works"), and
 * every run starts from the same state: a file one run writes is not there
 * for the next, and an input file given with --file is the run's own even
 * where an earlier run had a different one at the same path. A cold boot
 * (BULKHEAD_VM_SNAPSHOT=0) gives the same answers. Each restore reseeds the
 * guest's random generator (a new VM generation id), so two runs of one
 * program get different address-space layouts.
 *
 * REQUIRES: pku-vm
 * RUN: %clang -O1 -Wall %s -o %t
 * RUN: rm -rf %t.d && mkdir -p %t.d && echo first > %t.d/input
 * RUN: env BULKHEAD_VM_TIMING=1 %vm_run --file %t.d/input %t %t.d/input \
 * RUN:   2>&1 | FileCheck %s --check-prefixes=CHECK,FIRST,RESTORED
 * RUN: echo second > %t.d/input
 * RUN: env BULKHEAD_VM_TIMING=1 %vm_run --file %t.d/input %t %t.d/input \
 * RUN:   2>&1 | FileCheck %s --check-prefixes=CHECK,SECOND,RESTORED
 * RUN: env BULKHEAD_VM_TIMING=1 BULKHEAD_VM_SNAPSHOT=0 %vm_run \
 * RUN:   --file %t.d/input %t %t.d/input 2>&1 \
 * RUN:   | FileCheck %s --check-prefixes=CHECK,SECOND,COLD
 * RUN: %vm_run %t layout > %t.layout1
 * RUN: %vm_run %t layout > %t.layout2
 * RUN: not cmp %t.layout1 %t.layout2
 *
 * The runner's timing line (stderr) comes before the program's output.
 * RESTORED: VM ran {{.*}} (restored)
 * COLD: VM ran {{.*}} (cold boot)
 * CHECK: marker absent
 * FIRST: input: first
 * SECOND: input: second
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "layout")) {
    int local;
    printf("%p %p\n", (void *)&local, (void *)malloc(1 << 20));
    return 0;
  }
  const char *marker = "/tmp/bulkhead-vm-snapshot-marker";
  printf("marker %s\n", access(marker, F_OK) == 0 ? "present" : "absent");
  close(open(marker, O_CREAT | O_WRONLY, 0644));
  char line[64] = "";
  FILE *f = argc > 1 ? fopen(argv[1], "r") : NULL;
  if (f && fgets(line, sizeof line, f))
    printf("input: %s", line);
  fflush(stdout);
  return 0;
}
