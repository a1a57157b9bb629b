/* attacks-rev15-copy-path.test: a hardened program with a compartment of
 * its own (local) dlopens a vault object (argv[1]). Each compartment's heap
 * is a private libmimalloc copy whose data (its main heap, thread data,
 * arenas, options, stats) runtime/heap.c tags with the compartment's key:
 * the default domain cannot read it (its load faults). The attacker (model
 * A: one key-0 store) points the program's log path at bytes of that data;
 * the program creates its log file by that path. The kernel would fail
 * with EFAULT; the supervisor, which opens for the program, reads the path
 * through /proc/<pid>/mem regardless of keys, and creates a file named
 * after the bytes, which the program then lists. Each case prints whether
 * the open failed with EFAULT and no file appeared, else ATTACK SUCCEEDED
 * and whether the name is what the compartment itself reads there. */
#include "../../runtime/Inputs/check.h"
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }
BULKHEAD_ENTRY(local) void local_peek(const char *p, char *out, int n) {
  for (int i = 0; i < n; i++)
    out[i] = p[i];
}

static const char *volatile log_name = "program.log";

typedef void (*peek_fn)(const char *, char *, int);

/* An address in the writable pages of a libmimalloc copy on key: the
 * start of a run of 4 bytes, none NUL or '/', after a NUL (as the
 * compartment reads them), or 0. */
static uintptr_t target_on(int key, peek_fn peek) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f);
  char line[512];
  static char page[4096];
  uintptr_t t = 0;
  while (!t && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[1] != 'w' ||
        !strstr(line, "bulkhead-mimalloc") || page_pkey((void *)lo) != key)
      continue;
    for (unsigned long p = lo; !t && p < hi; p += 4096) {
      peek((const char *)p, page, sizeof page);
      for (int i = 1; !t && i + 4 <= (int)sizeof page; i++) {
        int ok = !page[i - 1];
        for (int j = 0; j < 4; j++)
          ok &= page[i + j] && page[i + j] != '/';
        if (ok)
          t = p + (unsigned long)i;
      }
    }
  }
  fclose(f);
  return t;
}

static void attack(const char *what, int key, peek_fn peek) {
  uintptr_t t = target_on(key, peek);
  if (!t) {
    printf("%s: no libmimalloc copy data on key %d\n", what, key);
    return;
  }
  CHECK(page_pkey((void *)t) == key); /* a load of ours would fault */
  char want[256] = {0};
  peek((const char *)t, want, sizeof want - 1);
  log_name = (const char *)t; /* the attacker's store: an address only */
  int fd = open(log_name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0)
    close(fd);
  log_name = "program.log";
  DIR *d = opendir(".");
  CHECK(d);
  struct dirent *e;
  int found = 0;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      printf("%s: ATTACK SUCCEEDED: the program read %zu bytes of its "
             "libmimalloc copy's data, as it reads them: %d\n",
             what, strlen(e->d_name),
             !strncmp(e->d_name, want, strlen(e->d_name)));
      CHECK(unlinkat(dirfd(d), e->d_name, 0) == 0);
      found = 1;
    }
  closedir(d);
  if (!found)
    printf("%s: %s\n", what, err == EFAULT ? "EFAULT, no file" : strerror(err));
  fflush(stdout);
}

int main(int argc, char **argv) {
  CHECK(argc > 1);
  char dir[] = "/tmp/rev15-copy-XXXXXX";
  CHECK(mkdtemp(dir) && chdir(dir) == 0);
  printf("local: %d\n", local_get());
  attack("local copy", bulkhead_compartment_pkey("local"), local_peek);
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  int (*alloc)(void) = (int (*)(void))dlsym(h, "vault_alloc");
  peek_fn vpeek = (peek_fn)dlsym(h, "vault_peek");
  CHECK(alloc && vpeek);
  printf("vault alloc: %d\n", alloc());
  attack("vault copy", bulkhead_compartment_pkey("vault"), vpeek);
  return 0;
}
