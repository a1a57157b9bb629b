/* Default-domain code in a file of its own: the vault's call of it is gated
 * only at run time (its marker symbol is defined here). */
#include <stdio.h>
typedef float v8 __attribute__((vector_size(32)));
void take_vector(v8 x) { printf("took %g\n", x[0]); }
