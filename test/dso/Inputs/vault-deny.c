/* More of the vault compartment (linked into libvault.so with vault.c by
 * dso/late-deny-name.test): system calls the supervisor and the filter
 * refuse. */
#include <bulkhead.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* pkey_mprotect of one of its own pages, outside any grant: the
 * supervisor denies it, names the caller's domain and ends the process. */
BULKHEAD_ENTRY(vault) long vault_denied_call(void *page) {
  return syscall(SYS_pkey_mprotect, page, 4096, PROT_READ, 1);
}

/* process_vm_readv: the filter traps it, and the runtime's SIGSYS
 * handler names the domain from the process's own table. */
BULKHEAD_ENTRY(vault) long vault_trapped_call(void) {
  return syscall(SYS_process_vm_readv, getpid(), 0, 0, 0, 0, 0);
}
