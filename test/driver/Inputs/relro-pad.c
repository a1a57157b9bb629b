/* 64 bytes of relocated read-only data (.data.rel.ro, inside RELRO): a
 * link with it ends RELRO 64 bytes from where the same link without it
 * does, so with -z common-page-size=64 at most one of the two ends on a
 * page boundary (attacks-rev28-relro-tail.test). */
void *const relro_pad[8] = {(void *)relro_pad};
