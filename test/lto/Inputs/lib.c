/* Compartment 'lib' by build flag alone (-fpkey-compartment=lib): no
 * annotation anywhere, callers see a plain prototype. */
static int hits;
static int bump(int n) { return hits += n; }
int lib_hit(int n) { return bump(n); }
int *lib_hits_address(void) { return &hits; }
unsigned lib_pkru(void) {
  unsigned eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}
