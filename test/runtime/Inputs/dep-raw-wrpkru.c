/* A shared object built without Bulkhead that holds a bare WRPKRU: a gadget
 * that installs any PKRU its caller puts in EAX (dep-gadgets-unknown.c). */
int raw_wrpkru(unsigned v) {
  __asm__ volatile("wrpkru" ::"a"(v), "c"(0), "d"(0));
  return 0;
}
