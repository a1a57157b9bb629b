/*
 * supervisor-code.c - the last step of registering an object after
 * start-up under the filter (docs/shared-objects.md, step 6, piece 6,
 * "Executable last"): mprotect(PROT_READ | PROT_EXEC) of a segment of the
 * object's code, which bulkhead-clang linked readable only
 * (BH_PF_EXEC_AFTER_REGISTRATION). The object's filter lets only that
 * protection of its span go on to the first filter, which sends every
 * PROT_EXEC here. Allowed, and only then, when:
 *   - the range is in the span of an object this process protected with
 *     its filter (by start time: a fork has no record of it), and the
 *     process has a record of every compartment the object's file lists,
 *     each with every word written (bh_registered_complete): its filter,
 *     keys and words first;
 *   - the range is exactly the pages of one marked segment at the object's
 *     base, each a private, readable-only mapping of the object's file at
 *     the segment's offset, whose bytes are the file's (object-file.c,
 *     bh_object_file_code), and so every page of the object's other
 *     read-only segments outside RELRO (its read-only data, which the
 *     code trusts: review 14b); in the filtered span nothing can remap,
 *     re-protect or advise them away after this look;
 *   - the object's read-only pages are made the process's own copies
 *     first (bh_own_object_pages), so the bytes compared are those that
 *     run: a private page not yet copied shows a write to the file;
 *   - the process cannot change the file (bh_file_changeable): a
 *     truncation drops even copies. Those made under the filter are
 *     refused (supervisor-truncate.c), but not those of a process outside
 *     it. No sealed copy here: the code is ld.so's mapping, made readable
 *     only before this call, and an mprotect names no descriptor to swap;
 *     nothing in the filtered span can advise the copies away;
 *   - its RELRO (GOT, .data.rel.ro) holds what ld.so would have written,
 *     as the file says (supervisor-relro.c, review 14b);
 *   - every PKRU write in the segment or across its edges is a checked
 *     gate whose word the supervisor wrote or verified
 *     (supervisor-code-gates.c).
 * Once: a second call for the segment is refused, with every other
 * PROT_EXEC, since its pages are no longer readable only, and the
 * object's filter lets nothing make them so again.
 * Attacker B may make the call at any time: before every grant of the
 * object completes it has no record; with them, only the file's code
 * becomes executable, once.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether every compartment the file at base lists is recorded for
 * process tgid: code with a gate of one not registered yet would run with
 * that compartment's words unwritten. */
static int all_recorded(pid_t tgid, uintptr_t base) {
  uintptr_t note[BH_NOTE_DESC_SIZE / 8];
  const char *why;
  if (bh_object_file_note(tgid, base, note, &why))
    return 0;
  uintptr_t lo = note[BH_NOTE_DOMAINS_START / 8],
            hi = note[BH_NOTE_DOMAINS_STOP / 8];
  if (hi <= lo)
    return 0;
  for (uintptr_t d = lo; d < hi; d += BH_DOMAIN_SIZE)
    if (!bh_registered_find(tgid, d))
      return 0;
  return 1;
}

/* Whether task tid's process cannot change the object's file. */
static int file_fixed(pid_t tgid, pid_t tid, uintptr_t base) {
  const char *why;
  struct stat st;
  int fd = bh_object_file_open(tgid, base, &why);
  int ok = fd >= 0 && !fstat(fd, &st) && !bh_file_changeable(fd, &st, tid);
  if (fd >= 0)
    close(fd);
  return ok;
}

int bh_code_allow_mprotect(const struct seccomp_notif *n) {
  uintptr_t a = n->data.args[0], len = n->data.args[1];
  pid_t tid = (pid_t)n->pid, tgid = bh_task_tgid(tid);
  const char *why;
  if (n->data.args[2] != (PROT_READ | PROT_EXEC) || tgid <= 0 || !len ||
      a % BH_PAGE || len % BH_PAGE || a + len < a)
    return 0;
  uintptr_t base = bh_object_filtered_at(tgid, a, a + len);
  return base && bh_registered_complete(tgid, base) &&
         all_recorded(tgid, base) && !bh_own_object_pages(tgid, tid, base) &&
         !bh_object_file_code(tgid, base, a, a + len, &why) &&
         file_fixed(tgid, tid, base) && !bh_relro_check(tgid, tid, base) &&
         bh_code_gates_vetted(n, tgid, base, a, a + len);
}
