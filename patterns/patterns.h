/* patterns.h - the PKRU-writing byte patterns and the checked gate, shared
 * by bulkhead-scan (tools/scan) and the runtime (runtime/gadgets.c, the
 * supervisor's scan of new executable file mappings), so both look for the
 * same bytes. */
#ifndef BULKHEAD_PATTERNS_H
#define BULKHEAD_PATTERNS_H

#include <stddef.h>
#include <stdint.h>

/* WRPKRU (0F 01 EF), XRSTOR (0F AE /5, memory form), XRSTORS (0F C7 /3,
 * memory form): every pattern is 3 bytes. */
enum bh_pattern { BH_PAT_WRPKRU, BH_PAT_XRSTOR, BH_PAT_XRSTORS };
#define BH_PATTERN_LEN 3

const char *bh_pattern_name(int kind);
/* The pattern starting at p (3 readable bytes), or -1. */
int bh_pattern_at(const uint8_t *p);
/* Called for each match at offset off of the buffer; nonzero stops. */
typedef int (*bh_pattern_fn)(void *ctx, size_t off, int kind);
/* Every pattern starting in p[0..len), in order: the first nonzero answer
 * of fn, or 0. */
int bh_pattern_search(const uint8_t *p, size_t len, bh_pattern_fn fn,
                      void *ctx);

/* Bulkhead's checked gate around the WRPKRU at p (BH_GATE_* in
 * include/bulkhead/abi.h): p[-BH_GATE_LOAD_BEFORE .. BH_GATE_UD2_AT + 2)
 * readable. NULL if its bytes have the gate's shape, else what is wrong. */
const char *bh_gate_shape(const uint8_t *p);
/* For a linked gate of that shape: whether its cmp reads the word its mov
 * loaded (both rip-relative). */
int bh_gate_same_word(const uint8_t *p);
/* The check that makes a WRPKRU at p a checked gate: cmp X(%rip),%eax;
 * je +2; ud2 (BH_GATE_CHECK_AT on; avail bytes readable from p), so that a
 * jump to it installs only X's value. 0 and X's distance from p in *word,
 * or -1 if the bytes are not that check. The runtime's start-up scan
 * (runtime/gadgets.c) and piece 6's rule (runtime/supervisor-code-gates.c)
 * then judge where X lies. */
int bh_gate_check_word(const uint8_t *p, size_t avail, int64_t *word);

#endif
