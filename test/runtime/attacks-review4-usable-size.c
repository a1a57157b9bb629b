// Review 4 (attacker A): malloc_usable_size() called from a compartment on
// a block of the shared heap returns whatever the default domain's
// mimalloc reads from its page header, key-0 memory; nothing checks it.
// Blocks the shared heap hands to a compartment are checked to lie outside
// every compartment for the size asked for (runtime/shared-heap.c
// checked()), but the size bh_shared_usable_size() returns is not. The
// default domain sets, in the header of the page of its own block buf, the
// block size to "huge" (xblock_size = 0xffffffff: the size is then the
// page's slice count times 64 KiB) and the slice count so that
// [buf, buf + size) reaches the vault's data. A vault entry that bounds a
// caller's offset by the buffer's usable size (a defensive check) then
// writes where the caller asked, into its own data, with its rights.
// Without the forged header the vault refuses the offset. Any compartment
// code that trusts malloc_usable_size of a block it was given (to grow a
// string in place, to bound a copy) is open the same way; for a copy out
// of such a block it reads its own memory instead. Reproduced in the QEMU
// guest with Debian 12's libmimalloc 2.0.9; the layout is checked before
// anything is written.
// Fixed: the runtime checks [p, p + size) as it checks a returned block,
// and stops the program (here the attacking child) with one line.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t 2>&1 | FileCheck %s
// CHECK: layout ok
// CHECK: refused without the forged header
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: the shared heap's size of a block reaches a compartment's memory
#define _GNU_SOURCE
#include "Inputs/check.h"
#include <bulkhead.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "vault-secret-0123456789abcdef"

BULKHEAD_DATA(vault) static char vault_data[4096] __attribute__((aligned(4096))) = SECRET;

BULKHEAD_ENTRY(vault) int vault_data_intact(void) { return !strcmp(vault_data, SECRET); }

/* Puts a receipt into the caller's malloc'd buffer at offset `at`, if it
 * fits in the block. */
BULKHEAD_ENTRY(vault) int vault_receipt(char *buf, size_t at) {
  size_t cap = malloc_usable_size(buf);
  if (at > cap || cap - at < 16)
    return -1;
  memcpy(buf + at, "RECEIPT-00000001", 16);
  return 0;
}

/* mimalloc 2.0.9, x86-64, release build (include/mimalloc-types.h). */
#define SEGMENT_SIZE ((uintptr_t)32 << 20)
#define SEG_SLICES 264
#define SLICE_SIZE 80 /* sizeof(mi_page_t) */
#define SLICE_SHIFT 16
#define PAGE_SLICE_COUNT 0
#define PAGE_SLICE_OFFSET 4
#define PAGE_FLAGS 14
#define PAGE_XBLOCK_SIZE 28

#define W32(a) (*(volatile uint32_t *)(a))
#define W8(a) (*(volatile uint8_t *)(a))

static int attack(void) {
  if (!vault_data_intact())
    return 1;
  char *buf = malloc(64); /* the default heap's */
  uintptr_t seg = (uintptr_t)buf & ~(SEGMENT_SIZE - 1);
  uintptr_t slice = seg + SEG_SLICES + (((uintptr_t)buf - seg) >> SLICE_SHIFT) * SLICE_SIZE;
  uintptr_t page = slice - W32(slice + PAGE_SLICE_OFFSET);
  uintptr_t at = (uintptr_t)vault_data - (uintptr_t)buf;
  if (W32(page + PAGE_XBLOCK_SIZE) != malloc_usable_size(buf) || W8(page + PAGE_FLAGS) != 0 ||
      (uintptr_t)vault_data < (uintptr_t)buf || at / 65536 + 2 > 0xffffffffu) {
    printf("layout mismatch: not mimalloc 2.0.9 as expected, or the vault's data "
           "below the default heap\n");
    return 1;
  }
  printf("layout ok\n");
  if (vault_receipt(buf, at) == -1)
    printf("refused without the forged header\n");
  fflush(stdout);
  uint32_t count = W32(page + PAGE_SLICE_COUNT), size = W32(page + PAGE_XBLOCK_SIZE);
  W32(page + PAGE_SLICE_COUNT) = (uint32_t)(at / 65536 + 2);
  W32(page + PAGE_XBLOCK_SIZE) = 0xffffffffu; /* >= MI_HUGE_BLOCK_SIZE */
  int r = vault_receipt(buf, at);
  W32(page + PAGE_SLICE_COUNT) = count;
  W32(page + PAGE_XBLOCK_SIZE) = size;
  if (!vault_data_intact())
    printf("ATTACK SUCCEEDED: the vault wrote its receipt over its own data "
           "(vault_receipt returned %d)\n", r);
  else
    printf("attack failed: the vault's data is intact (vault_receipt returned %d)\n", r);
  return 0;
}

int main(void) {
  return attack_in_child("attacks-review4-usable-size", attack);
}
