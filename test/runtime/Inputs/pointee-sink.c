/* The default domain's callees of attacks-pointee-padding.c, in a file of
 * their own: each keeps the record it was passed in a global. */
#include <string.h>
struct small { char check; int n; };        /* bytes 1-3 padding */
struct mid { int x; char check; int y; };   /* bytes 5-7 padding */
unsigned char seen_small[sizeof(struct small)], seen_mid[sizeof(struct mid)];
void keep_small(struct small s) { memcpy(seen_small, &s, sizeof s); }
void keep_mid(struct mid m) { memcpy(seen_mid, &m, sizeof m); }
