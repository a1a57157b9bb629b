/* learnt-pkru-storm.h - the scene of the learnt-PKRU attacks (reviews 17
 * and 20): the vault's file NAME in a fresh directory, a worker thread that
 * runs the test's vault_work() (the vault's own opens of its path) until
 * `stop`, and the program's SIGUSR1s to that worker until the test's handler
 * sets leaked_fd or a limit is reached. Include it after the test's
 * vault_set() and vault_work(). */
#ifndef BULKHEAD_TEST_LEARNT_PKRU_STORM_H
#define BULKHEAD_TEST_LEARNT_PKRU_STORM_H
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Set by the test's handler: the first file its open got, and its PKRU then. */
static volatile int leaked_fd = -1;
static volatile unsigned leak_pkru;

static unsigned rdpkru(void) {
  unsigned eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

static volatile pid_t worker_tid;
static long vault_opened;
static void *worker(void *unused) {
  (void)unused;
  worker_tid = (pid_t)syscall(SYS_gettid);
  vault_opened = vault_work();
  return NULL;
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* Makes the directory (a mkdtemp template), creates dir/NAME in it (file)
 * and gives the vault that directory: 0, or -1 after perror. */
static int make_vault_file(char *dir, char *file, size_t size) {
  if (!mkdtemp(dir))
    return perror("mkdtemp"), -1;
  snprintf(file, size, "%s/%s", dir, NAME);
  int c = open(file, O_CREAT | O_WRONLY, 0600);
  if (c < 0)
    return perror("create"), -1;
  close(c);
  vault_set(dir);
  return 0;
}

/* Starts the worker and signals it at random intervals (srand(seed)) until
 * leaked_fd is set, `most` signals were sent or `ms` have passed; then stops
 * and joins it. Returns how many signals were sent. */
static long signal_worker(unsigned seed, long most, long ms) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  while (!worker_tid)
    usleep(1000);
  /* The program's own signals to its worker (a timer, a watchdog). */
  srand(seed);
  long signals = 0, start = now_ms();
  while (leaked_fd < 0 && signals < most && now_ms() - start < ms) {
    syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1);
    signals++;
    usleep(100 + rand() % 2000);
  }
  stop = 1;
  pthread_join(t, NULL);
  return signals;
}

/* The name /proc/self/fd gives for fd (empty if it cannot be read). */
static void fd_name(int fd, char *name, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t k = readlink(link, name, size - 1);
  name[k > 0 ? k : 0] = 0;
}

#endif
