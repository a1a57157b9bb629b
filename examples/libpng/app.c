/* app.c - an ordinary libpng application, used as is against libpng built
 * with -fpkey-compartment=png and the sharing policy png.policy. It includes
 * libpng's own png.h and is compiled WITHOUT -fpkey-compartment.
 *
 * It uses libpng's standard error handling (setjmp(png_jmpbuf(png_ptr)),
 * which writes into the png_struct libpng allocated: shared by the policy),
 * reads an image into rows it allocated itself, reads the text chunks
 * libpng hands out (shared), and survives a png_error longjmp on a corrupt
 * file. And it checks that what the policy does not name stays private: the
 * info_struct, a row buffer from png_malloc, one of libpng's globals, and an
 * allocation after the error jump left png_create_png_struct's bracket. Each read is
 * tried in a forked child (run_in_child, check.h): with compartments it must
 * die of SEGV_PKUERR on libpng's key.
 *
 * Usage: png-app IMAGE.png. Exit status: 0 libpng worked and its private
 * memory was unreadable; 3 some of it was readable (what a build without
 * compartments shows); 1 a check failed. */
#include "check.h" /* test/runtime/Inputs: CHECK, run_in_child, page_pkey */
#include <png.h>
#include <setjmp.h>

/* One of libpng's globals (png.c), not in png.h: the application can name
 * it, but with compartments it cannot read it. */
#ifndef PNG_APP_SHARED_LIBRARY
extern const png_uint_16 png_sRGB_table[256];
#endif

static int png_key = -1; /* -1: built without compartments */
static int readable;     /* how many of libpng's objects the app could read */

static void read_byte(void *p) { (void)*(volatile unsigned char *)p; }

/* Tries to read libpng's object at p from the application. */
static void probe(const char *what, const void *p) {
  struct outcome o = run_in_child(read_byte, (void *)p);
  if (o.signo == 0) {
    printf("%s: READABLE from the application\n", what);
    readable++;
    return;
  }
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.addr == (uintptr_t)p);
  CHECK(o.pkey == png_key && page_pkey(p) == png_key);
  printf("%s: unreadable (SEGV_PKUERR, pkey %d)\n", what, o.pkey);
}

/* What the policy shares must be readable and writable by the app. */
static void shared(const char *what, void *p) {
  CHECK(page_pkey(p) == 0 || png_key < 0);
  *(volatile unsigned char *)p = *(volatile unsigned char *)p;
  printf("%s: shared, readable and writable\n", what);
}

static void read_image(const char *path) {
  FILE *f = fopen(path, "rb");
  CHECK(f);
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  CHECK(png);
  png_infop info = png_create_info_struct(png);
  CHECK(info);
  png_bytepp rows = NULL;
  png_uint_32 height = 0;
  if (setjmp(png_jmpbuf(png))) { /* writes the jmp_buf inside png_struct */
    printf("read_image: libpng error\n");
    exit(1);
  }
  shared("png_struct (png_create_png_struct, in the policy)", png);
  png_init_io(png, f);
  png_read_info(png, info);
  height = png_get_image_height(png, info);
  size_t rowbytes = png_get_rowbytes(png, info);
  rows = malloc(height * sizeof *rows);
  for (png_uint_32 y = 0; y < height; y++)
    rows[y] = malloc(rowbytes); /* the application's own: libpng writes them */
  png_set_interlace_handling(png);
  png_read_image(png, rows);
  unsigned long sum = 0;
  for (png_uint_32 y = 0; y < height; y++)
    for (size_t x = 0; x < rowbytes; x++)
      sum += rows[y][x];
  printf("read %ux%u pixels into the application's rows, checksum %lu\n",
         png_get_image_width(png, info), height, sum);

  png_textp text;
  int n = png_get_text(png, info, &text, NULL);
  CHECK(n > 0);
  shared("text chunks (png_set_text_2, in the policy)", text);
  printf("first text chunk: %s = %.20s\n", text[0].key, text[0].text);

  probe("info_struct (png_create_info_struct, not in the policy)", info);
  png_bytep buf = png_malloc(png, rowbytes);
  probe("row buffer from png_malloc (not in the policy)", buf);
  png_free(png, buf);
#ifdef PNG_APP_SHARED_LIBRARY
  /* libpng16.so exports none of its globals: a page of it with png's key. */
  const void *global = object_page_with_key("libpng16.so", png_key);
  CHECK(global);
  probe("libpng's global data (a page of libpng16.so)", global);
#else
  probe("libpng global png_sRGB_table", png_sRGB_table);
#endif

  for (png_uint_32 y = 0; y < height; y++)
    free(rows[y]);
  free(rows);
  png_destroy_read_struct(&png, &info, NULL);
  fclose(f);
}

/* A corrupt file: png_error longjmps back here, out of libpng. */
static void read_corrupt(const char *path) {
  FILE *in = fopen(path, "rb");
  CHECK(in);
  static unsigned char data[1 << 16];
  size_t n = fread(data, 1, sizeof data, in);
  fclose(in);
  CHECK(n > 64);
  data[40] ^= 0xff; /* the type of the chunk after IHDR: invalid */
  FILE *f = fmemopen(data, n, "rb");
  CHECK(f);
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(png);
  static volatile int jumped;
  if (setjmp(png_jmpbuf(png))) {
    jumped = 1;
  } else {
    png_init_io(png, f);
    png_read_info(png, info);
  }
  CHECK(jumped);
  printf("corrupt file: png_error jumped back to the application\n");
  /* The jump left png_create_png_struct's bracket long ago; libpng's
   * allocations are private again. */
  png_infop after = png_create_info_struct(png);
  probe("info_struct made after the error jump", after);
  png_destroy_info_struct(png, &after);
  png_destroy_read_struct(&png, &info, NULL);
  fclose(f);
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
#ifdef __BULKHEAD__
  png_key = bulkhead_compartment_pkey("png");
#endif
  if (png_key > 0)
    printf("libpng %s in compartment 'png' (pkey %d)\n", png_get_libpng_ver(NULL), png_key);
  else
    printf("libpng %s built WITHOUT -fpkey-compartment=png\n", png_get_libpng_ver(NULL));
  read_image(argv[1]);
  read_corrupt(argv[1]);
  if (readable) {
    printf("result: %d of libpng's private objects were READABLE by the application\n",
           readable);
    return 3;
  }
  printf("result: libpng worked through its gates, the policy shared what its API "
         "needs, and the rest was unreadable; isolation held\n");
  return 0;
}
