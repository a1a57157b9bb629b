/* The default domain's callee of padding-rev91a-tail-array.c, in a file of
 * its own: it keeps the record it was passed in a global. */
#include <string.h>
struct cs { char check; short s; };         /* byte 1 padding */
unsigned char seen_cs[sizeof(struct cs)];
void keep_cs(struct cs c) { memcpy(seen_cs, &c, sizeof c); }
