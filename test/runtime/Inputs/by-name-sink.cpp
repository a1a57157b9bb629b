// The default domain's callees of attacks-layout-by-name.cpp, in a file of
// their own: each keeps the record it was passed in a global.
#include <string.h>
template <class T> struct TB { T a : 4; T b : 20; int c; }; // bits 24-31: none
struct Wide { char check; alignas(8) int n; };              // bytes 1-7: none
unsigned char seen_u[8], seen_i[8], seen_w[16];
void keep_u(TB<unsigned> r) { memcpy(seen_u, &r, sizeof r); }
void keep_i(TB<int> r) { memcpy(seen_i, &r, sizeof r); }
void keep_w(Wide r) { memcpy(seen_w, &r, sizeof r); }
