/* Four threads enter libsigvault.so's compartment, which raises a signal
 * from inside it each time; the program's handler runs (in the default
 * domain, on the program's stack: the default slot is the program's). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

int vault_signal_self(int sig);

static volatile sig_atomic_t got;
static void handler(int s) {
  (void)s;
  got++;
}
static void *run(void *a) {
  (void)a;
  for (int i = 0; i < 100; i++)
    vault_signal_self(SIGUSR1);
  return NULL;
}

int main(void) {
  signal(SIGUSR1, handler);
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, run, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  int n = vault_signal_self(SIGUSR1);
  printf("entries: %d, signals handled: %d\n", n, (int)got);
  return 0;
}
