/* app.c - an ordinary zlib application, used as is against a zlib built with
 * -fpkey-compartment=zlib. It includes zlib's own unannotated zlib.h and is
 * compiled WITHOUT -fpkey-compartment: every zlib call goes through the
 * thunks that the pass emitted under zlib's function names.
 *
 * It checks that the library works through the gates (round trips through
 * compress2/uncompress, streaming deflate/inflate, the gz file API, crc32 and
 * adler32, a custom allocator called back from zlib) and that zlib's private
 * memory is closed to the application: one of zlib's globals, the deflate and
 * inflate states and a gzFile, all allocated by zlib from its compartment
 * heap. Each read is tried in a forked child (run_in_child, check.h): with
 * compartments it must die of SEGV_PKUERR on zlib's key.
 *
 * Exit status: 0 every round trip worked and zlib's state was unreadable;
 * 3 some of zlib's state was readable (what a build without compartments
 * shows); 1 a check failed. */
#include "check.h" /* test/runtime/Inputs: CHECK, run_in_child, page_pkey */
#include <zlib.h>

/* A global of zlib's (deflate.c), not in zlib.h: the application can name
 * it, but with compartments it cannot read it. */
extern const char deflate_copyright[];

#define DATA_SIZE (256 * 1024)
#define CHUNK 4096

static int zlib_pkey = -1; /* -1: built without compartments */
static uint32_t default_pkru;
static int readable; /* how many of zlib's objects the application could read */

/* Deterministic, compressible text. */
static void fill(unsigned char *buf, size_t n) {
  static const char *words[] = {"gate ", "pkey ", "zlib ", "deflate ", "inflate ",
                                "window ", "huffman ", "compartment\n"};
  uint32_t x = 12345;
  size_t i = 0;
  while (i < n) {
    x = x * 1103515245u + 12345u;
    for (const char *w = words[(x >> 16) % 8]; *w && i < n; w++)
      buf[i++] = (unsigned char)*w;
  }
}

static void read_byte(void *p) { (void)*(volatile unsigned char *)p; }

/* Tries to read zlib's object at p from the application. */
static void probe(const char *what, const void *p) {
  struct outcome o = run_in_child(read_byte, (void *)p);
  if (o.signo == 0) {
    printf("%s: READABLE from the application\n", what);
    readable++;
    return;
  }
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.addr == (uintptr_t)p);
  CHECK(o.pkey == zlib_pkey);
  CHECK(page_pkey(p) == zlib_pkey); /* the kernel's view agrees */
  printf("%s: unreadable (SEGV_PKUERR, pkey %d)\n", what, o.pkey);
}

/* The domain the thread is in must be the default one between zlib calls:
 * each thunk returns to it. */
static void check_default_domain(void) {
  if (zlib_pkey > 0)
    CHECK(test_rdpkru() == default_pkru);
}

static void test_compress(const unsigned char *data) {
  uLongf clen = compressBound(DATA_SIZE), dlen = DATA_SIZE;
  unsigned char *comp = malloc(clen), *back = malloc(DATA_SIZE);
  CHECK(comp && back);
  CHECK(compress2(comp, &clen, data, DATA_SIZE, Z_BEST_COMPRESSION) == Z_OK);
  check_default_domain();
  CHECK(uncompress(back, &dlen, comp, clen) == Z_OK);
  CHECK(dlen == DATA_SIZE && memcmp(back, data, DATA_SIZE) == 0);
  printf("compress2/uncompress: %d -> %lu -> %lu bytes, round trip ok\n", DATA_SIZE,
         (unsigned long)clen, (unsigned long)dlen);
  free(comp);
  free(back);
}

/* Streaming, in small pieces, between the application's buffers. The state
 * that deflateInit/inflateInit allocate is zlib's. */
static void test_stream(const unsigned char *data) {
  unsigned char out[CHUNK]; /* application stack */
  size_t cap = compressBound(DATA_SIZE), clen = 0;
  unsigned char *comp = malloc(cap), *back = malloc(DATA_SIZE);
  CHECK(comp && back);

  z_stream s;
  memset(&s, 0, sizeof s);
  CHECK(deflateInit(&s, Z_DEFAULT_COMPRESSION) == Z_OK);
  check_default_domain();
  probe("deflate state (strm.state, zlib's heap)", s.state);
  for (size_t off = 0; off < DATA_SIZE; off += 1000) {
    s.next_in = (unsigned char *)data + off;
    s.avail_in = DATA_SIZE - off < 1000 ? DATA_SIZE - off : 1000;
    int flush = off + 1000 >= DATA_SIZE ? Z_FINISH : Z_NO_FLUSH;
    int rc;
    do {
      s.next_out = out;
      s.avail_out = sizeof out;
      rc = deflate(&s, flush);
      CHECK(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
      size_t n = sizeof out - s.avail_out;
      CHECK(clen + n <= cap);
      memcpy(comp + clen, out, n);
      clen += n;
    } while (s.avail_out == 0);
  }
  CHECK(deflateEnd(&s) == Z_OK);

  memset(&s, 0, sizeof s);
  CHECK(inflateInit(&s) == Z_OK);
  probe("inflate state (strm.state, zlib's heap)", s.state);
  s.next_in = comp;
  s.avail_in = (uInt)clen;
  size_t dlen = 0;
  int rc;
  do {
    s.next_out = out;
    s.avail_out = 777; /* odd sizes exercise the window */
    rc = inflate(&s, Z_NO_FLUSH);
    CHECK(rc == Z_OK || rc == Z_STREAM_END);
    size_t n = 777 - s.avail_out;
    CHECK(dlen + n <= DATA_SIZE);
    memcpy(back + dlen, out, n);
    dlen += n;
  } while (rc != Z_STREAM_END);
  CHECK(inflateEnd(&s) == Z_OK);
  check_default_domain();
  CHECK(dlen == DATA_SIZE && memcmp(back, data, DATA_SIZE) == 0);
  printf("deflate/inflate streaming: %d -> %zu -> %zu bytes, round trip ok\n", DATA_SIZE, clen,
         dlen);
  free(comp);
  free(back);
}

/* A custom allocator: zlib calls it through strm->zalloc, a pointer the
 * application made, so it must run in the application's domain. */
static int alloc_calls, alloc_wrong_domain;
static voidpf app_alloc(voidpf opaque, uInt items, uInt size) {
  (void)opaque;
  alloc_calls++;
  if (zlib_pkey > 0 && test_rdpkru() != default_pkru)
    alloc_wrong_domain++;
  return calloc(items, size);
}
static void app_free(voidpf opaque, voidpf p) {
  (void)opaque;
  free(p);
}

static void test_custom_alloc(const unsigned char *data) {
  unsigned char comp[CHUNK * 4];
  z_stream s;
  memset(&s, 0, sizeof s);
  s.zalloc = app_alloc;
  s.zfree = app_free;
  CHECK(deflateInit(&s, 9) == Z_OK);
  /* The application gave zlib this memory: it stays the application's. */
  if (zlib_pkey > 0)
    CHECK(page_pkey(s.state) == 0);
  (void)*(volatile unsigned char *)s.state;
  s.next_in = (unsigned char *)data;
  s.avail_in = 10000;
  s.next_out = comp;
  s.avail_out = sizeof comp;
  CHECK(deflate(&s, Z_FINISH) == Z_STREAM_END);
  CHECK(deflateEnd(&s) == Z_OK);
  CHECK(alloc_calls >= 4 && alloc_wrong_domain == 0);
  printf("custom allocator: %d calls back from zlib, all in the default domain\n", alloc_calls);
}

static void test_gzfile(const unsigned char *data) {
  char path[256];
  const char *tmp = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/bulkhead-zlib-app.%d.gz", tmp && *tmp ? tmp : "/tmp",
           (int)getpid());
  gzFile f = gzopen(path, "wb9");
  CHECK(f != NULL);
  CHECK(gzwrite(f, data, DATA_SIZE) == DATA_SIZE);
  CHECK(gzclose(f) == Z_OK);

  unsigned char *back = malloc(DATA_SIZE);
  CHECK(back);
  f = gzopen(path, "rb");
  CHECK(f != NULL);
  /* zlib.h's gzgetc() macro reads this struct from the caller; with zlib in
   * a compartment only the function (gzgetc)(f) can be used. */
  probe("gzFile (gz_state, zlib's heap)", f);
  CHECK((gzgetc)(f) == data[0]);
  CHECK(gzungetc(data[0], f) == data[0]);
  CHECK(gzread(f, back, DATA_SIZE) == DATA_SIZE);
  CHECK(gzeof(f) || gzread(f, back, 1) == 0);
  CHECK(gzclose(f) == Z_OK);
  unlink(path);
  CHECK(memcmp(back, data, DATA_SIZE) == 0);
  printf("gzopen/gzwrite/gzread: %d bytes through a .gz file, round trip ok\n", DATA_SIZE);
  free(back);
}

int main(void) {
#ifdef __BULKHEAD__
  zlib_pkey = bulkhead_compartment_pkey("zlib");
#endif
  if (zlib_pkey > 0) {
    default_pkru = test_rdpkru();
    printf("zlib %s in compartment 'zlib' (pkey %d)\n", zlibVersion(), zlib_pkey);
  } else {
    printf("zlib %s built WITHOUT -fpkey-compartment=zlib\n", zlibVersion());
  }
  unsigned char *data = malloc(DATA_SIZE); /* the application's heap */
  CHECK(data);
  fill(data, DATA_SIZE);

  CHECK(crc32(0L, (const Bytef *)"123456789", 9) == 0xCBF43926UL);
  CHECK(adler32(1L, (const Bytef *)"Wikipedia", 9) == 0x11E60398UL);
  printf("crc32/adler32: ok\n");
  test_compress(data);
  test_stream(data);
  test_custom_alloc(data);
  test_gzfile(data);
  check_default_domain();

  probe("zlib global deflate_copyright", deflate_copyright);
  free(data);
  if (readable) {
    printf("result: %d of zlib's private objects were READABLE by the application\n", readable);
    return 3;
  }
  printf("result: zlib worked through its gates and its private state was unreadable; "
         "isolation held\n");
  return 0;
}
