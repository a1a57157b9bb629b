/* A program linked with zlib's own shared library built as compartment
 * 'zlib' (test/dso/zlib.test): zlib works through its thunks, and its
 * private state faults from the program with zlib's key: a deflate state
 * on zlib's heap, and zlib's global data, found as the pages of libz's
 * mapping that carry zlib's key (its globals are not exported). */
#include "check.h"
#include <zlib.h>

static const void *target;
static void read_target(void *arg) {
  (void)arg;
  printf("read %d\n", *(const volatile unsigned char *)target);
}

static void expect(const char *what, struct outcome o, int key) {
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == key);
  printf("%s: unreadable (SEGV_PKUERR, zlib's key)\n", what);
}

int main(void) {
  int key = bulkhead_compartment_pkey("zlib");
  CHECK(key > 0);
  printf("zlib %s in compartment 'zlib'\n", zlibVersion());
  static unsigned char in[65536], packed[70000], out[65536];
  for (size_t i = 0; i < sizeof in; i++)
    in[i] = (unsigned char)(i * 7 % 251);
  uLongf n = sizeof packed, m = sizeof out;
  CHECK(compress2(packed, &n, in, sizeof in, 9) == Z_OK);
  CHECK(uncompress(out, &m, packed, n) == Z_OK);
  CHECK(m == sizeof in && !memcmp(in, out, m));
  printf("compress2/uncompress: round trip ok\n");

  z_stream s;
  memset(&s, 0, sizeof s);
  CHECK(deflateInit(&s, 6) == Z_OK);
  CHECK(page_pkey(s.state) == key);
  target = s.state;
  expect("deflate state (zlib's heap)", run_in_child(read_target, NULL), key);
  deflateEnd(&s);

  target = object_page_with_key("libz.so", key);
  CHECK(target);
  expect("zlib's global data", run_in_child(read_target, NULL), key);
  return 0;
}
