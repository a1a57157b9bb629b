/* lzma-app.c - an application of liblzma (Debian's xz-utils 5.4.1), whose
 * shared library is built as compartment 'lzma' with Inputs/lzma.policy
 * (xz.sh build-compartment). Compiled WITHOUT -fpkey-compartment: it is the
 * default domain. It compresses 1 MiB with liblzma's multi-threaded encoder
 * (two threads that liblzma starts inside its compartment), decompresses
 * and compares; reads the filter options lzma_properties_decode hands out
 * (shared by the policy); and shows that the encoder's state (liblzma's
 * heap, behind lzma_stream.internal) faults with liblzma's key. */
#include "check.h" /* test/runtime/Inputs: CHECK, run_in_child, page_pkey */
#include <lzma.h>

static int lzma_key = -1; /* -1: built without compartments */

static void read_byte(void *p) { (void)*(volatile unsigned char *)p; }

/* Tries to read liblzma's object at p from the application. */
static void probe(const char *what, const void *p) {
  struct outcome o = run_in_child(read_byte, (void *)p);
  if (o.signo == 0) {
    printf("%s: READABLE from the application\n", what);
    return;
  }
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.addr == (uintptr_t)p);
  CHECK(o.pkey == lzma_key && page_pkey(p) == lzma_key);
  printf("%s: unreadable (SEGV_PKUERR, pkey %d)\n", what, o.pkey);
}

/* Runs s to the end of its input into out; the bytes written. */
static size_t run(lzma_stream *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
  s->next_in = in, s->avail_in = n, s->next_out = out, s->avail_out = cap;
  lzma_ret r;
  while ((r = lzma_code(s, LZMA_FINISH)) == LZMA_OK)
    CHECK(s->avail_out > 0);
  CHECK(r == LZMA_STREAM_END);
  return cap - s->avail_out;
}

int main(void) {
  lzma_key = bulkhead_compartment_pkey("lzma");
  CHECK(lzma_key > 0);
  printf("liblzma %s in compartment 'lzma' (pkey %d)\n", lzma_version_string(), lzma_key);

  enum { N = 1 << 20 };
  static uint8_t text[N], packed[N + 65536], back[N];
  for (size_t i = 0; i < N; i++) /* compressible, not trivially */
    text[i] = "the quick brown fox jumps over the lazy dog\n"[(i * 7 + i / 4099) % 44];

  lzma_mt mt = {.threads = 2, .block_size = 256 << 10, .preset = 6, .check = LZMA_CHECK_CRC64};
  lzma_stream enc = LZMA_STREAM_INIT;
  CHECK(lzma_stream_encoder_mt(&enc, &mt) == LZMA_OK);
  size_t packed_len = run(&enc, text, N, packed, sizeof packed);
  probe("encoder state (lzma_stream.internal, liblzma's heap)", enc.internal);
  lzma_end(&enc);

  lzma_stream dec = LZMA_STREAM_INIT;
  CHECK(lzma_stream_decoder(&dec, UINT64_MAX, 0) == LZMA_OK);
  size_t back_len = run(&dec, packed, packed_len, back, sizeof back);
  probe("decoder state (lzma_stream.internal, liblzma's heap)", dec.internal);
  lzma_end(&dec);
  CHECK(back_len == N && !memcmp(back, text, N));
  printf("1 MiB compressed by 2 threads in the compartment to %zu bytes, decompressed: identical\n",
         packed_len);

  /* LZMA2's one property byte: 0x10 is a dictionary of 1 MiB. */
  const uint8_t props[1] = {0x10};
  lzma_filter f = {.id = LZMA_FILTER_LZMA2};
  CHECK(lzma_properties_decode(&f, NULL, props, 1) == LZMA_OK);
  CHECK(page_pkey(f.options) == 0 && ((lzma_options_lzma *)f.options)->dict_size == 1 << 20);
  printf("filter options (lzma_properties_decode, in the policy): shared, dict_size %u\n",
         ((lzma_options_lzma *)f.options)->dict_size);
  free(f.options);
  printf("result: liblzma worked through its gates and its own heap was unreadable\n");
  return 0;
}
