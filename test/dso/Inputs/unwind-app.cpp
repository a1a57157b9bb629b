// unwind-compartments.test: libgcc_s's unwinder run with a compartment's
// rights finds its CFI in the objects' own .eh_frame_hdr
// (runtime/unwind-find.c): backtrace inside a compartment of the
// executable and of a dlopened object (argv[1]) reaches main; a throw
// from either into the default domain lands there with the default
// domain's rights; a throw caught inside a compartment is caught there.
#include <bulkhead.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>

BULKHEAD_DATA(vault) int vault_count = 0;

__attribute__((noinline)) static int vault_deeper(void **out, int n) {
  vault_count++;
  return backtrace(out, n);
}
extern "C" BULKHEAD_ENTRY(vault) int vault_where(void **out, int n) {
  return vault_deeper(out, n) + vault_count * 0;
}
__attribute__((noinline)) static void vault_fail(int v) {
  if (v)
    throw v;
  vault_count++;
}
extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) { vault_fail(v); }
extern "C" BULKHEAD_ENTRY(vault) int vault_catch(int v) {
  try {
    vault_fail(v);
  } catch (int e) {
    return e + 1;
  }
  return 0;
}

static uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

/* Whether one of the N frames in OUT is in main. */
__attribute__((noinline)) static const char *reaches(void **out, int n) {
  for (int i = 0; i < n; i++) {
    Dl_info info;
    if (dladdr(out[i], &info) && info.dli_sname &&
        !__builtin_strcmp(info.dli_sname, "main"))
      return "reaches main";
  }
  return "stops short";
}

/* Throws through plain frames of the default domain (not static: a
 * static helper is shared code, run with its caller's rights, and its
 * landing pad enters no domain). */
__attribute__((noinline)) void step(void (*f)(int), int v) { f(v); }

__attribute__((noinline)) const char *lands(void (*f)(int), int v) {
  try {
    step(f, v);
  } catch (int e) {
    return e == v && rdpkru() == bulkhead_domain_pkru(NULL)
               ? "caught in main's domain"
               : "caught with other rights";
  }
  return "not thrown";
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  void *h = dlopen(argv[1], RTLD_NOW);
  auto lib_where = h ? (int (*)(void **, int))dlsym(h, "lib_where") : nullptr;
  auto lib_throw = h ? (void (*)(int))dlsym(h, "lib_throw") : nullptr;
  auto lib_catch = h ? (int (*)(int))dlsym(h, "lib_catch") : nullptr;
  if (!lib_where || !lib_throw || !lib_catch) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  void *out[64];
  int n = vault_where(out, 64);
  printf("executable's compartment: backtrace %s\n", reaches(out, n));
  n = lib_where(out, 64);
  printf("object's compartment: backtrace %s\n", reaches(out, n));
  printf("executable's compartment: throw %s\n", lands(vault_throw, 7));
  printf("object's compartment: throw %s\n", lands(lib_throw, 9));
  printf("executable's compartment: catches %d\n", vault_catch(3));
  printf("object's compartment: catches %d\n", lib_catch(5));
  return 0;
}
