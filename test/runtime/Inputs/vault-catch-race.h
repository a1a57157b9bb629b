/* vault-catch-race.h - the vault and the program of the attacks on a
 * compartment's exception object while it unwinds (attacks-rev30-
 * landing-pad.cpp, attacks-rev33-unwind-stop-fn.cpp): the vault throws
 * and catches E{3} past a cleanup that waits for the program's
 * acknowledgement on a pipe; the program's second thread finds the
 * exception's header (find_landing_pad: the word below its class word),
 * calls the test's forge(header word, address of steal) unless run with
 * an argument (the control), and acknowledges; it says "header not found
 * in key-0 memory" and acknowledges if a few looks do not find it. Include after defining
 * forge. */
#ifndef VAULT_CATCH_RACE_H
#define VAULT_CATCH_RACE_H
#include <bulkhead.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "key0-words.h"
#include "exception-header.h"

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_DATA(vault) int vault_ack_fd;

struct E {
  int v;
};

/* A cleanup that waits for the caller's acknowledgement. */
struct Ack {
  ~Ack() {
    char c;
    if (read(vault_ack_fd, &c, 1) != 1)
      vault_key[0] = 0;
  }
};

__attribute__((noinline)) static void vault_fail(int v) {
  Ack a;
  if (v)
    throw E{v};
}

extern "C" BULKHEAD_ENTRY(vault) int vault_catch(int fd, int v) {
  vault_ack_fd = fd;
  try {
    vault_fail(v);
  } catch (E &e) {
    return e.v + 1;
  }
  return 0;
}

#include "steal-vault-key.h"

static int ack[2];
static int armed;

static void *attacker(void *) {
  uintptr_t *pad;
  /* The vault waits for the acknowledgement: the header, if it is in
   * key-0 memory, is there on the first look. A few more, then give up
   * (the vault's exceptions are on its own pages since issue 11). */
  for (int tries = 0; !(pad = find_landing_pad()); tries++)
    if (tries == 20) {
      puts("header not found in key-0 memory");
      fflush(stdout);
      write(ack[1], "k", 1);
      return NULL;
    } else {
      usleep(10000);
    }
  puts("header found");
  fflush(stdout);
  if (armed) {
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    forge(pad, p);
  }
  write(ack[1], "k", 1);
  return NULL;
}

int main(int argc, char **argv) {
  (void)argv;
  armed = argc < 2;
  if (pipe(ack))
    return 1;
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  int r = vault_catch(ack[0], 3);
  pthread_join(t, NULL);
  printf("caught in the vault: %d\n", r);
  puts("nothing stolen");
  return 0;
}
#endif
