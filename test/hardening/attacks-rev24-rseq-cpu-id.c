// Review 24, attacker model A (key-0 stores only): glibc's sched_getcpu
// answers a compartment the number the attacker stored, so correct
// per-CPU code in the compartment indexes past its array.
//
// runtime/rseq.c unregisters glibc's rseq area and sets its cpu_id to
// "registration failed" (-2), and says glibc's sched_getcpu "then asks
// the kernel". It asks the kernel only while cpu_id is negative: glibc
// 2.36's sched_getcpu returns the calling thread's rseq cpu_id
// (%fs:__rseq_offset+4, the TCB, key-0 memory) whenever it is not
// negative (objdump of Debian 12's libc.so.6: `mov %fs:0x924,%eax; test;
// js` to the vDSO path). No kernel writes that word any more, so one store
// decides what every later sched_getcpu of the thread answers, also
// inside a compartment. The vault here counts calls per CPU in an array
// of CPU_SETSIZE counters (the kernel's CPU numbers are below that), and
// answers its caller this CPU's count. The attacker stores CPU_SETSIZE +
// i into the main thread's cpu_id and calls the vault: it answers the
// word after its array, its secret, eight bytes per call (plus one: it
// increments it).
//
// Seen in the guest (filter on): ATTACK SUCCEEDED, the secret read back;
// control (no store): counts only.
//
// Severity low: the damage needs compartment code that trusts
// sched_getcpu's range, but that trust is what the kernel promises.
// Fixed: the runtime interposes sched_getcpu (runtime/rseq.c) with the
// vDSO's getcpu. libc's internal readers of the rseq cpu_id (none found in
// glibc 2.36's malloc) are not covered.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: held: counts only
// RUN: %run %t | FileCheck %s
// CHECK: main thread's rseq cpu_id: -2
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev24-rseq-cpu-id: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/rseq.h>

BULKHEAD_DATA(vault) static struct {
  long hits[CPU_SETSIZE];
  char secret[32];
} v;

BULKHEAD_ENTRY(vault) void vault_init(void) {
  snprintf(v.secret, sizeof v.secret, "vault-secret-%d", 2425);
}

/* Honest per-CPU counting: the kernel's CPU numbers are below CPU_SETSIZE. */
BULKHEAD_ENTRY(vault) long vault_hits(void) {
  int cpu = sched_getcpu();
  if (cpu < 0)
    return -1; /* sched_getcpu failed */
  return ++v.hits[cpu];
}

static volatile int32_t *cpu_id(void) {
  struct rseq *r =
      (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
  return (volatile int32_t *)&r->cpu_id;
}

int main(int argc, char **argv) {
  int control = argc > 1 && !strcmp(argv[1], "control");
  vault_init();
  printf("main thread's rseq cpu_id: %d\n", (int)*cpu_id());
  char got[33] = "";
  for (int i = 0; i < 4; i++) {
    if (!control)
      *cpu_id() = CPU_SETSIZE + i; /* the attacker's store */
    long w = vault_hits() - 1;
    memcpy(got + 8 * i, &w, 8);
  }
  *cpu_id() = -1;
  if (strstr(got, "vault-secret"))
    printf("ATTACK SUCCEEDED: the vault answered past its array: %s\n", got);
  else
    printf("held: counts only\n");
  printf("attacks-rev24-rseq-cpu-id: done\n");
  return 0;
}
