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

#include "../../runtime/Inputs/pad-spill-call.h"

static int (*key_intact)(void);
static int (*key_holds)(int, long);

static void report(void) {
  if (!key_intact())
    printf("ATTACK SUCCEEDED: libvault's key was overwritten\n");
  else
    printf("libvault's key intact\n");
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
  const uint8_t *g = (const uint8_t *)fp_guard;
  if (!fp_guard_known(g) || !lib_boom || !lib_boom_int || !lib_catch ||
      !lib_key || !key_intact || !key_holds) {
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
  launch_pad_spill((void *)lib_boom, g, (uintptr_t)lib_key, (uintptr_t)POWNED,
                   mode, watch);
  printf("error: attack_call returned\n");
  return 1;
}
