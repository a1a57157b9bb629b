// The default domain's callees of padding-rev89b-template-record.cpp and
// attacks-rev89b-template-padding.cpp, in a file of their own (so that the
// vault's file has no debug record of TF<char> or TP<char>): each keeps
// the record it was passed in a global.
#include <string.h>
template <class T> struct TF { T a; T b; };               // all data
template <class T> struct TP { T c; alignas(4) char d; }; // bytes 1-3, 5-7: none
unsigned char seen_tf[2], seen_tp[8];
void keep_tf(TF<char> r) { memcpy(seen_tf, &r, sizeof r); }
void keep_tp(TP<char> r) { memcpy(seen_tp, &r, sizeof r); }
TF<char> *tf_at(void *p) { return (TF<char> *)p; }
TP<char> *tp_at(void *p) { return (TP<char> *)p; }
