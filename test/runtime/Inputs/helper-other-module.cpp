/* Default-domain code of another module: calls inner directly and never
 * takes its address, so the pass sees in this module no pointer that may
 * reach inner's original. */
#include "helper-other-module.h"

long other_module_use(long v) { return inner(v); }
