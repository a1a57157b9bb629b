/*
 * supervisor-code-gates.c - piece 6's vetting of an object's PKRU writes
 * (docs/shared-objects.md, step 6, piece 6; issue 12): before a marked
 * segment of a registered object's code becomes executable, its bytes,
 * which the look just proved to be the file's (object-file.c
 * bh_object_file_code) and which nothing can change after it, are
 * searched for WRPKRU, XRSTOR and XRSTORS at every offset (patterns/, the
 * scanner's own search). A hit is accepted only if it is a WRPKRU in the
 * checked gate's form (WRPKRU; cmp X(%rip),%eax; je +2; ud2), so that a
 * jump to it installs only X's value, and X lies where no store of the
 * process reaches and the content is one the supervisor chose or checked:
 *   - a page the supervisor wrote whole for one of the object's
 *     compartments it recorded (its descriptor's, the object's copies:
 *     where the pass's gates read their words), read-only under the
 *     object's filter;
 *   - read-only data of the file outside RELRO: the look compared those
 *     pages with the file, which the process cannot change, and the
 *     object's filter keeps them read-only. Not RELRO: ld.so wrote it,
 *     and so can the default domain before the object's filter (review
 *     14b, attacks-review14b-got.test).
 * Every other hit is refused: an XRSTOR or XRSTORS (no gate form makes one
 * safe), a stray WRPKRU, a gate reading other memory.
 * The edges: the kernel makes whole pages executable, so a pattern may
 * also begin in the two bytes before the segment or end in the two after
 * it. Those bytes are judged whatever their mapping's protection now: a
 * neighbour executable today joins the code at once, and one that becomes
 * executable later does so through the supervisor (a new mapping is
 * refused if its own edges could make a pattern, supervisor-exec.c
 * risky_edge; another marked segment passes here, and reads this one's
 * bytes). Bytes that cannot be read (nothing mapped) join nothing now.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include "patterns.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char refusal[512];
static int refused;

const char *bh_code_refusal(void) {
  if (!refused)
    return NULL;
  refused = 0;
  return refusal;
}

struct vet {
  pid_t tgid;
  uintptr_t base, lo;
  int fd; /* the object's file */
  const uint8_t *code;
  size_t len;
};

/* Whether the checked gate's word at w is one piece 6 trusts (above). */
static int trusted_word(const struct vet *v, uintptr_t w) {
  return bh_registered_wrote(v->tgid, v->base, w, 4) ||
         bh_file_readonly_word(v->fd, v->base, w, 4);
}

static int judge_hit(void *ctx, size_t off, int kind) {
  const struct vet *v = ctx;
  uintptr_t at = v->lo + off;
  int64_t rel;
  if (kind != BH_PAT_WRPKRU ||
      bh_gate_check_word(v->code + off, v->len - off, &rel)) {
    snprintf(refusal, sizeof refusal,
             "its code holds %s bytes at 0x%lx from the object's base that "
             "are no checked gate: a code-reuse attack could use them to "
             "open every compartment",
             bh_pattern_name(kind), (unsigned long)(at - v->base));
    return 1;
  }
  uintptr_t w = at + (uintptr_t)rel;
  if (trusted_word(v, w))
    return 0;
  snprintf(refusal, sizeof refusal,
           "its code holds WRPKRU bytes at 0x%lx from the object's base in a "
           "checked gate whose word, at 0x%lx from the base, is neither a page "
           "the supervisor wrote (a descriptor, the copies) nor read-only data "
           "of the file outside RELRO: the process may choose the value it "
           "installs",
           (unsigned long)(at - v->base), (unsigned long)(w - v->base));
  return 1;
}

/* Reads len bytes at a of the caller's memory (mem), all or none. */
static int read_all(int mem, uintptr_t a, uint8_t *out, size_t len) {
  for (size_t k = 0; k < len;) {
    ssize_t r = pread(mem, out + k, len - k, (off_t)(a + k));
    if (r <= 0)
      return -1;
    k += (size_t)r;
  }
  return 0;
}

/* A pattern across edge e: b holds e - 2 .. e + 2. Its address, or 0. */
static uintptr_t joint(const uint8_t b[4], uintptr_t e, int *kind) {
  for (int i = 0; i < 2; i++)
    if ((*kind = bh_pattern_at(b + i)) >= 0)
      return e - 2 + (uintptr_t)i;
  return 0;
}

/* The edges of [lo, hi) (code: its bytes) with the bytes beside them. */
static int judge_edges(int mem, uintptr_t base, uintptr_t lo, uintptr_t hi,
                       const uint8_t *code) {
  uint8_t b[4];
  uintptr_t at = 0;
  int kind = 0;
  if (lo >= 2 && !read_all(mem, lo - 2, b, 2)) {
    b[2] = code[0], b[3] = code[1];
    at = joint(b, lo, &kind);
  }
  if (!at && !read_all(mem, hi, b + 2, 2)) {
    b[0] = code[hi - lo - 2], b[1] = code[hi - lo - 1];
    at = joint(b, hi, &kind);
  }
  if (!at)
    return 1;
  snprintf(refusal, sizeof refusal,
           "its code and the memory beside it make %s bytes at 0x%lx from "
           "the object's base, across the code's edge: a code-reuse attack "
           "could use them to open every compartment",
           bh_pattern_name(kind), (unsigned long)(at - base));
  return 0;
}

int bh_code_gates_vetted(const struct seccomp_notif *n, pid_t tgid,
                         uintptr_t base, uintptr_t lo, uintptr_t hi) {
  const char *why;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/mem", (int)tgid, (int)n->pid);
  size_t len = hi - lo;
  uint8_t *code = len >= 2 ? malloc(len) : NULL;
  int mem = open(path, O_RDONLY | O_CLOEXEC),
      fd = bh_object_file_open(tgid, base, &why), ok = 0;
  if (!code || mem < 0 || fd < 0 || read_all(mem, lo, code, len))
    snprintf(refusal, sizeof refusal,
             "the supervisor cannot read its code or its file to vet its "
             "PKRU writes");
  else {
    struct vet v = {tgid, base, lo, fd, code, len};
    ok = !bh_pattern_search(code, len, judge_hit, &v) &&
         judge_edges(mem, base, lo, hi, code);
  }
  refused = !ok;
  if (fd >= 0)
    close(fd);
  if (mem >= 0)
    close(mem);
  free(code);
  return ok;
}
