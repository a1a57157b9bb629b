/* The program of supervisor-killed.test: waits for its supervisor to be
 * killed (the test's shell does that), then opens a file and has a new
 * thread enter its vault, which needs the supervisor (stack owners). */
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int secret = 7;
BULKHEAD_ENTRY(vault) int vault_read(void) { return secret; }

static void *enter(void *unused) {
  (void)unused;
  return (void *)(long)vault_read();
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  while (access("supervisor-killed", F_OK)) /* the test's signal to go on */
    usleep(10000);
  int fd = open("/etc/hostname", O_RDONLY);
  printf("open without the supervisor: %s\n", fd < 0 ? strerror(errno) : "opened");
  pthread_t t;
  pthread_create(&t, NULL, enter, NULL);
  pthread_join(t, NULL);
  printf("a new thread entered the vault\n");
  return 0;
}
