/* png-app.c - an ordinary libpng application, used as is against libpng
 * built with -fpkey-compartment=png. It includes libpng's own png.h and is
 * compiled WITHOUT -fpkey-compartment.
 *
 * It checks that libpng works through its gates (an RGBA image written to
 * PNG in memory and read back with the simplified API, between the
 * application's buffers; libpng's error handling by setjmp(png_jmpbuf())
 * and png_error), and that libpng's memory is closed to the
 * application: a png_struct and the simplified API's control structure,
 * both on libpng's compartment heap, and libpng's global png_sRGB_table.
 * Each read is tried in a forked child (check.h): it must die of
 * SEGV_PKUERR on libpng's key.
 *
 * Exit status: 0 libpng worked and its memory was unreadable; 3 some of it
 * was readable (a build without the compartment); 1 a check failed. */
#include "check.h" /* test/runtime/Inputs */
#include <png.h>

extern const png_uint_16 png_sRGB_table[256]; /* png.c, not in png.h */

#define W 37
#define H 23

static int png_pkey = -1;
static int readable;

static void read_byte(void *p) { (void)*(volatile unsigned char *)p; }

static void probe(const char *what, const void *p) {
  struct outcome o = run_in_child(read_byte, (void *)p);
  if (o.signo == 0) {
    printf("%s: READABLE from the application\n", what);
    readable++;
    return;
  }
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.addr == (uintptr_t)p);
  CHECK(o.pkey == png_pkey && page_pkey(p) == png_pkey);
  printf("%s: unreadable (SEGV_PKUERR, pkey %d)\n", what, o.pkey);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* a fault loses no line already printed */
#ifdef __BULKHEAD__
  png_pkey = bulkhead_compartment_pkey("png");
#endif
  unsigned v = png_access_version_number();
  if (png_pkey > 0)
    printf("libpng %u.%u.%u in compartment 'png' (pkey %d)\n", v / 10000, v / 100 % 100,
           v % 100, png_pkey);
  else
    printf("libpng %u.%u.%u built WITHOUT -fpkey-compartment=png\n", v / 10000, v / 100 % 100,
           v % 100);

  /* An RGBA image in the application's memory, to PNG in its memory. */
  static unsigned char pixels[W * H * 4], back[W * H * 4], file[64 * 1024];
  for (int i = 0; i < W * H * 4; i++)
    pixels[i] = (unsigned char)(i * 7 + i / 13);
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = W;
  img.height = H;
  img.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = sizeof file;
  CHECK(png_image_write_to_memory(&img, file, &size, 0, pixels, 0, NULL));
  CHECK(size > 8 && png_sig_cmp(file, 0, 8) == 0);

  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  CHECK(png_image_begin_read_from_memory(&img, file, size));
  CHECK(img.width == W && img.height == H);
  probe("png_image control structure (libpng's heap)", img.opaque);
  img.format = PNG_FORMAT_RGBA;
  CHECK(png_image_finish_read(&img, NULL, back, 0, NULL));
  CHECK(memcmp(back, pixels, sizeof pixels) == 0);
  printf("png_image_write_to_memory/png_image_finish_read: %dx%d RGBA -> %lu bytes, "
         "round trip ok\n", W, H, (unsigned long)size);

  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  CHECK(png != NULL);
  probe("png_struct (libpng's heap)", png);
  png_destroy_read_struct(&png, NULL, NULL);
  CHECK(png == NULL);

  /* libpng's own error idiom: setjmp on the jmp_buf that png_jmpbuf finds
   * in the png_struct, then png_error longjmps back to it (here: the file
   * is not a PNG). */
  FILE *f = tmpfile();
  CHECK(f && fwrite("not a PNG file", 1, 14, f) == 14);
  rewind(f);
  png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(png);
  CHECK(png && info);
  static volatile int jumped; /* static: kept across the longjmp */
  if (setjmp(png_jmpbuf(png)) == 0) {
    png_init_io(png, f);
    png_read_info(png, info); /* png_error: "Not a PNG file" */
  } else {
    jumped = 1;
  }
  CHECK(jumped);
  png_destroy_read_struct(&png, &info, NULL);
  fclose(f);
  printf("setjmp(png_jmpbuf(png_ptr)): png_error jumped back to it\n");

  probe("libpng global png_sRGB_table", png_sRGB_table);
  if (readable) {
    printf("result: %d of libpng's objects were READABLE by the application\n", readable);
    return 3;
  }
  printf("result: libpng worked through its gates and its memory was unreadable; "
         "isolation held\n");
  return 0;
}
