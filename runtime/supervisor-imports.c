/*
 * supervisor-imports.c - the imports of a shared object registered after
 * start-up under the filter (docs/shared-objects.md, step 6, piece 5;
 * "Calls out of an object's compartment"): the supervisor writes its
 * bulkhead_imports pages whole, through /proc/<pid>/mem, as registration
 * without the filter fills them (domain.c fill_imports), from files and
 * its own memory only. Each import's name pointer is the file's (a
 * RELATIVE relocation) and must name a string in a read-only segment of
 * the file, read from the file; its byte is set when the executable (its
 * read-only data: the supervisor's own copy, the same bytes) or an object
 * of the process's table of compartments lists the name in its
 * bulkhead_defaults: the start-up objects' from the supervisor's own
 * memory, those registered later (this one too) from their files. Nothing
 * is read from the program's memory but its table, a protected read-only
 * page only start-up and the supervisor write.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern const char __start_bulkhead_defaults[] __attribute__((weak)) BH_HIDDEN;
extern const char __stop_bulkhead_defaults[] __attribute__((weak)) BH_HIDDEN;

struct names {
  const char *lo, *hi;
  char *own; /* mapped here, to unmap */
};

/* The default-domain names [lo, hi) of the object at base, read from its
 * file into n: NUL-ended, or refused. */
static int file_names(pid_t tgid, uintptr_t base, uintptr_t lo, uintptr_t hi,
                      struct names *n) {
  n->lo = n->hi = n->own = NULL;
  if (hi == lo)
    return 0;
  const char *why;
  int fd = hi > lo && hi - lo <= BH_DEFAULTS_MAX
               ? bh_object_file_open(tgid, base, &why)
               : -1;
  char *buf = fd < 0 ? MAP_FAILED
                     : mmap(NULL, hi - lo, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int bad = buf == MAP_FAILED || bh_file_rodata(fd, base, lo, hi, buf) ||
            buf[hi - lo - 1];
  if (fd >= 0)
    close(fd);
  if (buf != MAP_FAILED)
    n->own = buf, n->lo = buf, n->hi = buf + (hi - lo);
  return bad ? EINVAL : 0;
}

int bh_write_imports(int mem, pid_t tgid, pid_t tid,
                     const struct bh_object *o) {
  static union bh_domain_table_page pt;
  const struct bh_domain_table *t = &bh_domain_table.t;
  struct names list[2 * BH_MAX_COMPARTMENTS + 2];
  int n = 0, err = 0;
  size_t len = (size_t)(o->imports_hi - o->imports_lo);
  char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  const char *why;
  if (buf == MAP_FAILED ||
      bh_object_file_data(tgid, o->base, (uintptr_t)o->imports_lo,
                          (uintptr_t)o->imports_hi, (unsigned char *)buf,
                          &why) ||
      bh_task_read(tid, (uintptr_t)&bh_domain_table, &pt, sizeof pt) ||
      pt.t.objects > BH_MAX_COMPARTMENTS || pt.t.objects < t->objects)
    err = EIO;
  /* The names: the executable's, the start-up objects', then those of
   * the objects registered later in this process (its table), and this
   * object's own. */
  if (!err) {
    list[n++] = (struct names){__start_bulkhead_defaults,
                               __stop_bulkhead_defaults, NULL};
    for (size_t k = 0; k < t->objects; k++)
      list[n++] =
          (struct names){t->obj[k].defaults_lo, t->obj[k].defaults_hi, NULL};
  }
  for (size_t k = t->objects; !err && k <= pt.t.objects; k++) {
    const struct bh_object *e = k < pt.t.objects ? &pt.t.obj[k] : o;
    err = file_names(tgid, e->base, (uintptr_t)e->defaults_lo,
                     (uintptr_t)e->defaults_hi, &list[n++]);
  }
  /* Each import: its name from the file's read-only data, its byte set
   * when someone lists the name. */
  int fd = err ? -1 : bh_object_file_open(tgid, o->base, &why);
  if (!err && fd < 0)
    err = EIO;
  for (size_t at = 0; !err && at + BH_IMPORT_SIZE <= len;
       at += BH_IMPORT_SIZE) {
    static char name[4096];
    uintptr_t p;
    memcpy(&p, buf + at + BH_IMPORT_NAME, sizeof p);
    if (!p)
      continue; /* the end page, and alignment between modules' parts */
    if (bh_file_string(fd, o->base, p, name, sizeof name)) {
      err = EINVAL;
      break;
    }
    int on = 0;
    for (int i = 0; i < n && !on; i++)
      on = bh_listed(list[i].lo, list[i].hi, name);
    buf[at + BH_IMPORT_ON] = (char)on;
  }
  if (fd >= 0)
    close(fd);
  if (!err &&
      pwrite(mem, buf, len, (off_t)(uintptr_t)o->imports_lo) != (ssize_t)len)
    err = EIO;
  for (int i = 0; i < n; i++)
    if (list[i].own)
      munmap(list[i].own, (size_t)(list[i].hi - list[i].lo));
  if (buf != MAP_FAILED)
    munmap(buf, len);
  return err;
}
