/*
 * init.c - start-up: runs from .preinit_array, before every constructor of
 * the program and of the libraries it loads. It allocates one protection key
 * per compartment the pass described, tags each compartment's data pages
 * with its key, computes every domain's PKRU, makes those tables read-only
 * and leaves the main thread in the default domain.
 */
#define _GNU_SOURCE
#include "gate.h"
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PKEY_BITS(k) (3u << (2 * (k))) /* access- and write-disable */
#define MAX_KEYS 15                    /* keys 1..15; key 0 is the default */

struct bulkhead_domain __bulkhead_domain0
    __attribute__((aligned(BULKHEAD_PAGE))) = {
        .pkey = -1, .abi_version = BULKHEAD_ABI_VERSION, .name = "default"};

/* What a module with a compartment refers to (abi.h): present, the runtime
 * is linked in. */
BH_HIDDEN const char bh_runtime_required[1] __asm__(BULKHEAD_RUNTIME_REQUIRED);

static struct {
  struct bh_state s;
  char pad[BULKHEAD_PAGE - sizeof(struct bh_state)];
} state __attribute__((aligned(BULKHEAD_PAGE)));
const struct bh_state *const bh_state = &state.s;

static const char *opt_in(char **envp) {
  static const char var[] = "BULKHEAD_ALLOW_UNPROTECTED=";
  for (; envp && *envp; envp++)
    if (!strncmp(*envp, var, sizeof var - 1))
      return *envp + sizeof var - 1;
  return NULL;
}

static void list_compartments(void) {
  for (struct bulkhead_domain *d = __start_bulkhead_domains;
       d < __stop_bulkhead_domains; d++) {
    bh_write(d == __start_bulkhead_domains ? " " : ", ");
    bh_write(d->name);
  }
}

static void check_descriptors(size_t n) {
  for (struct bulkhead_domain *d = __start_bulkhead_domains;
       d < __stop_bulkhead_domains; d++)
    if (d->abi_version != BULKHEAD_ABI_VERSION)
      bh_die("bulkhead: error: compartment descriptor from a different Bulkhead version; "
             "rebuild every object with the same bulkhead-clang");
  if (n > MAX_KEYS) {
    bh_write("bulkhead: error: the program has ");
    bh_write_num(n, 10);
    bh_write(" compartments, but a process has at most 15 protection keys:");
    list_compartments();
    bh_die("; merge compartments so that at most 15 remain");
  }
}

/* Pkeys missing (no PKU, kernel without support): stop, or run unprotected
 * if the user asked for that explicitly. */
static void no_pkeys(int err, char **envp) {
  const char *v = opt_in(envp);
  bh_write("bulkhead: ");
  if (!v || strcmp(v, "1")) {
    bh_write("error: memory protection keys are unavailable (pkey_alloc: ");
    bh_write(strerror(err));
    bh_write("); refusing to run compartments");
    list_compartments();
    bh_die(" unprotected. Set BULKHEAD_ALLOW_UNPROTECTED=1 to run anyway.");
  }
  bh_write("warning: memory protection keys are unavailable (pkey_alloc: ");
  bh_write(strerror(err));
  bh_write("); running WITHOUT compartment isolation as "
           "BULKHEAD_ALLOW_UNPROTECTED=1 asks\n");
  state.s.unprotected = 1; /* every PKRU stays 0: gates skip their WRPKRU */
}

static void out_of_keys(struct bulkhead_domain *failed) {
  bh_write("bulkhead: error: out of protection keys: no key left for "
           "compartment '");
  bh_write(failed->name);
  bh_write("' (");
  bh_write_num((size_t)(failed - __start_bulkhead_domains), 10);
  bh_write(" keys allocated; another part of the process holds the rest); "
           "compartments:");
  list_compartments();
  bh_die("");
}

static void tag_data(struct bulkhead_domain *d) {
  if (!d->data_start || d->data_end <= d->data_start)
    return;
  if ((uintptr_t)d->data_start % BULKHEAD_PAGE ||
      (uintptr_t)d->data_end % BULKHEAD_PAGE) {
    bh_write("bulkhead: error: data of compartment '");
    bh_write(d->name);
    bh_die("' is not page-aligned; was every object compiled with "
           "-fpkey-compartments?");
  }
  if (syscall(SYS_pkey_mprotect, d->data_start,
              (size_t)(d->data_end - d->data_start), PROT_READ | PROT_WRITE,
              d->pkey)) {
    bh_write("bulkhead: error: pkey_mprotect of compartment '");
    bh_write(d->name);
    bh_write("' data failed: ");
    bh_die(strerror(errno));
  }
}

static void make_read_only(void *start, size_t len) {
  if (len && mprotect(start, len, PROT_READ))
    bh_die("bulkhead: error: cannot make the domain tables read-only");
}

static void bulkhead_init(int argc, char **argv, char **envp) {
  (void)argc, (void)argv;
  size_t n = bh_domain_count();
  bh_tls_init(); /* before anything sets errno */
  bh_signals_init(); /* the interposed longjmp needs it in every program */
  if (n == 0)
    return; /* no compartments: nothing to protect */
  check_descriptors(n);

  uint32_t all = 0;
  for (struct bulkhead_domain *d = __start_bulkhead_domains;
       d < __stop_bulkhead_domains; d++) {
    /* Disabled in this thread from the start; other threads do not exist. */
    long key = syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_ACCESS);
    if (key < 0 && errno == ENOSPC)
      out_of_keys(d);
    if (key < 0) {
      no_pkeys(errno, envp);
      break;
    }
    d->pkey = (int32_t)key;
    all |= PKEY_BITS(key);
  }

  if (!state.s.unprotected) {
    /* Keys Bulkhead does not own keep the value the process had; key 0 (the
     * default domain, stacks, libc) is open everywhere. */
    uint32_t base = bh_rdpkru() & ~PKEY_BITS(0);
    __bulkhead_domain0.pkru = base | all;
    __bulkhead_domain0.enforced = 1; /* gates run from here on */
    for (struct bulkhead_domain *d = __start_bulkhead_domains;
         d < __stop_bulkhead_domains; d++) {
      d->pkru = (base | all) & ~PKEY_BITS(d->pkey);
      tag_data(d);
    }
  }
  if (!state.s.unprotected) {
    bh_record_init(envp, &state.s);
    bh_share_init(&state.s);
  }
  bh_stacks_init(); /* before the descriptors become read-only */
  bh_enter_init();

  make_read_only(__start_bulkhead_domains, n * sizeof *__start_bulkhead_domains);
  make_read_only(&__bulkhead_domain0, sizeof __bulkhead_domain0);
  bh_sigstack_thread_init();
  bh_rt_stack_thread_init();
  bh_install_fault_reporter();
  make_read_only(&state, sizeof state);
  bh_enter_default_domain();
}

__attribute__((section(".preinit_array"), used)) static void (
    *const bulkhead_preinit)(int, char **, char **) = bulkhead_init;
