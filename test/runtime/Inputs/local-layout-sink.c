/* The default domain's callees of attacks-local-layout.c, in a file of
 * their own: each keeps the 16 bytes of the record it was passed. */
#include <string.h>
struct tag { char check; _Alignas(8) int count; };
struct named { char check; char name[7]; int count; char tail[4]; };
unsigned char seen_tag[16], seen_named[16];
void keep_tag(struct tag t) { memcpy(seen_tag, &t, 16); }
void keep_named(struct named n) { memcpy(seen_named, &n, 16); }
