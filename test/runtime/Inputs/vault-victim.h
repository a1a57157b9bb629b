/* vault-victim.h - a thread parked inside the vault with VICTIM_BYTES of
 * locals (default 1024) on its stack of the vault, for the attacks that try
 * to make the vault's frames on another thread land on that stack: the
 * victim checks its locals when `go` is set, says "BROKEN: ..." and exits
 * 1 if any changed, else prints "victim: 0" and VICTIM_OK and ends the
 * program with status 0. report() tells the default domain where the
 * vault's allocations are. Include after check.h. */
#ifndef BULKHEAD_TEST_VAULT_VICTIM_H
#define BULKHEAD_TEST_VAULT_VICTIM_H
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#ifndef VICTIM_BYTES
#define VICTIM_BYTES 1024
#endif

static volatile int victim_ready, go;
static volatile uintptr_t seen_p, seen_q;

/* Default domain: told where the vault's allocations are. */
__attribute__((noinline)) int report(char *p, char *q) {
  seen_p = (uintptr_t)p;
  seen_q = (uintptr_t)q;
  return 0;
}

/* An honest vault function whose frame holds VICTIM_BYTES of locals. */
BULKHEAD_ENTRY(vault) int vault_wait(void) {
  volatile char buf[VICTIM_BYTES];
  for (int k = 0; k < VICTIM_BYTES; k++)
    buf[k] = 'v';
  victim_ready = 1;
  while (!go)
    sched_yield();
  int changed = 0;
  for (int k = 0; k < VICTIM_BYTES; k++)
    changed += buf[k] != 'v';
  printf("victim, back in the vault: %d bytes of its locals changed\n", changed);
  if (changed)
    puts("BROKEN: the other thread's vault frames overwrote the victim's");
  fflush(stdout);
  if (changed)
    _exit(1);
  return changed;
}

static void *victim(void *ok) {
  int changed = vault_wait();
  printf("victim: %d\n", changed);
  puts((const char *)ok);
  fflush(stdout);
  exit(0);
}

/* Starts the victim (its stack of the vault is the first one) and waits
 * until it is parked; ok is the line it prints when it ends unharmed. */
static void start_victim(const char *ok) {
  pthread_t v;
  CHECK(pthread_create(&v, NULL, victim, (void *)ok) == 0);
  while (!victim_ready)
    sched_yield();
}
#endif
