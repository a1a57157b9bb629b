/* alias-caller.h - the program half of the review-12 attacks on aliases of
 * the vault's code (attacks-review12-entry-alias.c,
 * attacks-review12d-alias-chain.c): from its own file it calls the vault's
 * code by ALIAS, an alias's name, and prints "ALIAS returned VALUE"; then
 * it loads the vault's key itself, which must fault, and otherwise says
 * "TEST: LEAK: ...". The vault's file defines vault_where (an entry that
 * returns its key's address) and calls app_note through its gate back.
 * Include after check.h, with ALIAS and TEST defined. */
#ifndef BULKHEAD_TEST_ALIAS_CALLER_H
#define BULKHEAD_TEST_ALIAS_CALLER_H

#define ALIAS_NAME_(x) #x
#define ALIAS_NAME(x) ALIAS_NAME_(x)

long ALIAS(void);
long *vault_where(void);
long noted;
void app_note(void) { noted++; }
int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long *k = vault_where();
  printf("%s returned %#lx\n", ALIAS_NAME(ALIAS), ALIAS());
  /* The default domain's own load: must fault with the vault's key. */
  printf("%s: LEAK: the program read the vault's key %#lx\n", TEST,
         *(volatile long *)k);
  return 1;
}
#endif
