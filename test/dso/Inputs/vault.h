/* What a program linked with libvault.so declares: plain prototypes (a
 * caller outside the object calls the entries' thunks; the annotations
 * belong to the object that holds the compartment,
 * docs/shared-objects.md). */
int vault_sign(int x);
const void *vault_key_address(void);
const void *vault_heap_address(void);
int vault_apply(int (*f)(int), int x);
int vault_mix(int x);
