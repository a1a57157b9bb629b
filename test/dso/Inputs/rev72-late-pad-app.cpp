// attacks-rev72-late-pad-spill.test: the attacker (default domain's code)
// dlopens argv[1] (libvault, with fp_guard linked in) and enters lib_boom
// on a key-0 stack whose return address is the call site inside
// fp_guard's try, with rbx and r12-r15 "POWNED!" and rbp RBP (mode
// "attack": lib_key + 0x48; "keyzero": a key-0 buffer + 0x48). "control":
// fp_guard calls lib_boom honestly, "controlint" lib_boom_int (caught by
// type); "catch": libvault catches its own int.
#include <bulkhead.h>
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

/* The program's own compartment: protection keys are set up at start-up. */
BULKHEAD_DATA(appvault) int app_x;
extern "C" BULKHEAD_ENTRY(appvault) int app_get(void) { return app_x; }

static const long POWNED = 0x2144454e574f50; /* "POWNED!" */

extern "C" {
volatile int arrived;
volatile uintptr_t fault_rdi, fault_addr;
uintptr_t fake_stack[16384] __attribute__((aligned(16))); /* key 0 */
uintptr_t buffer[16];                                     /* key 0 */
/* fp_guard's callees (the object's PLT leads here: -rdynamic). */
long fp_get(long a) { return a + 1; }
void fp_use(long a, long b, long c, long d, long e, long f) {
  printf("fp_use: %#lx %#lx %#lx %#lx %#lx %#lx\n", a, b, c, d, e, f);
}
/* The attacker's call of ENTRY: on the stack TOP, returning to SITE, rbx
 * and r12-r15 REGS, rbp RBP. */
void attack_call(void *entry, uintptr_t site, uintptr_t *top, uintptr_t regs,
                 uintptr_t rbp);
}

/* landed: where fp_guard returns (keyzero); tells thread 2, and waits. */
__asm__(".text\n"
        "landed:\n"
        "  movl $1, arrived(%rip)\n"
        "1:\n"
        "  pause\n"
        "  jmp 1b\n"
        "attack_call:\n"
        "  movq %rdi, %rax\n"
        "  movq %rdx, %rsp\n"
        "  pushq %rsi\n"
        "  movq %rcx, %rbx\n"
        "  movq %rcx, %r12\n"
        "  movq %rcx, %r13\n"
        "  movq %rcx, %r14\n"
        "  movq %rcx, %r15\n"
        "  movq %r8, %rbp\n"
        "  jmpq *%rax\n");
static uintptr_t landed_at(void) {
  uintptr_t a;
  __asm__("leaq landed(%%rip), %0" : "=r"(a));
  return a;
}

static int (*key_intact)(void);
static int (*key_holds)(int, long);

static void report(void) {
  if (!key_intact())
    printf("ATTACK SUCCEEDED: libvault's key was overwritten\n");
  else
    printf("libvault's key intact\n");
}

/* The pad's fault (attack), default rights: notes rdi and the address. */
static void on_segv(int, siginfo_t *si, void *ucv) {
  ucontext_t *uc = (ucontext_t *)ucv;
  fault_rdi = (uintptr_t)uc->uc_mcontext.gregs[REG_RDI];
  fault_addr = (uintptr_t)si->si_addr;
  arrived = 2;
  for (;;)
    pause();
}

/* Thread 2, the default domain's rights: reports once the pad ran. */
static void *watch(void *) {
  for (int i = 0; i < 1000 && !arrived; i++)
    usleep(10000);
  if (arrived == 1)
    printf("landed reached\n");
  else if (arrived == 2) {
    char got[9] = {0};
    memcpy(got, (const void *)&fault_rdi, 8);
    printf("the pad faulted at %#lx, rdi %#lx\n", (unsigned long)fault_addr,
           (unsigned long)fault_rdi);
    if (!memcmp(got, "TOP-SECR", 8))
      printf("ATTACK SUCCEEDED: the pad read libvault's key: %s\n", got);
    for (int at = 8; at < 32; at += 8)
      if (key_holds(at, POWNED))
        printf("libvault's key holds \"POWNED!\" at byte %d\n", at);
  } else
    printf("error: the pad never ran\n");
  report();
  printf("app %d done\n", app_get());
  _exit(0);
}

/* fp_guard as runtime/Inputs/rev68b-fp-guard.cpp compiles with -fPIC:
 * `call *-0x30(%rbp)` at +0x58, its catch's pad at +0x89, which stores
 * r14, r13 at rbp-0x38, -0x40, loads rbp-0x48 into r14 and stores rbx at
 * rbp-0x30 before its hand-over. */
static const uint8_t *guard(const uint8_t *g) {
  static const uint8_t call[] = {0xff, 0x55, 0xd0};
  static const uint8_t pad[] = {0x4c, 0x89, 0x75, 0xc8, 0x4c, 0x89,
                                0x6d, 0xc0, 0x4c, 0x8b, 0x75, 0xb8,
                                0x48, 0x89, 0x5d, 0xd0};
  if (!g || memcmp(g + 0x58, call, sizeof call) ||
      memcmp(g + 0x89, pad, sizeof pad))
    return NULL;
  return g;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 2 ? argv[2] : "attack";
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen: %s\n", dlerror());
    return 2;
  }
  auto fp_guard = (int (*)(void (*)(), long))dlsym(h, "fp_guard");
  auto lib_boom = (void (*)(void))dlsym(h, "lib_boom");
  auto lib_boom_int = (void (*)(void))dlsym(h, "lib_boom_int");
  auto lib_catch = (int (*)(int))dlsym(h, "lib_catch");
  char *lib_key = (char *)dlsym(h, "lib_key");
  key_intact = (int (*)(void))dlsym(h, "lib_key_intact");
  key_holds = (int (*)(int, long))dlsym(h, "lib_key_holds");
  const uint8_t *g = guard((const uint8_t *)fp_guard);
  if (!g || !lib_boom || !lib_boom_int || !lib_catch || !lib_key ||
      !key_intact || !key_holds) {
    printf("error: the object is not the code this test was written for\n");
    return 2;
  }
  if (!strcmp(mode, "control") || !strcmp(mode, "controlint")) {
    printf("guard returned %d\n",
           fp_guard(strcmp(mode, "control") ? lib_boom_int : lib_boom, 1));
    report();
    printf("app %d done\n", app_get());
    return 0;
  }
  if (!strcmp(mode, "catch")) {
    printf("lib_catch: %d\n", lib_catch(5));
    printf("app %d done\n", app_get());
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  pthread_t t;
  pthread_create(&t, NULL, watch, NULL);
  for (auto &w : fake_stack)
    w = landed_at();
  buffer[0] = 0x1111;
  uintptr_t rbp = !strcmp(mode, "keyzero") ? (uintptr_t)buffer + 0x48
                                           : (uintptr_t)lib_key + 0x48;
  attack_call((void *)lib_boom, (uintptr_t)g + 0x5b, &fake_stack[16000],
              (uintptr_t)POWNED, rbp);
  printf("error: attack_call returned\n");
  return 1;
}
