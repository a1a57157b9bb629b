// The default domain's side of padding-template-args.cpp, in a file of its
// own: the vault's file names W<char[3]> in no variable or definition.
#include <stdio.h>
template <class T> struct W { char c; T v; };
W<char[3]> make() { return {'a', {'b', 'c', 'd'}}; }
void keep(W<char[3]> w) { printf("kept: %c%c%c%c\n", w.c, w.v[0] ? w.v[0] : '0', w.v[1], w.v[2]); }
