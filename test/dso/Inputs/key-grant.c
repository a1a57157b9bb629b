/* A hardened program (the system-call filter on) that asks the supervisor
 * for a key reserved at start-up the way registration of a dlopen'ed
 * object will (docs/shared-objects.md, step 6, piece 3): it maps the
 * object's file (argv[1]) itself, as ld.so would, since its registration
 * still refuses it under the filter; then BH_KEY_GIVE(base, descriptor),
 * the four pkey_mprotect calls, BH_KEY_DONE(key), and plain mprotect of
 * the arena; the descriptor as the supervisor writes it. argv[2] names
 * the case; each case runs in a fork of its own (a refused call ends the
 * process). */
#define _GNU_SOURCE
#include <bulkhead.h>
#include "../../../runtime/internal.h"
#include "../../../runtime/syscalls.h"
#include <elf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grant.h"

BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

static const char *object_path;

static __thread long plain_tls; /* the executable's, no compartment's */

/* Default-domain code of the program, which an object's compartment calls
 * (grant-imports.c): its name is in the program's bulkhead_defaults. */
__attribute__((used)) void app_log(long x) { printf("log %ld\n", x); }

/* Called between the four tags and BH_KEY_DONE, when set. */
static void (*before_done)(void);

extern const char index_words[] __asm__("__bulkhead_index_table");

/* The copies at c as the supervisor writes them: the default descriptor
 * and the two tables as the program's are now. */
static void copies_of(const char *which, uintptr_t c) {
  const char *p = (const char *)c;
  printf("copies of the %s: domain0 %d, gate table %d, table %d\n", which,
         !memcmp(p, &__bulkhead_domain0, BH_DOMAIN_HEADER_SIZE),
         !memcmp(p + BH_COPY_INDEX_TABLE, index_words, 4096),
         !memcmp(p + BH_COPY_DOMAIN_TABLE, &bh_domain_table, 4096));
}

/* Compartment i as the tables say: the descriptor at desc, its PKRU and
 * slot in the gate table. */
static void published(size_t i) {
  const struct bulkhead_domain *d = (const struct bulkhead_domain *)desc;
  uint32_t pkru;
  long slot;
  memcpy(&pkru, index_words + 4 * i, sizeof pkru);
  memcpy(&slot, index_words + 64 + 8 * i, sizeof slot);
  printf("published: count %zu, at %d, pkru %d, slot %d\n", bh_domain_count(),
         i < bh_domain_count() && bh_domain_at(i) == d, pkru == d->pkru,
         slot == spare_slot(mapped - 1));
}

/* The whole grant (grant.h); returns the key. */
static long grant(int *slot) {
  long key;
  grant_steps(before_done, &key, slot);
  if (*slot < 0)
    exit(1);
  return key;
}

/* The pages of the object's first unwritable PT_LOAD marked (or not)
 * BH_PF_EXEC_AFTER_REGISTRATION, from its file. */
static void segment(int marked, uintptr_t *lo, uintptr_t *hi) {
  int fd = open(object_path, O_RDONLY | O_CLOEXEC);
  Elf64_Ehdr eh;
  Elf64_Phdr ph[32];
  read_headers(fd, &eh, ph);
  close(fd);
  for (int i = 0; i < eh.e_phnum; i++)
    if (ph[i].p_type == PT_LOAD && !(ph[i].p_flags & PF_W) &&
        !(ph[i].p_flags & BH_PF_EXEC_AFTER_REGISTRATION) == !marked) {
      load_pages(&ph[i], lo, hi);
      return;
    }
  exit(3);
}

/* Registration's last step (piece 6): the marked segment executable. */
static void make_executable(const char *what, uintptr_t lo, uintptr_t hi) {
  long r = mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC);
  char perms[8] = "?";
  uintptr_t a, b;
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &a, &b, perms) == 3 &&
        a <= lo && lo < b)
      break;
  if (f)
    fclose(f);
  printf("%s: %ld, executable %d\n", what, r, perms[2] == 'x');
}

/* Compartment d of the object (a file of two): its descriptor and data
 * bounds; its slot's GOT word set as ld.so would (map_vault does the
 * first's). */
static void select_compartment(uintptr_t d) {
  const struct bulkhead_domain *x = (const struct bulkhead_domain *)d;
  desc = d, data_lo = (uintptr_t)x->data_start;
  data_hi = (uintptr_t)x->data_end;
}
static void set_slot_of(uintptr_t d, long off) {
  const struct bulkhead_domain *x = (const struct bulkhead_domain *)d;
  const unsigned char *f = (const unsigned char *)(uintptr_t)x->slot_address;
  int32_t rel;
  memcpy(&rel, f + 3, sizeof rel);
  got_word = (uintptr_t)f + 7 + (uintptr_t)(intptr_t)rel;
  set_slot_word(off);
}

/* Not root (the guest runs tests as root, and CAP_DAC_OVERRIDE may write
 * every file: the supervisor only refuses files such a process cannot
 * change otherwise). */
static void as_nobody(void) {
  if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
                         setresuid(65534, 65534, 65534)))
    exit(3);
}


/* Root changes the first byte of the code at lo in the object's file,
 * after piece 6 made it executable: does the code show it? */
static void rewrite_code(uintptr_t lo) {
  unsigned long long a, b, off = 0;
  char perms[8], line[512];
  int found = 0;
  FILE *f = fopen("/proc/self/maps", "r");
  while (f && !found && fgets(line, sizeof line, f))
    if (sscanf(line, "%llx-%llx %7s %llx", &a, &b, perms, &off) == 4 && a <= lo &&
        lo < b)
      off += lo - a, found = 1;
  if (f)
    fclose(f);
  unsigned char now = *(volatile unsigned char *)lo ^ 1;
  int fd = open(object_path, O_WRONLY | O_CLOEXEC);
  if (!found || fd < 0 || pwrite(fd, &now, 1, (off_t)off) != 1)
    exit(3);
  close(fd);
  printf("the code shows root's write to the file: %d\n",
         *(volatile unsigned char *)lo == now);
}


/* Entry k of the table's list of registered objects, as the supervisor
 * writes it from the file's note: the object mapped last. */
static size_t domains = 1; /* the object's compartments */
static void entry_of(size_t k) {
  const struct bh_object *o = &bh_domain_table.t.obj[k];
  printf("object %zu of %zu: base %d, copies %d, descriptors %d, imports "
         "%d\n",
         k, bh_domain_table.t.objects, o->base == base,
         (uintptr_t)o->copies == copies,
         (uintptr_t)o->domains_lo == desc &&
             (uintptr_t)o->domains_hi == desc + 4096 * domains,
         (uintptr_t)o->imports_lo == imports_lo &&
             (uintptr_t)o->imports_hi == imports_hi);
}

/* The object's imports: app_log's byte, and how many others are set. */
static void imports(const char *when) {
  int app = -1, others = 0;
  for (uintptr_t e = imports_lo; e + 16 <= imports_hi; e += 16) {
    const char *name;
    memcpy(&name, (const void *)e, sizeof name);
    unsigned char on = *(const unsigned char *)(e + 8);
    if (name && !strcmp(name, "app_log"))
      app = on;
    else if (name)
      others += on;
  }
  printf("imports %s: app_log %d, others set %d\n", when, app, others);
}

/* The object's file, rewritten between the tags and BH_KEY_DONE (a file
 * the process can write): its imports' name pointers (RELATIVE
 * relocations) aimed at the imports themselves, writable data, which
 * BH_KEY_DONE refuses after the index is published. */
static char copy_path[4096];
static void break_import_names(void) {
  int fd = open(copy_path, O_RDWR | O_CLOEXEC);
  Elf64_Ehdr eh;
  Elf64_Shdr sh[64];
  if (fd < 0 || pread(fd, &eh, sizeof eh, 0) != sizeof eh || eh.e_shnum > 64 ||
      pread(fd, sh, eh.e_shnum * sizeof *sh, eh.e_shoff) < 0)
    exit(3);
  uintptr_t lo = imports_lo - base, hi = imports_hi - base;
  int n = 0;
  for (int i = 0; i < eh.e_shnum; i++)
    for (size_t at = 0; sh[i].sh_type == SHT_RELA && at < sh[i].sh_size;
         at += sizeof(Elf64_Rela)) {
      Elf64_Rela r;
      if (pread(fd, &r, sizeof r, (off_t)(sh[i].sh_offset + at)) != sizeof r)
        exit(3);
      if (ELF64_R_TYPE(r.r_info) != R_X86_64_RELATIVE || r.r_offset < lo ||
          r.r_offset >= hi)
        continue;
      r.r_addend = (int64_t)r.r_offset;
      if (pwrite(fd, &r, sizeof r, (off_t)(sh[i].sh_offset + at)) != sizeof r)
        exit(3);
      n++;
    }
  close(fd);
  if (!n)
    exit(3);
}

/* The copied file's note: DELTA added to its words FROM to TO (BH_NOTE_*
 * offsets), as a file the process can write may be rewritten. */
static void shift_note(int from, int to, int64_t delta) {
  int fd = open(copy_path, O_RDWR | O_CLOEXEC);
  Elf64_Ehdr eh;
  Elf64_Phdr ph[32];
  int n = 0;
  read_headers(fd, &eh, ph);
  for (int i = 0; i < eh.e_phnum; i++) {
    char note[4096];
    if (ph[i].p_type != PT_NOTE || ph[i].p_filesz > sizeof note ||
        pread(fd, note, ph[i].p_filesz, ph[i].p_offset) < 0)
      continue;
    for (size_t at = 0; at + 12 <= ph[i].p_filesz;) {
      Elf64_Nhdr nh;
      memcpy(&nh, note + at, sizeof nh);
      size_t d = at + 12 + ((nh.n_namesz + 3) & ~3u);
      for (int w = from;
           nh.n_type == BH_NOTE_TYPE_OBJECT &&
           !memcmp(note + at + 12, BH_NOTE_NAME, sizeof BH_NOTE_NAME) &&
           w <= to;
           w += 8) {
        int64_t off;
        memcpy(&off, note + d + w, sizeof off);
        off += delta;
        if (pwrite(fd, &off, sizeof off, (off_t)(ph[i].p_offset + d + w)) !=
            sizeof off)
          exit(3);
        n++;
      }
      at = d + ((nh.n_descsz + 3) & ~3u);
    }
  }
  close(fd);
  if (!n)
    exit(3);
}
/* Between the tags and BH_KEY_DONE: the note's copies moved onto the
 * descriptor's page (read-only, in the span, as the copies' pages must
 * be). */
static void copies_onto_desc(void) {
  shift_note(BH_NOTE_COPIES, BH_NOTE_COPIES, (int64_t)desc - (int64_t)copies);
}

/* In the copied file, before it is mapped: the first compartment's data
 * bounds (RELATIVE relocations) moved onto the second compartment's
 * descriptor page (grant-two.c). */
static void data_onto_second_desc(void) {
  int fd = open(copy_path, O_RDWR | O_CLOEXEC);
  Elf64_Ehdr eh;
  Elf64_Shdr sh[64];
  char names[8192];
  if (fd < 0 || pread(fd, &eh, sizeof eh, 0) != sizeof eh || eh.e_shnum > 64 ||
      pread(fd, sh, eh.e_shnum * sizeof *sh, eh.e_shoff) < 0 ||
      pread(fd, names, sizeof names, sh[eh.e_shstrndx].sh_offset) < 0)
    exit(3);
  uint64_t d = 0;
  for (int i = 0; i < eh.e_shnum; i++)
    if (sh[i].sh_name < sizeof names &&
        !strcmp(names + sh[i].sh_name, BH_SECTION_DOMAINS))
      d = sh[i].sh_addr;
  int n = 0;
  for (int i = 0; d && i < eh.e_shnum; i++)
    for (size_t at = 0; sh[i].sh_type == SHT_RELA && at < sh[i].sh_size;
         at += sizeof(Elf64_Rela)) {
      Elf64_Rela r;
      if (pread(fd, &r, sizeof r, (off_t)(sh[i].sh_offset + at)) != sizeof r)
        exit(3);
      if (ELF64_R_TYPE(r.r_info) != R_X86_64_RELATIVE ||
          (r.r_offset != d + BH_DOMAIN_DATA_START &&
           r.r_offset != d + BH_DOMAIN_DATA_END))
        continue;
      r.r_addend =
          (int64_t)(d +
                    4096 * (r.r_offset == d + BH_DOMAIN_DATA_START ? 1 : 2));
      if (pwrite(fd, &r, sizeof r, (off_t)(sh[i].sh_offset + at)) != sizeof r)
        exit(3);
      n++;
    }
  close(fd);
  if (n != 2)
    exit(3);
}
static void (*after_copy)(void);

/* The object's file copied to path (mode 0644; owned by nobody if
 * chown_nobody and we are root). */
static void copy_object(const char *path, int chown_nobody) {
  int in = open(object_path, O_RDONLY | O_CLOEXEC),
      out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  char buf[65536];
  ssize_t k;
  while (in >= 0 && out >= 0 && (k = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)k) != k)
      exit(3);
  if (in < 0 || out < 0 || fchmod(out, 0644) ||
      (chown_nobody && geteuid() == 0 && fchown(out, 65534, 65534)) || close(out))
    exit(3);
  close(in);
}

static void map_from(const char *path) {
  map_vault(path);
  if (mprotect((void *)desc, 4096, PROT_READ))
    exit(3);
}

/* The object's file copied to copy_path, and mapped from there. */
static void map_copy(void) {
  snprintf(copy_path, sizeof copy_path, "%s.copy", object_path);
  copy_object(copy_path, 0);
  if (after_copy)
    after_copy();
  map_from(copy_path);
}

/* The object copied to a file the process owns, and mapped from there
 * (exec-own). */
static void own_copy(void) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/bulkhead-grant-%d.so", (int)getpid());
  copy_object(path, 1);
  as_nobody();
  object_path = path;
  map_from(path);
}

/* The same in a file of root's, mapped by root (exec-root). */
static void root_copy(void) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/bulkhead-grant-root-%d.so", (int)getpid());
  if (geteuid() != 0)
    exit(3);
  copy_object(path, 0);
  object_path = path;
  map_from(path);
}

static int sharer(void *arg) {
  (void)arg;
  for (;;)
    syscall(SYS_pause);
}

static void run_case(const char *c) {
  int s;
  uintptr_t hlo, hhi;
  if (!strcmp(c, "unprotected")) {
    printf("give before the filter: %ld (%s)\n", give(), strerror(errno));
    long w = syscall(SYS_ioctl, BH_REQUEST_FD, (long)BH_FILTER_WRITE, base, 0);
    long k = syscall(SYS_ioctl, BH_REQUEST_FD, (long)BH_FILTER_CHECK, 0, 0);
    printf("written %ld, checked without installing it: %ld (%s)\n", w, k,
           strerror(errno));
    printf("give: %ld (%s)\n", give(), strerror(errno));
    /* without the object's filter its data may be re-protected */
    printf("mprotect of its data: %d\n",
           mprotect((void *)data_lo, 4096, PROT_READ));
    printf("not refused\n");
    return;
  }
  if (!strcmp(c, "desc-writable")) /* left writable: no key for it */
    mprotect((void *)desc, 4096, PROT_READ | PROT_WRITE);
  if (!strcmp(c, "copies-writable"))
    mprotect((void *)copies, BH_COPY_SIZE, PROT_READ | PROT_WRITE);
  if (!strcmp(c, "imports-writable"))
    mprotect((void *)imports_lo, imports_hi - imports_lo,
             PROT_READ | PROT_WRITE);
  if (!strcmp(c, "imports")) { /* key-0 stores before the filter */
    size_t len = imports_hi - imports_lo;
    mprotect((void *)imports_lo, len, PROT_READ | PROT_WRITE);
    for (uintptr_t e = imports_lo; e + 16 <= imports_hi; e += 16) {
      const char *name;
      memcpy(&name, (const void *)e, sizeof name);
      if (name)
        *(unsigned char *)(e + 8) = strcmp(name, "app_log") != 0;
    }
    mprotect((void *)imports_lo, len, PROT_READ);
  }
  if (!strcmp(c, "note-changed"))
    map_copy();
  if (!strcmp(c, "two-compartments") || !strcmp(c, "note-changed")) {
    /* the second compartment's slot word and descriptor page, before
     * the filter as registration will set them */
    const struct bulkhead_domain *d =
        (const struct bulkhead_domain *)(desc + 4096);
    const unsigned char *f = (const unsigned char *)(uintptr_t)d->slot_address;
    int32_t rel;
    memcpy(&rel, f + 3, sizeof rel);
    got_word = (uintptr_t)f + 7 + (uintptr_t)(intptr_t)rel;
    set_slot_word(spare_slot(mapped++));
    if (mprotect((void *)(desc + 4096), 4096, PROT_READ))
      exit(3);
    domains = 2;
  }
  if (!strcmp(c, "data-over-other-desc")) {
    after_copy = data_onto_second_desc;
    map_copy();
  }
  if (!strcmp(c, "copies-moved")) {
    map_copy();
    before_done = copies_onto_desc;
  }
  if (!strcmp(c, "done-fails")) {
    map_copy();
    before_done = break_import_names;
  }
  if (!strcmp(c, "descriptor")) { /* key-0 stores before the filter */
    struct bulkhead_domain *d = (struct bulkhead_domain *)desc;
    mprotect(d, 4096, PROT_READ | PROT_WRITE);
    d->name = "forged", d->stack_lo = (char *)base, d->pkey = 0;
    d->slot_address = NULL;
    mprotect(d, 4096, PROT_READ);
  }
  if (!strcmp(c, "slot-taken") || !strcmp(c, "slot-far") ||
      !strcmp(c, "slot-startup")) {
    /* a slot offset key-0 stores chose before the filter: another
     * compartment's (the program's own), outside static TLS, or in a
     * start-up object's block (a variable of the executable) */
    long taken;
    char *tp;
    memcpy(&taken, index_words + 64, sizeof taken);
    __asm__("movq %%fs:0, %0" : "=r"(tp));
    set_slot_word(!strcmp(c, "slot-taken") ? taken
                  : !strcmp(c, "slot-far") ? -(1l << 29)
                                           : (char *)&plain_tls - tp);
  }
  if (!strncmp(c, "exec", 4)) {
    if (!strcmp(c, "exec-writable"))
      own_copy();
    else if (!strcmp(c, "exec-root"))
      root_copy();
    else
      as_nobody();
  }
  if (!strcmp(c, "exec-one-of-two") || !strcmp(c, "exec-two")) {
    /* the second compartment's slot and descriptor page, as the first's:
     * in the same TLS block (the supervisor checks the object's TLS words
     * agree on it) */
    long first = spare_slot(mapped - 1), at = (long)tls_value(got_word);
    set_slot_of(desc + BH_DOMAIN_SIZE, 0);
    set_slot_word(first + (long)tls_value(got_word) - at);
    mapped++;
    if (mprotect((void *)(desc + BH_DOMAIN_SIZE), 4096, PROT_READ))
      exit(3);
  }
  if (!strcmp(c, "exec-changed")) { /* a key-0 store before the filter */
    uintptr_t lo, hi;
    segment(1, &lo, &hi);
    unsigned char *p = (unsigned char *)lo;
    mprotect(p, 4096, PROT_READ | PROT_WRITE);
    p[0] ^= 1;
    mprotect(p, 4096, PROT_READ);
  }
  if (!strcmp(c, "exec-relro-relative") || !strcmp(c, "exec-relro-symbol")) {
    /* a key-0 store before the filter into RELRO (relro-tables.c): the
     * table's first function pointer (add) pointed at its third (mul),
     * or strcmp's GOT word at strcpy */
    uintptr_t at = !strcmp(c, "exec-relro-symbol") ? symbol_word("strcmp")
                                                   : data_rel_ro + 8;
    uintptr_t v = !strcmp(c, "exec-relro-symbol")
                      ? (uintptr_t)dlsym(RTLD_DEFAULT, "strcpy")
                      : *(uintptr_t *)(data_rel_ro + 40);
    uintptr_t pg = at & ~4095ul;
    if (!data_rel_ro || mprotect((void *)pg, 4096, PROT_READ | PROT_WRITE))
      exit(3);
    memcpy((void *)at, &v, sizeof v);
    mprotect((void *)pg, 4096, PROT_READ);
  }
  if (!strcmp(c, "sharer")) {
    /* a process sharing the memory, not a thread: TSYNC would not reach
     * it, so no filter is written while it lives */
    static char stack[65536] __attribute__((aligned(16)));
    pid_t p = clone(sharer, stack + sizeof stack, CLONE_VM | SIGCHLD, NULL);
    long w = syscall(SYS_ioctl, BH_REQUEST_FD, (long)BH_FILTER_WRITE, base, 0);
    printf("write with a sharer: %ld (%s)\n", w, strerror(errno));
    kill(p, SIGKILL);
    waitpid(p, NULL, 0);
  }
  if (protect())
    exit(1);
  if (!strcmp(c, "filter-munmap")) {
    munmap((void *)data_lo, 4096);
  } else if (!strcmp(c, "filter-mprotect")) {
    mprotect((void *)data_lo, 4096, PROT_READ);
  } else if (!strcmp(c, "filter-map-fixed")) {
    mmap((void *)base, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
         -1, 0);
  } else if (!strcmp(c, "filter-other-page")) {
    struct sock_filter all[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    struct sock_fprog prog = {1, all};
    void *own = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("outside the object: mprotect %d, munmap %d\n",
           mprotect(own, 4096, PROT_READ), munmap(own, 4096));
    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
            &prog);
  } else if (!strcmp(c, "sharer")) {
    printf("then: protected\n");
  } else if (!strcmp(c, "desc-writable") || !strcmp(c, "copies-writable") ||
             !strcmp(c, "imports-writable") ||
             !strcmp(c, "data-over-other-desc")) {
    printf("give: %ld (%s)\n", give(), strerror(errno));
  } else if (!strcmp(c, "descriptor")) {
    /* written by the supervisor at BH_KEY_DONE: the file's bytes, and
     * the key, PKRU and arena it decides */
    const struct bulkhead_domain *d = (const struct bulkhead_domain *)desc;
    printf("before: pkey %d, name %s\n", d->pkey, d->name);
    long key = grant(&s);
    uint32_t bits = 3u << (2 * key);
    printf("after: pkey %d, pkru %d, stack %d %d, name %s, slot function %d\n",
           d->pkey == key, d->pkru == (__bulkhead_domain0.pkru & ~bits),
           d->stack_lo == (char *)arena(s) + BH_ARENA_GUARD,
           d->stack_hi ==
               d->stack_lo + (size_t)BH_STACKS_PER_ARENA * BH_STACK_SIZE,
           d->name, d->slot_address && (uintptr_t)d->slot_address > base);
    printf("data: %d %d\n", (uintptr_t)d->data_start == data_lo,
           (uintptr_t)d->data_end == data_hi);
  } else if (!strcmp(c, "imports")) {
    /* written by the supervisor at BH_KEY_DONE: app_log's byte set (the
     * program lists it), puts's not, over the stores before the filter */
    imports("before");
    grant(&s);
    imports("after");
    entry_of(0);
  } else if (!strcmp(c, "copies-moved")) {
    /* the copies go where the note said at the give, not over the
     * descriptor written just before */
    long key = grant(&s);
    const struct bulkhead_domain *d = (const struct bulkhead_domain *)desc;
    printf("descriptor: pkey %d, pkru %d; copies written %d\n", d->pkey == key,
           d->pkru == (__bulkhead_domain0.pkru & ~(3u << (2 * key))),
           !memcmp((const void *)copies, &__bulkhead_domain0,
                   BH_DOMAIN_HEADER_SIZE));
  } else if (!strcmp(c, "done-fails")) {
    /* BH_KEY_DONE fails after the publish (the file's note changed under
     * it): the grant ends there, recorded; the next grant, of this
     * process or another, goes on */
    long key = grant(&s);
    before_done = NULL;
    printf("count %zu, objects %zu\n", bh_domain_count(),
           bh_domain_table.t.objects);
    /* forged orders after it: only refusals */
    printf("done again: %ld (%s)\n", done(key), strerror(errno));
    printf("the failed one again: %ld (%s)\n", give(), strerror(errno));
    pid_t p = fork();
    if (p == 0) {
      map_vault(object_path);
      if (mprotect((void *)desc, 4096, PROT_READ) || protect())
        _exit(1);
      grant(&s);
      _exit(0);
    }
    waitpid(p, NULL, 0);
    map_vault(object_path);
    if (mprotect((void *)desc, 4096, PROT_READ) || protect())
      exit(1);
    key = grant(&s);
    entry_of(0);
    printf("done again: %ld (%s)\n", done(key), strerror(errno));
    printf("give again: %ld (%s)\n", give(), strerror(errno));
  } else if (!strcmp(c, "note-changed")) {
    /* the first compartment granted, the file's note then rewritten (its
     * empty sharing range moved): the second's give is refused, as the
     * object's entry in place is not what the note says now */
    uintptr_t first = desc;
    grant(&s);
    shift_note(BH_NOTE_SHARE_START, BH_NOTE_SHARE_STOP, 8);
    desc = first + 4096;
    printf("the second: %ld (%s)\n", give(), strerror(errno));
  } else if (!strcmp(c, "two-compartments")) {
    /* an object with two (grant-two.c): one entry in the list, written
     * at the first's BH_KEY_DONE; the second's finds it */
    uintptr_t first = desc;
    grant(&s);
    entry_of(0);
    desc = first + 4096;
    const struct bulkhead_domain *d = (const struct bulkhead_domain *)desc;
    data_lo = (uintptr_t)d->data_start, data_hi = (uintptr_t)d->data_end;
    grant(&s);
    desc = first;
    entry_of(0);
    printf("count %zu\n", bh_domain_count());
  } else if (!strcmp(c, "allowed")) {
    long key = grant(&s);
    region(s, &hlo, &hhi);
    printf("keys: cookie %d, arena %d, heap %d, data %d\n",
           key_at(arena(s)) == key, key_at(arena(s) + BH_ARENA_GUARD) == key,
           key_at(hlo) == key, key_at(data_lo) == key);
    /* a stack of the arena made usable, as the runtime carves stacks */
    long m = mprotect((void *)(arena(s) + BH_ARENA_GUARD), 4096,
                      PROT_READ | PROT_WRITE);
    printf("mprotect of its arena: %ld, key kept %d\n", m,
           key_at(arena(s) + BH_ARENA_GUARD) == key);
    printf("mprotect of its heap region: %ld\n",
           (long)mprotect((void *)hlo, 4096, PROT_READ));
    /* another slot's arena: not given */
    mprotect((void *)arena(s + 1), 4096, PROT_READ | PROT_WRITE);
  } else if (!strcmp(c, "done-early")) {
    long key = give();
    printf("done before the tags: %ld (%s)\n", done(key), strerror(errno));
    tag(arena(slot_of(key)) + 4096, BH_ARENA_SIZE - 4096, PROT_NONE, key);
    printf("done before the tags: %ld (%s)\n", done(key), strerror(errno));
  } else if (!strcmp(c, "no-grant")) { /* out of order: no give first */
    tag(arena(0), 4096, PROT_READ, bh_state->reserved_key[0]);
  } else if (!strcmp(c, "key-0")) { /* not a reserved key */
    long key = give();
    tag(arena(slot_of(key)), 4096, PROT_READ, 0);
  } else if (!strcmp(c, "other-range")) { /* the next slot's arena */
    long key = give();
    tag(arena(slot_of(key) + 1), 4096, PROT_READ, key);
  } else if (!strcmp(c, "other-prot")) { /* its arena, made writable */
    long key = give();
    tag(arena(slot_of(key)) + 4096, 4096, PROT_READ | PROT_WRITE, key);
  } else if (!strcmp(c, "twice")) { /* the same step again */
    long key = give();
    uintptr_t a = arena(slot_of(key));
    printf("first: %ld\n", tag(a, 4096, PROT_READ, key));
    tag(a, 4096, PROT_READ, key);
  } else if (!strcmp(c, "forged")) { /* what the file does not say */
    uintptr_t real = base, d = desc;
    desc = d + 8;
    printf("not a descriptor: %ld (%s)\n", give(), strerror(errno));
    /* the file's first page mapped again elsewhere, as another base */
    int fd = open(object_path, O_RDONLY | O_CLOEXEC);
    void *b2 = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    base = (uintptr_t)b2, desc = d - real + base;
    printf("another base: %ld (%s)\n", give(), strerror(errno));
    base = real, desc = d;
  } else if (!strcmp(c, "indices")) {
    /* the supervisor's record: an index after the program's compartment
     * and every one it recorded for this process, and no second grant
     * for a compartment it recorded */
    uintptr_t first_base = base, first = desc, first_copies = copies;
    grant(&s);
    published(1);
    entry_of(0);
    map_vault(object_path); /* a second copy of the object */
    if (mprotect((void *)desc, 4096, PROT_READ) || protect())
      exit(1);
    grant(&s);
    published(2);
    entry_of(1);
    copies_of("second", copies);
    copies_of("first", first_copies);
    base = first_base, desc = first;
    printf("the first again: %ld (%s)\n", give(), strerror(errno));
  } else if (!strcmp(c, "fork")) {
    /* a record is one process's: a fork made after it has none (its
     * give is refused: no record of the object's filter either), and its
     * own next index comes from its own table of compartments */
    uintptr_t first_base = base, first = desc;
    grant(&s);
    pid_t p = fork();
    if (p == 0) {
      printf("child, the same: %ld (%s)\n", give(), strerror(errno));
      map_vault(object_path);
      if (mprotect((void *)desc, 4096, PROT_READ) || protect())
        _exit(1);
      grant(&s);
      _exit(0);
    }
    waitpid(p, NULL, 0);
    base = first_base, desc = first;
    printf("parent, the same: %ld (%s)\n", give(), strerror(errno));
  } else if (!strcmp(c, "slot-reused")) {
    /* a second copy whose GOT word names the first copy's slot */
    grant(&s);
    map_vault(object_path);
    set_slot_word(spare_slot(0));
    if (mprotect((void *)desc, 4096, PROT_READ) || protect())
      exit(1);
    grant(&s);
    printf("count %zu\n", bh_domain_count());
  } else if (!strcmp(c, "slot-taken") || !strcmp(c, "slot-far") ||
             !strcmp(c, "slot-startup")) {
    grant(&s);
    printf("count %zu\n", bh_domain_count());
  } else if (!strcmp(c, "owner")) {
    /* a stack of the published compartment, owned through the supervisor
     * as the runtime's first entry into it takes one: only once its index
     * is in the process's table */
    printf("claim before: %ld (%s)\n", request(BH_OWNER_CLAIM, 1, 0),
           strerror(errno));
    grant(&s);
    long claim = request(BH_OWNER_CLAIM, 1, 0);
    printf("claim: %ld, release: %ld\n", claim,
           request(BH_OWNER_RELEASE, 1, 0));
    printf("past the count: %ld (%s)\n", request(BH_OWNER_CLAIM, 2, 0),
           strerror(errno));
  } else if (!strncmp(c, "exec", 4)) {
    /* piece 6: the marked segment executable once the grant completed,
     * exactly its pages, once, of a file the process cannot change whose
     * bytes are in memory, by the process with the record */
    uintptr_t lo, hi, ulo, uhi;
    segment(1, &lo, &hi);
    segment(0, &ulo, &uhi);
    if (!strcmp(c, "exec-early")) { /* the four tags, no BH_KEY_DONE */
      long key = give();
      s = slot_of(key);
      region(s, &hlo, &hhi);
      printf("tags: %ld %ld %ld %ld\n", tag(arena(s), 4096, PROT_READ, key),
             tag(arena(s) + 4096, BH_ARENA_SIZE - 4096, PROT_NONE, key),
             tag(hlo, hhi - hlo, PROT_READ | PROT_WRITE, key),
             tag(data_lo, data_hi - data_lo, PROT_READ | PROT_WRITE, key));
      make_executable("code", lo, hi);
    }
    grant(&s);
    if (!strcmp(c, "exec-two")) { /* and the second compartment */
      select_compartment(desc + BH_DOMAIN_SIZE);
      grant(&s);
    }
    if (!strcmp(c, "exec-unmarked"))
      make_executable("another segment", ulo, uhi);
    else if (!strcmp(c, "exec-range"))
      make_executable("a page less", lo, hi - 4096);
    else if (!strcmp(c, "exec-fork")) {
      pid_t p = fork();
      if (p == 0) {
        make_executable("child", lo, hi);
        _exit(0);
      }
      int st;
      waitpid(p, &st, 0);
      printf("child: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
             WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
      make_executable("parent", lo, hi);
    } else if (!strcmp(c, "exec-root")) {
      make_executable("code", lo, hi);
      rewrite_code(lo);
    } else {
      make_executable("code", lo, hi);
      make_executable("again", lo, hi);
    }
  } else if (!strcmp(c, "given")) { /* a key given before, again */
    long key = grant(&s);
    tag(arena(s), 4096, PROT_READ, key);
  }
  printf("not refused\n");
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int i = 2; i < argc; i++) {
    printf("== %s\n", argv[i]);
    pid_t p = fork();
    if (p == 0) {
      /* the supervisor's line too, in order (it writes to fd 2) */
      dup2(1, 2);
      /* its own copy of the object: the supervisor gives an object's
       * data at an address once */
      object_path = argv[1];
      map_vault(argv[1]);
      /* registration makes the descriptors' page read-only before the
       * object's filter; the supervisor writes it (BH_KEY_DONE) */
      if (mprotect((void *)desc, 4096, PROT_READ))
        exit(3);
      printf("object mapped, data of %zu pages\n", (data_hi - data_lo) / 4096);
      run_case(argv[i]);
      _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    if (WIFSIGNALED(st))
      printf("signal %d\n", WTERMSIG(st));
    else
      printf("exit %d\n", WEXITSTATUS(st));
  }
  return local_get() == 7 ? 0 : 1;
}
