/* lib.c's interface, unannotated, as a third-party header would be. */
int lib_hit(int n);
int *lib_hits_address(void);
unsigned lib_pkru(void);
