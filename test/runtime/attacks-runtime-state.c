// Structural check of issue 11: after start-up and after a thread has used
// two compartments (their stacks and heaps), every data object of the
// runtime (the symbols the executable's symbol table attributes to
// runtime/*.c) lies on pages the default domain cannot write: read-only,
// or tagged with a key other than 0. Except the short list below, each a
// row of docs/threat-model.md "Runtime state", validated before use or
// listed there as open. A new piece of key-0 runtime state fails this test
// until it is protected or documented. Also the allocator metadata of
// each compartment heap: every writable page of each compartment's
// mimalloc copy (its globals, among them the heap its malloc uses, the
// thread data, the arena table) but RELRO (read-only) is on a key other
// than 0. The arena descriptors and segment headers are in the tagged
// heap region (runtime/heap.c); the copies' per-thread default heap (TLS)
// is key-0 and never read on the runtime's paths (threat model).
// REQUIRES: pku
// No keys reserved for later compartments: their allocator copies,
// prepared at start-up (docs/heaps.md), are not what this test counts.
// The runtime's files come from lit (every runtime/*.c, lit.cfg.py).
// RUN: %bulkhead_clang -fpkey-compartments -O2 '-DRUNTIME_FILES="%bh_runtime_files"' %s -o %t && env BULKHEAD_LATE_COMPARTMENTS=0 %run %t
#include "Inputs/check.h"
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* Key-0, writable, and why that is acceptable or open (threat model). A
 * local symbol matches its name or "file.c:name". */
static const char *const allowed[] = {
    /* TLS, validated before use (where a narrowed handler's frames begin
     * is no longer memory: the GS base, signals.c) */
    "__bulkhead_stack.0", "__bulkhead_stack_tls", "__bulkhead_rt_stack",
    "__bulkhead_sigstack", "whole_sp", "whole_size",
    /* TLS: the heap's `busy`, which no longer decides (attacks-heap-busy.c) */
    "__bulkhead_heap_tls",
    /* TLS: where a thread's sharing records are (checked against its FS
     * base and id): the brackets and the log of the thread's longjmps are
     * on the compartment's key (attacks-share-policy-brackets.c) */
    "bh_share_hint",
    /* the program's signal handlers: run with the default domain's rights */
    "wanted",
    /* libc functions the thread and process interposers found lazily:
     * called only with the default domain's rights (spawn.c) */
    "create.next", "do_clone.next", "libc_fork", "libc__Fork", "libc_system",
    "libc_popen", "libc_timer_create", "libc_spawn",
    /* libc's qsort, called only from the default domain (sort.c) */
    "qsort.libc", "qsort_r.libc",
    /* locks and diagnostics: set-up lock, symbolizer, recorder */
    "setup_lock", "lock", "modules", "n_modules", "seen_before.seen", "stepping",
    "table_full", "bh_record_fault.l", "bh_record_stack_fault.l",
    /* dlopen registration's lock (dlopen.c): glibc's loader lock
     * serialises dlopen too; a broken one lets a direct call race a
     * dlopen's registration: keys wasted, data on a key no domain holds */
    "registering",
    /* TLS: this thread is inside registration, or its fork's prepare took
     * that lock (dlopen.c, fork.c): rewritten, a fork skips or frees the
     * lock, as a store into it would */
    "registering_here", "held_registration",
    /* TLS: the signal mask a fork's handlers give back (fork.c): it only
     * chooses the signals this thread gets */
    "old_mask",
    /* arguments of a compartment's shared-heap call, read with the default
     * domain's rights; the block is checked on return (shared-heap.c) */
    "args",
    /* TLS: where a listed landing pad continues, read by bh_pad_gate only
     * after its gate into the default domain (unwind-copy.c) */
    "bh_pad_to",
    /* BULKHEAD_STATS numbers for the user; nothing decides on them */
    "heap_bytes", "started", "largest_copy",
    /* TLS: the default domain's caught-exception list, trusted only by the
     * default domain's own __cxa_end_catch; hints of blocks given to
     * another compartment: a rewritten one only stops the process
     * (exceptions.c) */
    "exceptions.c:default_eh", "exceptions.c:released_hint",
    /* Start-up scratch: written and read only in .preinit_array (init.c)
     * and the filter's installation (syscalls.c, constructor 103), before
     * the program's other constructors and main; never read after: the
     * filter program being built, the environment, the executable-memory
     * record, a page buffer, the /proc descriptor and its mount's id (the
     * supervisor opens its own) */
    "syscalls.c:install_filter.prog", "syscalls.c:listener_refused",
    "bpf.c:bh_build_filter.as", "gadgets.c:env",
    "gadgets.c:bh_check_exec_memory.c", "supervisor-own.c:own_range.page",
    "supervisor-open.c:proc_root", "supervisor-open.c:proc_mount",
    /* The program's copies of the supervisor's state. The supervisor is a
     * fork made in constructor 103 (syscalls.c, supervisor.c); from then on
     * it uses only its own copy, and the functions that read these are
     * reached only from supervise() (its loop), never in the program's
     * process; it reads none of them from the program's memory */
    "bpf.c:bh_build_object_filter.as", "bpf.c:bh_build_object_filter.p",
    "supervisor-relro.c:bh_relro_check.line",
    "supervisor-relro.c:bh_relocated_values.line",
    "supervisor-relro.c:bh_relocated_values.done",
    "supervisor-unwind.c:words.w", "supervisor-unwind.c:words.had",
    "supervisor-open.c:bh_stopped_pkru.lock",
    "supervisor-open.c:bh_stopped_pkru.xsave",
    "supervisor-publish.c:bh_write_copies.buf",
    "supervisor-imports.c:bh_write_imports.name",
    "supervisor-imports.c:bh_write_imports.pt",
    "supervisor-keys.c:exception_block.l", "object-file.c:file_pages.file",
    "object-file.c:file_pages.seen", "supervisor-filter.c:filter_write.u",
    "supervisor-filter.c:filtered", "supervisor-filter.c:nfiltered",
    "supervisor-filter.c:filters_of.buf", "supervisor-filter.c:page_empty.page",
    "supervisor-filter.c:writing.0", "supervisor-filter.c:writing.1",
    "supervisor-filter.c:writing.2", "supervisor-filter.c:writing.3",
    "supervisor-filter.c:writing.4", "supervisor-exec.c:held",
    "supervisor-open.c:held", "supervisor-exec.c:pending",
    "supervisor-exec.c:npending", "supervisor-keys.c:keys",
    "supervisor-keys.c:write_descriptor.u", "supervisor.c:killed_lines",
    "supervisor.c:same_text_size.ours", "supervisor-open.c:learnt",
    "supervisor-open.c:learnt_lock", "supervisor-open.c:remember.next",
    "supervisor-open.c:same_root.b", "supervisor-open.c:same_root.have",
    "supervisor-open.c:own_caps", "supervisor-open.c:own_groups",
    "supervisor-open.c:own_ngroups", "supervisor-publish.c:listed.pt",
    "supervisor-objects.c:records", "supervisor-objects.c:nrecords",
    "supervisor-code-gates.c:refusal", "supervisor-code-gates.c:refused",
};

extern char __bulkhead_domain0[];

/* Whether NAME is one of the space-separated RUNTIME_FILES. */
static int runtime_file(const char *name) {
  size_t len = strlen(name);
  for (const char *p = RUNTIME_FILES; (p = strstr(p, name)); p += len)
    if ((p == RUNTIME_FILES || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
      return 1;
  return 0;
}

struct range {
  uintptr_t lo, hi;
  int w, key;
};
static struct range ranges[8192];
static int nranges;

static void load_ranges(void) {
  FILE *f = fopen("/proc/self/smaps", "r");
  CHECK(f);
  char line[512];
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[8];
    int key;
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && strchr(line, '-') < strchr(line, ' ')) {
      CHECK(nranges < 8192);
      ranges[nranges++] = (struct range){lo, hi, perms[1] == 'w', 0};
    } else if (sscanf(line, "ProtectionKey: %d", &key) == 1 && nranges) {
      ranges[nranges - 1].key = key;
    }
  }
  fclose(f);
}

/* Whether the default domain can write some byte of [a, a + n). */
static int default_writable(uintptr_t a, size_t n) {
  for (int i = 0; i < nranges; i++)
    if (a < ranges[i].hi && ranges[i].lo < a + n && ranges[i].w && ranges[i].key == 0)
      return 1;
  return 0;
}

static int in(const char *name, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(name, list[i]))
      return 1;
  return 0;
}

/* Each compartment's mimalloc copy (loaded from /proc/self/fd/N): its
 * writable pages outside RELRO must not be the default domain's. */
static int copy_data(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  int *copies = arg;
  if (!info->dlpi_name || (!strstr(info->dlpi_name, "/proc/self/fd/") &&
                           !strstr(info->dlpi_name, "bulkhead-mimalloc")))
    return 0;
  uintptr_t relro_hi = 0;
  for (int j = 0; j < info->dlpi_phnum; j++)
    if (info->dlpi_phdr[j].p_type == PT_GNU_RELRO)
      relro_hi = info->dlpi_addr + info->dlpi_phdr[j].p_vaddr +
                 info->dlpi_phdr[j].p_memsz;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
      continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
    if (relro_hi > lo)
      lo = relro_hi & ~(uintptr_t)4095;
    lo &= ~(uintptr_t)4095;
    if (default_writable(lo, hi - lo)) {
      fprintf(
          stderr,
          "attacks-runtime-state: allocator data of %s in %#lx-%#lx is key-0 "
          "memory the default domain can write\n",
          info->dlpi_name, (unsigned long)lo, (unsigned long)hi);
      *copies = -1000;
    }
  }
  ++*copies;
  return 0;
}

BULKHEAD_ENTRY(vault) void *vault_use(void) { return malloc(100); }
/* A call of a declaration: an import (pass/CallGates.cpp). */
BULKHEAD_ENTRY(vault) int vault_page_size(void) { return getpagesize(); }
extern char __start_bulkhead_imports[], __stop_bulkhead_imports[];
BULKHEAD_ENTRY(other) void *other_use(void) { return malloc(100); }

static void *two(void *unused) {
  (void)unused;
  CHECK(vault_use() && other_use());
  return NULL;
}

static void check(const char *when) {
  load_ranges();
  int fd = open("/proc/self/exe", O_RDONLY);
  struct stat st;
  CHECK(fd >= 0 && fstat(fd, &st) == 0);
  const char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(m != MAP_FAILED);
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;
  const Elf64_Shdr *sh = (const Elf64_Shdr *)(m + eh->e_shoff);
  const Elf64_Shdr *symtab = NULL;
  for (int i = 0; i < eh->e_shnum; i++)
    if (sh[i].sh_type == SHT_SYMTAB)
      symtab = &sh[i];
  CHECK(symtab); /* the test needs the symbol table */
  const Elf64_Sym *sym = (const Elf64_Sym *)(m + symtab->sh_offset);
  const char *str = m + sh[symtab->sh_link].sh_offset;
  size_t n = symtab->sh_size / sizeof *sym;
  /* The load base, from a symbol whose address we know. */
  uintptr_t base = 0;
  for (size_t i = 0; i < n; i++)
    if (!strcmp(str + sym[i].st_name, "__bulkhead_domain0"))
      base = (uintptr_t)__bulkhead_domain0 - sym[i].st_value;
  CHECK(base);
  int runtime = 0, files = 0, seen = 0, bad = 0;
  const char *file = "";
  for (size_t i = 0; i < n; i++) {
    const char *name = str + sym[i].st_name;
    int type = ELF64_ST_TYPE(sym[i].st_info);
    if (type == STT_FILE) {
      runtime = *name && runtime_file(name);
      file = name;
      files += runtime;
      continue;
    }
    if ((type != STT_OBJECT && type != STT_TLS) || sym[i].st_shndx == SHN_UNDEF)
      continue;
    /* Locals by the file they come from (they follow its STT_FILE),
     * globals by the runtime's prefixes. */
    if (ELF64_ST_BIND(sym[i].st_info) == STB_LOCAL
            ? !runtime
            : strncmp(name, "__bulkhead", 10) && strncmp(name, "bh_", 3))
      continue;
    if (!strncmp(name, "__bulkhead_stack.", 17) && strcmp(name, "__bulkhead_stack.0"))
      continue; /* a compartment's slot, the pass's: validated (threat model) */
    if (!strncmp(name, "__bulkhead_stats.", 17))
      continue; /* the pass's crossing counters: nothing decides on them */
    if (!strcmp(name, "__bulkhead_argbuf"))
      continue; /* the pass's: what a compartment hands the default domain */
    seen++;
    int open_to_all = type == STT_TLS ||
                      default_writable(base + sym[i].st_value, sym[i].st_size ? sym[i].st_size : 1);
    char qualified[256];
    snprintf(qualified, sizeof qualified, "%s:%s", file, name);
    if (open_to_all && !in(name, allowed, sizeof allowed / sizeof *allowed) &&
        !(ELF64_ST_BIND(sym[i].st_info) == STB_LOCAL &&
          in(qualified, allowed, sizeof allowed / sizeof *allowed))) {
      fprintf(stderr, "attacks-runtime-state: %s: '%s' (%s) is key-0 memory the default domain can write\n",
              when, name, ELF64_ST_BIND(sym[i].st_info) == STB_LOCAL ? file : "global");
      bad++;
    }
  }
  munmap((void *)m, (size_t)st.st_size);
  close(fd);
  CHECK(files > 40 && seen > 10); /* found the runtime's files and symbols */
  /* The pass's imports (local symbols of each module), which decide
   * whether a compartment's call of a declaration is gated. */
  CHECK(__stop_bulkhead_imports > __start_bulkhead_imports);
  if (default_writable((uintptr_t)__start_bulkhead_imports,
                       (size_t)(__stop_bulkhead_imports - __start_bulkhead_imports))) {
    fprintf(stderr, "attacks-runtime-state: %s: the imports are key-0 memory the default domain can write\n",
            when);
    bad++;
  }
  CHECK(!bad);
  int copies = 0;
  dl_iterate_phdr(copy_data, &copies);
  CHECK(copies == 2); /* vault's and other's, each with its data tagged */
}

int main(void) {
  check("after start-up");
  pthread_t t;
  CHECK(pthread_create(&t, NULL, two, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  check("after a thread used two compartments");
  printf("attacks-runtime-state: ok\n");
  return 0;
}
