// The default domain's callee of padding-rev89a-nested-template.cpp, in a
// file of its own (its parameter would give Inner its own layout there).
#include <string.h>
template <class T> struct TF { char c; T a; struct Inner { char buf[8]; }; };
char seen_inner[9];
void keep(TF<int>::Inner r) { memcpy(seen_inner, r.buf, 8); }
