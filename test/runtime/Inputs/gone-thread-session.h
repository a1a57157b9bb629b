/* gone-thread-session.h - the vault of the fork attacks in which a thread
 * of the child takes the vault activation of a thread that did not come
 * along (reviews 67a, 70a): vault_session (an admin may read the secret
 * once its call out to WAIT is answered; resumed on another thread it
 * prints ATTACK SUCCEEDED and HOW, the test's account of why) and
 * vault_guest (the child's way in, deeper on the vault's stack), with the
 * key-0 words thread 2 (the admin) leaves for the attacker. */
#ifndef BULKHEAD_TEST_GONE_THREAD_SESSION_H
#define BULKHEAD_TEST_GONE_THREAD_SESSION_H
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static long secret = 4242;

static int attack;
static volatile uintptr_t admin_sp; /* thread 2's saved stack pointer */
static volatile int admin_out;

/* Admins may read the secret once their call out is answered. */
BULKHEAD_ENTRY(vault) int vault_session(int admin, void (*wait)(int)) {
  volatile long tid = syscall(SYS_gettid);
  volatile int is_admin = admin;
  wait(admin);
  if (tid != syscall(SYS_gettid)) {
    printf("vault_session (admin %d) resumed by another thread: secret "
           "%ld\n",
           is_admin, is_admin ? secret : 0);
    puts("ATTACK SUCCEEDED: a thread's way back took a gone thread's vault "
         "activation " HOW);
  } else {
    printf("vault_session (admin %d) back in its own activation\n",
           is_admin);
  }
  return 0;
}

/* The guest's way in, deeper on the vault's stack: since review 71 the
 * child gives thread 2's stack back once started over, and the guest may
 * get that very stack; at thread 2's depth the stored pointer would be
 * the guest's own call out's record. */
BULKHEAD_ENTRY(vault) int vault_guest(void (*wait)(int)) {
  volatile char pad[512];
  pad[0] = 0;
  int r = vault_session(0, wait);
  return r + pad[0];
}
#endif
