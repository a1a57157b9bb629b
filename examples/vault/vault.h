/* vault.h - the vault compartment's interface: a secret key that only the
 * vault's own code can touch, and two entries to sign and verify messages
 * with it. Callers include this header, so the annotations are visible at
 * every call site (the compiler decides there which calls need a gate). */
#ifndef VAULT_H
#define VAULT_H

#include <bulkhead.h>
#include <stddef.h>

#define VAULT_KEY_LEN 32
#define VAULT_SIG_LEN 32

/* Computes the signature of msg[0..len) into sig: 0, or -1 if the message
 * overlaps the vault's own data. Runs in the vault. */
BULKHEAD_ENTRY(vault)
int vault_sign(const char *msg, size_t len, unsigned char sig[VAULT_SIG_LEN]);

/* 1 if sig is the signature of msg[0..len), else 0. Runs in the vault. */
BULKHEAD_ENTRY(vault)
int vault_verify(const char *msg, size_t len, const unsigned char sig[VAULT_SIG_LEN]);

/* Demo only, default domain: the key's address. Handing out an address reads
 * nothing; it stands in for what an attacker learns from the binary's layout
 * (see main.c). */
const unsigned char *vault_key_address(void);

#endif
