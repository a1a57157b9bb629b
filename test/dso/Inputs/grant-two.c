/* key-grant.test's object with two compartments, which share its entry
 * in the table's list of objects and its imports. */
#include <bulkhead.h>
BULKHEAD_DATA(left) static long left_word = 1;
BULKHEAD_DATA(right) static long right_word = 2;
BULKHEAD_ENTRY(left) long left_get(void) { return left_word; }
BULKHEAD_ENTRY(right) long right_get(void) { return right_word; }
