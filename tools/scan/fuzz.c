/* fuzz.c: libFuzzer target. Feeds each input to the scanner as if it were a
 * file on disk (ELF, archive or anything else), in every output format, so
 * libelf/libdw handling, the search, classification, gate checks and the
 * writers all see hostile bytes. Build (see test/scan/fuzz.test):
 *   clang -fsanitize=fuzzer,address fuzz.c <the scanner's .c files but main.c> ... */
#include "scan.h"

#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null) {
        elf_version(EV_CURRENT);
        null = fopen("/dev/null", "w");
        diag_set_quiet(2);
    }
    struct options o = {0};
    o.format = size ? (enum format)(data[size - 1] % 3) : FMT_TEXT;
    o.verbose = 1;
    /* libelf wants a writable image; a copy also lets ASan see overreads */
    void *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    out_set_stream(null);
    out_begin(&o);
    scan_image("fuzz-input", copy, size, &o, NULL);
    out_end();
    free(copy);
    return 0;
}
