/* Built with plain clang, without Bulkhead: code the pass never saw, like a
 * third-party library. Its functions are not wrapped, so whatever rights
 * their caller hands them are the rights they run with. */
#include <stdint.h>

struct report {
  uint32_t pkru;
  int value;
};

static uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

void *uninstrumented_routine(void *p) {
  ((struct report *)p)->pkru = rdpkru();
  return 0;
}

int uninstrumented_clone_child(void *p) {
  ((struct report *)p)->pkru = rdpkru();
  return 0;
}

/* pthread_atfork handlers: the PKRU each ran with (spawn-compartment.c). */
uint32_t uninstrumented_prepare_pkru, uninstrumented_parent_pkru,
    uninstrumented_child_pkru;
void uninstrumented_prepare(void) { uninstrumented_prepare_pkru = rdpkru(); }
void uninstrumented_parent(void) { uninstrumented_parent_pkru = rdpkru(); }
void uninstrumented_child(void) { uninstrumented_child_pkru = rdpkru(); }

/* A SIGEV_THREAD notification: the PKRU it ran with, then 1 in done. */
uint32_t uninstrumented_notify_pkru;
volatile int uninstrumented_notify_done;
union sigval_like { int i; void *p; };
void uninstrumented_notify(union sigval_like v) {
  (void)v;
  uninstrumented_notify_pkru = rdpkru();
  __atomic_store_n(&uninstrumented_notify_done, 1, __ATOMIC_RELEASE);
}
