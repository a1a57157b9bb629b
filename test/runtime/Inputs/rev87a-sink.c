/* The default domain's callee of attacks-rev87a-twice-named-temp.c, in a
 * file of its own: the vault's file then has no variable of the struct. */
#include <string.h>
struct tag { char check; _Alignas(8) int count; };
unsigned char seen[sizeof(struct tag)];
void sink(struct tag t) { memcpy(seen, &t, sizeof t); }
