/* search.c: the scanner's view of the byte-pattern search, which lives in
 * patterns/ (shared with the runtime, so both look for the same bytes). */
#include "scan.h"

#include "patterns.h"

_Static_assert((int)PK_WRPKRU == (int)BH_PAT_WRPKRU && (int)PK_XRSTOR == (int)BH_PAT_XRSTOR &&
                   (int)PK_XRSTORS == (int)BH_PAT_XRSTORS && PATTERN_LEN == BH_PATTERN_LEN,
               "the scanner's pattern kinds are patterns.h's");

const char *pkind_name(enum pkind k)
{
    return k == PK_FORGED_GATE ? "forged gate" : bh_pattern_name((int)k);
}

struct adapter {
    match_fn fn;
    void *ctx;
};

static int forward(void *ctx, size_t off, int kind)
{
    struct adapter *a = ctx;
    return a->fn(a->ctx, off, (enum pkind)kind);
}

int search_patterns(const uint8_t *p, size_t len, match_fn fn, void *ctx)
{
    struct adapter a = {fn, ctx};
    return bh_pattern_search(p, len, forward, &a);
}
