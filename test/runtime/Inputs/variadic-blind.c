/* Calls the vault's variadic entry without seeing its annotation, as an
 * application of a library compartmentalized by flags would. */
int sum(int n, ...);
int blind_sum(void) { return sum(2, 5, 6); }
