/* The default domain's callees of the padding attacks (pointee-sink.h), in
 * a file of their own: each keeps the record it was passed in a global. */
#include <string.h>
#include "pointee-sink.h"
unsigned char seen_small[sizeof(struct small)], seen_mid[sizeof(struct mid)];
void keep_small(struct small s) { memcpy(seen_small, &s, sizeof s); }
void keep_mid(struct mid m) { memcpy(seen_mid, &m, sizeof m); }
