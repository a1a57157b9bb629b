/* The program of attacks-review14-open-late.test: a hardened program (the
 * system-call filter on) with a compartment of its own, `local`, that
 * dlopens libvault.so (argv[1]). It creates its log file by a path whose
 * pointer is key-0 memory, which the attacker (model A: key-0 stores
 * only) has pointed at a compartment's secret: at local's data (a
 * compartment of the program), then at the vault's data and at a block
 * of the vault's heap (a compartment registered by the dlopen). The kernel
 * cannot read such a path with the default domain's rights (EFAULT); the
 * supervisor, which opens for the program, must not read it for the
 * default domain either (docs/hardening.md, "reads a path that lies in a
 * compartment's memory only for a caller whose PKRU may read it"). Each
 * case prints whether the open failed with EFAULT and whether a file
 * named after the secret appeared in the log directory; then a fork of the
 * program tries the vault's again. */
#include "../../runtime/Inputs/check.h"
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>

BULKHEAD_DATA(local) static char local_secret[32] = "LOCAL-SECRET-NAME";
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret[0]; }

/* The program's own: where it logs. Key-0 memory, the attacker's to
 * rewrite. */
static const char *volatile log_name = "program.log";

/* The program's ordinary step: create its log file in the current
 * directory. */
static int create_log(void) {
  int fd = open(log_name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0)
    close(fd);
  return err;
}

/* Whether the directory holds an entry other than the program's own log
 * (named after the secret, then): its name, and the entry removed. */
static int leaked(const char *dir, char *name, size_t cap) {
  DIR *d = opendir(dir);
  CHECK(d);
  struct dirent *e;
  int found = 0;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
        strcmp(e->d_name, "program.log")) {
      snprintf(name, cap, "%s", e->d_name);
      CHECK(unlinkat(dirfd(d), e->d_name, 0) == 0);
      found = 1;
    }
  closedir(d);
  return found;
}

static void attack(const char *dir, const char *what, const char *secret) {
  log_name = secret; /* the attacker's store: an address only */
  int err = create_log();
  log_name = "program.log";
  char name[256];
  if (leaked(dir, name, sizeof name))
    printf("%s: ATTACK SUCCEEDED: the program read the secret \"%s\"\n", what,
           name);
  else
    printf("%s: %s\n", what,
           err == EFAULT ? "EFAULT, no file" : strerror(err));
  fflush(stdout);
}

int main(int argc, char **argv) {
  CHECK(argc > 1);
  char dir[] = "/tmp/review14-open-XXXXXX";
  CHECK(mkdtemp(dir) && chdir(dir) == 0);
  printf("local: %d\n", local_get());
  CHECK(create_log() == 0); /* the log as it should be */
  attack(dir, "local data", local_secret);

  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  int (*sign)(int) = (int (*)(int))dlsym(h, "vault_sign");
  const void *(*key_address)(void) =
      (const void *(*)(void))dlsym(h, "vault_key_address");
  const void *(*heap_address)(void) =
      (const void *(*)(void))dlsym(h, "vault_heap_address");
  CHECK(sign && key_address && heap_address);
  printf("sign: %d\n", sign(1)); /* its first malloc: the heap secret */
  int key = bulkhead_compartment_pkey("vault");
  const char *vault_key = key_address(), *vault_block = heap_address();
  CHECK(key > 0 && page_pkey(vault_key) == key &&
        page_pkey(vault_block) == key);
  attack(dir, "vault data", vault_key);
  attack(dir, "vault heap", vault_block);
  /* A fork made after the registration has the vault's memory, on its key,
   * at the same addresses; the supervisor has no record of the vault for
   * it (its records are the parent's). */
  fflush(stdout);
  pid_t child = fork();
  CHECK(child >= 0);
  if (child == 0) {
    attack(dir, "fork: vault data", vault_key);
    attack(dir, "fork: vault heap", vault_block);
    _exit(0);
  }
  int st;
  CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) &&
        WEXITSTATUS(st) == 0);
  return 0;
}
