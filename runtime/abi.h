/*
 * abi.h - what the pass emits and the runtime reads. Shared by both (the
 * pass is C++ and includes this file), so the two cannot drift apart.
 */
#ifndef BULKHEAD_ABI_H
#define BULKHEAD_ABI_H

#include <stdint.h>

#define BULKHEAD_ABI_VERSION 1u
#define BULKHEAD_PAGE 4096u

/* One descriptor per compartment, emitted by the pass into every module that
 * mentions the compartment as a linkonce_odr global in a comdat, so the linker
 * keeps exactly one. Each fills a whole page, so the runtime can make the
 * section read-only after start-up without touching anything else. */
#define BULKHEAD_DOMAIN_SECTION "bulkhead_domains"
#define BULKHEAD_DOMAIN_PREFIX "__bulkhead_domain_"
/* The default domain's descriptor is defined by the runtime. */
#define BULKHEAD_DOMAIN0 "__bulkhead_domain0"

/* Compartment data lives in section BULKHEAD_DATA_PREFIX + name. The name is a
 * C identifier, so the linker defines __start_ and __stop_ for it. */
#define BULKHEAD_DATA_PREFIX "bulkhead_data_"

/* Non-allocated section listing the virtual address (8 bytes, little endian)
 * of every gate WRPKRU, for bulkhead-scan. Entries of 0 or ~0 were discarded
 * by the linker and are ignored. */
#define BULKHEAD_GATES_SECTION ".bulkhead.gates"

struct bulkhead_domain {
  uint32_t pkru;        /* offset 0, read by every gate; set at start-up */
  int32_t pkey;         /* set at start-up; -1 for the default domain */
  uint32_t abi_version; /* BULKHEAD_ABI_VERSION */
  uint32_t reserved;
  const char *name;     /* compartment name */
  char *data_start;     /* __start_bulkhead_data_<name>, or NULL */
  char *data_end;       /* __stop_bulkhead_data_<name>, or NULL */
  char pad[BULKHEAD_PAGE - 40];
};

#endif
