/* Four threads enter libsigvault.so's compartment, which raises a signal
 * from inside it each time; the program's handler runs (in the default
 * domain, on the program's stack: the default slot is the program's).
 * raise() delivers to the calling thread before it returns, so each thread
 * counts its own signals (a thread-local count: handlers on four threads
 * may run at once) and checks one arrived per entry. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

int vault_signal_self(int sig);

static __thread volatile int mine;
static int got, late;
static void handler(int s) {
  (void)s;
  mine++;
}
static void count(int before) {
  if (mine != before + 1)
    __atomic_add_fetch(&late, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&got, mine - before, __ATOMIC_RELAXED);
}
static void *run(void *a) {
  (void)a;
  for (int i = 0; i < 100; i++) {
    int before = mine;
    vault_signal_self(SIGUSR1);
    count(before);
  }
  return NULL;
}

int main(void) {
  signal(SIGUSR1, handler);
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, run, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  int before = mine;
  int n = vault_signal_self(SIGUSR1);
  count(before);
  printf("entries: %d, signals handled: %d, not by the entry's return: %d\n",
         n, got, late);
  return 0;
}
