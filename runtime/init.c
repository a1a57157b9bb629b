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

#include <asm/prctl.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PKEY_BITS(k) (3u << (2 * (k))) /* access- and write-disable */

struct bulkhead_domain __bulkhead_domain0 __attribute__((aligned(BH_PAGE))) = {
    .pkey = -1, .abi_version = BH_ABI_VERSION, .name = "default"};

/* What a module with a compartment refers to (abi.h): present, the runtime
 * is linked in. */
BH_HIDDEN const char bh_runtime_required[1] __asm__(BH_SYM_RUNTIME_REQUIRED);

static struct {
  struct bh_state s;
  char pad[BH_PAGE - sizeof(struct bh_state)];
} state __attribute__((aligned(BH_PAGE)));
const struct bh_state *const bh_state = &state.s;

/* The value of environment variable VAR ("NAME="), or NULL: libc's
 * getenv is not ready before constructors. */
static const char *env_of(char **envp, const char *var) {
  size_t n = strlen(var);
  for (; envp && *envp; envp++)
    if (!strncmp(*envp, var, n))
      return *envp + n;
  return NULL;
}
static const char *opt_in(char **envp) {
  return env_of(envp, "BULKHEAD_ALLOW_UNPROTECTED=");
}

/* " a, b, c": the compartments' names, for error messages. */
static const char *compartment_list(char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = 0;
  struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (n >= cap)
      break;
    n += bh_format(buf + n, cap - n, "%s%s", i == 0 ? " " : ", ", d->name);
  }
  return buf;
}

static void check_descriptors(size_t n) {
  struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (d->abi_version != BH_ABI_VERSION)
      bh_fatal("compartment descriptor from a different Bulkhead version; "
               "rebuild every object with the same bulkhead-clang");
  }
  if (n > BH_MAX_COMPARTMENTS) {
    char list[512];
    bh_fatal("the program has %zu compartments, but a process has at most %d "
             "protection keys:%s; merge compartments so that at most %d remain",
             n, BH_MAX_COMPARTMENTS, compartment_list(list, sizeof list),
             BH_MAX_COMPARTMENTS);
  }
}

/* Pkeys missing (no PKU, kernel without support): stop, or run unprotected
 * if the user asked for that explicitly. */
static void no_pkeys(int err, char **envp) {
  const char *v = opt_in(envp);
  if (!v || strcmp(v, "1")) {
    char list[512];
    bh_fatal("memory protection keys are unavailable (pkey_alloc: %s); "
             "refusing to run compartments%s unprotected. Set "
             "BULKHEAD_ALLOW_UNPROTECTED=1 to run anyway.",
             strerror(err), compartment_list(list, sizeof list));
  }
  bh_write("bulkhead: warning: memory protection keys are unavailable "
           "(pkey_alloc: ");
  bh_write(strerror(err));
  bh_write("); running WITHOUT compartment isolation as "
           "BULKHEAD_ALLOW_UNPROTECTED=1 asks\n");
  state.s.unprotected = 1; /* every PKRU stays 0: gates skip their WRPKRU */
}

#ifdef BH_BENCH_NOP_WRPKRU
#define BENCH_NOP_WRPKRU 1
/* The bench-only runtime (libbulkhead_rt_nopkru.a; BH_NOP_WRPKRU in
 * include/bulkhead/abi.h): its gates and the pass's write no PKRU, so it
 * allocates no key and tags nothing, on any CPU; it runs them in full all
 * the same: enforced set, every PKRU word as a protected program's would
 * be (keys 1 to n, Linux's initial PKRU for the other keys), and each
 * thread's stand-in PKRU, the word its GS base points at. */
static __thread uint32_t bench_pkru;

void bh_bench_nop_thread_init(void) {
  if (syscall(SYS_arch_prctl, ARCH_SET_GS, &bench_pkru))
    bh_fatal("cannot point GS at this thread's stand-in PKRU: %s",
             strerror(errno));
}

static void bench_nop_wrpkru(char **envp) {
  const char *v = opt_in(envp);
  if (!v || strcmp(v, "1"))
    bh_fatal("this program was built for benchmarks with no-op WRPKRU "
             "gates and protects nothing; set BULKHEAD_ALLOW_UNPROTECTED=1 "
             "to run it");
  bh_write("bulkhead: warning: BENCHMARK BUILD: no WRPKRU runs (no-op "
           "stand-ins); running WITHOUT compartment isolation\n");
  state.s.unprotected = 1; /* no key, no tag, no filter */
  uint32_t all = 0;
  struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    d->pkey = (int32_t)i + 1;
    all |= PKEY_BITS(d->pkey);
  }
  uint32_t base = 0x55555554u;
  __bulkhead_domain0.pkru = base | all;
  bh_for_each_domain(i, d) { d->pkru = (base | all) & ~PKEY_BITS(d->pkey); }
  bh_bench_nop_thread_init();
  __bulkhead_domain0.enforced = 1; /* every gate runs, to its stand-in */
}
#else
#define BENCH_NOP_WRPKRU 0
#endif

static void out_of_keys(size_t failed) {
  char list[512];
  bh_fatal("out of protection keys: no key left for compartment '%s' (%zu "
           "keys allocated; another part of the process holds the rest); "
           "compartments:%s",
           bh_domain_at(failed)->name, failed,
           compartment_list(list, sizeof list));
}

void bh_tag_data(struct bulkhead_domain *d) {
  if (!d->data_start || d->data_end <= d->data_start)
    return;
  if ((uintptr_t)d->data_start % BH_PAGE || (uintptr_t)d->data_end % BH_PAGE) {
    bh_fatal("data of compartment '%s' is not page-aligned; was every object "
             "compiled with -fpkey-compartments?",
             d->name);
  }
  if (syscall(SYS_pkey_mprotect, d->data_start,
              (size_t)(d->data_end - d->data_start), PROT_READ | PROT_WRITE,
              d->pkey)) {
    bh_fatal("pkey_mprotect of compartment '%s' data failed: %s", d->name,
             strerror(errno));
  }
}

/* A hardened program cannot allocate keys after start-up (the filter
 * refuses pkey_alloc), so it takes now every key left, up to the gates'
 * cap of compartments, for objects a dlopen may register later
 * (docs/shared-objects.md, step 6, piece 3). Returns their PKRU bits:
 * every domain gets them closed, access and writes, until a registration
 * gives one. */
static uint32_t reserve_keys(size_t n, char **envp) {
  /* BULKHEAD_LATE_COMPARTMENTS=N: at most N (each costs a heap prepared
   * at start-up, heap.c). */
  const char *v = env_of(envp, "BULKHEAD_LATE_COMPARTMENTS=");
  size_t cap = v ? 0 : BH_MAX_COMPARTMENTS;
  int bad = v && !*v;
  for (const char *c = v; c && *c && !bad; c++) {
    bad = *c < '0' || *c > '9' || cap > BH_MAX_COMPARTMENTS;
    cap = cap * 10 + (size_t)(*c - '0');
  }
  if (bad || cap > BH_MAX_COMPARTMENTS)
    bh_fatal("BULKHEAD_LATE_COMPARTMENTS=%s: not a number of compartments "
             "from 0 to %d",
             v, BH_MAX_COMPARTMENTS);
  uint32_t bits = 0;
  while (n + (size_t)state.s.reserved_keys < BH_MAX_COMPARTMENTS &&
         (size_t)state.s.reserved_keys < cap) {
    long key = syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_ACCESS);
    if (key < 0)
      break; /* ENOSPC: another part of the process holds the rest */
    if (key >= 16)
      bh_fatal("pkey_alloc gave key %ld, past the 16 of PKRU", key);
    state.s.reserved_key[state.s.reserved_keys++] = (int8_t)key;
    bits |= PKEY_BITS(key);
  }
  return bits;
}

static void make_read_only(void *start, size_t len) {
  if (len && mprotect(start, len, PROT_READ))
    bh_fatal("cannot make the domain tables read-only");
}

static void bulkhead_init(int argc, char **argv, char **envp) {
  (void)argc;
  bh_tls_init();          /* before anything sets errno */
  bh_domain_table_init(); /* everything below walks it */
  size_t n = bh_domain_count();
  bh_signals_init(); /* the interposed longjmp needs it in every program */
  bh_exception_ptr_init(state.s.exception_ptr_fn); /* every C++ program */
  if (n == 0)
    return; /* no compartments: nothing to protect */
  check_descriptors(n);
  bh_stats_init(envp);

  uint32_t all = 0;
#ifdef BH_BENCH_NOP_WRPKRU
  bench_nop_wrpkru(envp); /* no key, no tag: the loop below does nothing */
#endif
  struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (BENCH_NOP_WRPKRU)
      break;
    /* Disabled in this thread from the start; other threads do not exist. */
    long key = syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_ACCESS);
    if (key < 0 && errno == ENOSPC)
      out_of_keys(i);
    if (key < 0) {
      no_pkeys(errno, envp);
      break;
    }
    d->pkey = (int32_t)key;
    all |= PKEY_BITS(key);
  }

  if (!state.s.unprotected && !BENCH_NOP_WRPKRU && bh_filter_planned())
    all |= reserve_keys(n, envp);

  if (!state.s.unprotected) {
    bh_bind_now(argv, envp);
    bh_refuse_execute_only(); /* before anything reads code */
    /* What the scan sees must be what runs: pages of files the process
     * could change become its own first. Without the filter the process
     * may make code writable anyway. */
    const char *v = env_of(envp, "BULKHEAD_VERBOSE=");
    int verbose = v && *v && strcmp(v, "0");
    if (bh_filter_planned())
      bh_own_startup_pages(verbose);
    bh_unwinder_only_libgcc();
    bh_unwind_objects_init(&state.s.unwind_lo, &state.s.unwind_hi);
    bh_plt_read_only(verbose, 0, 0, &state.s.plt_lo, &state.s.plt_hi);
    bh_rseq_off();
    bh_neutralise_gadgets(BH_SCAN_START);
    /* Keys Bulkhead does not own keep the value the process had; key 0 (the
     * default domain, stacks, libc) is open everywhere. */
    uint32_t base = bh_rdpkru() & ~PKEY_BITS(0);
    __bulkhead_domain0.pkru = base | all;
    __bulkhead_domain0.enforced = 1; /* gates run from here on */
    bh_for_each_domain(i, d) {
      d->pkru = (base | all) & ~PKEY_BITS(d->pkey);
      bh_tag_data(d);
    }
  }
  if (!state.s.unprotected)
    bh_record_init(envp, &state.s);
  bh_stacks_init(); /* before the descriptors become read-only */
  bh_fork_init();
  if (state.s.reserved_keys)
    bh_stack_arenas_reserve(state.s.reserved_keys, &state.s.arena_lo,
                            &state.s.arena_hi);
  if (!state.s.unprotected)
    bh_share_init(&state.s); /* its records are in the stack arenas */
  bh_enter_init();
  /* Trampolines tell a compartment stack's owner by its fs base (abi.h,
   * BH_STACK_OWNER_BELOW), which needs RDFSBASE. */
  __bulkhead_domain0.owner_check = __bulkhead_domain0.enforced && bh_fsgsbase();
  if (__bulkhead_domain0.enforced && !bh_fsgsbase() &&
      env_of(envp, "BULKHEAD_VERBOSE=") &&
      strcmp(env_of(envp, "BULKHEAD_VERBOSE="), "0"))
    bh_write("bulkhead: warning: the kernel does not let user space read "
             "the fs base (FSGSBASE, Linux 5.9 and later): trampolines "
             "cannot tell this thread's compartment stacks from another's\n");

  /* What the scrubs clear beyond xmm0-15 when control leaves a compartment
   * (BH_SCRUB_VECTORS); protected or not, the registers are the same. */
  __bulkhead_domain0.vector_state = bh_vector_state();

  bh_for_each_domain(i, d) { make_read_only(d, sizeof *d); }
  make_read_only(&__bulkhead_domain0, sizeof __bulkhead_domain0);
  /* The shared objects' copies of the words above, final now; before any
   * of their code (constructors included) runs. */
  bh_fill_object_copies();
  bh_sigstack_thread_init();
  bh_rt_stack_thread_init();
  bh_install_fault_reporter();
  make_read_only(&state, sizeof state);
  bh_enter_default_domain();
}

__attribute__((section(".preinit_array"), used)) static void (
        *const bulkhead_preinit)(int, char **, char **) = bulkhead_init;
