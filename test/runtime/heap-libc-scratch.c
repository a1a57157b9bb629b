// qsort's scratch copy of a compartment's array stays in the compartment.
// glibc's qsort merges through a malloc'd copy of the array when it is 1 KiB
// or more, and libc's own allocations come from the shared heap: a vault
// sorting 2 KiB left a sorted copy in key-0 memory (issue 11, item 7). The
// runtime now sorts for compartments itself (runtime/sort.c), with scratch
// space from the compartment's heap. The default domain scans every page it
// can read (key 0 in /proc/self/smaps) for runs of the vault's values; the
// same scan finds the copy libc makes when the default domain sorts, so it
// can see one. Also: results are sorted and stable, qsort_r passes its
// argument, and a default-domain comparator still sorts a shared array from
// inside the vault (it only ever sees the caller's array).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: default domain's sort: copy found in key-0 memory
// CHECK-NEXT: vault's qsort: no copy in key-0 memory
// CHECK-NEXT: vault's qsort_r: no copy in key-0 memory
// CHECK-NEXT: heap-libc-scratch: ok
#include "Inputs/check.h"

#define N 256 /* 2 KiB of 8-byte elements */
#define TAG(x) ((uint64_t)(x) << 40)
enum { DEFAULT_MARK = 0xdefa17, VAULT_MARK = 0x5ec2e7, VAULT_R_MARK = 0x5ec2e8 };

static uint64_t value(unsigned mark, unsigned i) {
  return TAG(mark) | ((i * 2654435761u) & 0xffffffu);
}
static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Runs of at least 16 words tagged `mark` in key-0 memory the default
 * domain can read, outside [skip, skip + N). */
static int copies_in_key0(unsigned mark, const uint64_t *skip) {
  FILE *f = fopen("/proc/self/smaps", "r");
  CHECK(f);
  static struct { uintptr_t lo, hi; } maps[4096];
  int n = 0, rw = 0;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[8];
    int key;
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 &&
        strchr(line, '-') < strchr(line, ' ')) {
      rw = perms[0] == 'r' && perms[1] == 'w';
      if (rw && n < 4096)
        maps[n].lo = lo, maps[n].hi = hi;
    } else if (rw && sscanf(line, "ProtectionKey: %d", &key) == 1 && key == 0) {
      n++;
    }
  }
  fclose(f);
  int runs = 0;
  for (int m = 0; m < n; m++) {
    int run = 0;
    for (const uint64_t *w = (const uint64_t *)maps[m].lo;
         w < (const uint64_t *)maps[m].hi; w++) {
      if (w >= skip && w < skip + N) {
        run = 0;
        continue;
      }
      run = (*w >> 40) == mark ? run + 1 : 0;
      if (run == 16)
        runs++;
    }
  }
  return runs;
}

BULKHEAD_DATA(vault) static uint64_t vault_data[N];
static int sorted(const uint64_t *v) {
  for (int i = 1; i < N; i++)
    if (v[i - 1] > v[i])
      return 0;
  return 1;
}

BULKHEAD_INTERNAL(vault) static int vault_cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}
BULKHEAD_INTERNAL(vault) static int vault_cmp_r(const void *a, const void *b, void *arg) {
  if (arg != (void *)vault_data)
    return 0;
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}
BULKHEAD_ENTRY(vault) int vault_sort(int with_arg) {
  for (unsigned i = 0; i < N; i++)
    vault_data[i] = value(with_arg ? VAULT_R_MARK : VAULT_MARK, i);
  if (with_arg)
    qsort_r(vault_data, N, sizeof vault_data[0], vault_cmp_r, vault_data);
  else
    qsort(vault_data, N, sizeof vault_data[0], vault_cmp);
  return sorted(vault_data);
}

/* Stability: 12-byte elements sorted on their key only. */
struct el {
  uint32_t key, seq, pad;
};
BULKHEAD_INTERNAL(vault) static int by_key(const void *a, const void *b) {
  const struct el *x = a, *y = b;
  return (x->key > y->key) - (x->key < y->key);
}
BULKHEAD_ENTRY(vault) int vault_stable(unsigned n) {
  struct el v[400];
  for (unsigned i = 0; i < n; i++)
    v[i] = (struct el){(i * 7u) % 13u, i, 0};
  qsort(v, n, sizeof v[0], by_key);
  for (unsigned i = 1; i < n; i++)
    if (v[i - 1].key > v[i].key || (v[i - 1].key == v[i].key && v[i - 1].seq > v[i].seq))
      return 0;
  return 1;
}

/* A shared array sorted from the vault with the caller's comparator. */
BULKHEAD_ENTRY(vault) void vault_sort_shared(uint64_t *v, int (*cmp)(const void *, const void *)) {
  qsort(v, N, sizeof v[0], cmp);
}

int main(void) {
  static uint64_t mine[N];
  for (unsigned i = 0; i < N; i++)
    mine[i] = value(DEFAULT_MARK, i);
  qsort(mine, N, sizeof mine[0], cmp_u64);
  CHECK(sorted(mine));
  CHECK(copies_in_key0(DEFAULT_MARK, mine) > 0);
  printf("default domain's sort: copy found in key-0 memory\n");

  CHECK(vault_sort(0));
  CHECK(copies_in_key0(VAULT_MARK, NULL) == 0);
  printf("vault's qsort: no copy in key-0 memory\n");
  CHECK(vault_sort(1));
  CHECK(copies_in_key0(VAULT_R_MARK, NULL) == 0);
  printf("vault's qsort_r: no copy in key-0 memory\n");

  CHECK(vault_stable(40) && vault_stable(400));
  uint64_t *shared = bulkhead_shared_malloc(N * sizeof *shared);
  CHECK(shared);
  for (unsigned i = 0; i < N; i++)
    shared[i] = value(1, N - i);
  vault_sort_shared(shared, cmp_u64);
  CHECK(sorted(shared));
  free(shared);
  printf("heap-libc-scratch: ok\n");
  return 0;
}
