// The general form of attacks-review7b-kept-frame-slot.c, with no signal:
// while a compartment has frames live on its stack (here it has called out
// to the default domain), its stack slot (key-0 TLS) is pointed into them,
// and a nested entry's trampoline writes its frame there. The frame's
// words include the default domain's old slot, any value the default
// domain stored in __bulkhead_stack.0: one store chooses a local of the
// vault's live frame. Here vault_run decides, after its callback, whether
// to copy its key out by a local flag; the callback (default domain, key-0
// stores only) points the vault's slot 16 bytes above the flag, stores the
// magic value in the default slot and calls any vault entry. Before the
// fix the vault copies its key out ("LEAK"). Fixed: the slot lies above
// the vault's mark (abi.h, BH_STACK_HEADER: its stack's header, on its
// key, moved by the trampoline that left the vault), so the nested entry's
// trampoline continues at the mark instead, below the vault's live frames,
// and the flag keeps its value. A slot moved below the mark is harmless
// and used as it is (-DLOWER).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DLOWER %s -o %t.lower && %run %t.lower | FileCheck --check-prefix=LOWER %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// LOWER: attacks-slot-live-frame: nothing leaked
// CHECK: attacks-slot-live-frame: ok (the entry continued below the mark)
#include "Inputs/tls-words.h"
#include "Inputs/below-mark-child.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAGIC 0x5afe5afe5afe5afeL

static const char original[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";
uintptr_t flag_at; /* key 0: where vault_run's flag is (no secret) */

void app_callback(void);

BULKHEAD_ENTRY(vault) void vault_run(char *out) {
  /* room below the flag for the nested entry's own frames */
  struct {
    char room[512];
    long flag[2];
  } volatile f __attribute__((aligned(16)));
  f.flag[0] = 0;
  flag_at = (uintptr_t)&f.flag[0];
  app_callback();
  if (f.flag[0] == MAGIC)
    memcpy(out, master, 32);
  else
    memcpy(out, "nothing", 8);
}

BULKHEAD_ENTRY(vault) int vault_peek(void) { return 7; }

static uintptr_t *vault_slot, *default_slot;

void app_callback(void) {
  uintptr_t save = *vault_slot, saved_default = *default_slot;
#ifdef LOWER
  *vault_slot = save - 4096;
  CHECK(vault_peek() == 7);
#else
  /* The entry's frame ends at the slot T: T - 16 holds the default
   * domain's old slot. */
  *vault_slot = flag_at + 16;
  *default_slot = (uintptr_t)MAGIC;
  CHECK(vault_peek() == 7);
#endif
  *default_slot = saved_default;
  *vault_slot = save;
}

static int attack(void) {
  vault_slot = tls_word("__bulkhead_stack.vault");
  default_slot = tls_word("__bulkhead_stack.0");
  char out[33] = {0};
  vault_run(out);
  if (!memcmp(out, original, 32)) {
    fprintf(stderr, "attacks-slot-live-frame: LEAK: the vault copied its key "
                    "\"%s\" out\n",
            out);
    return 1;
  }
  CHECK(!strcmp(out, "nothing"));
  printf("attacks-slot-live-frame: nothing leaked\n");
  return 0;
}

int main(void) {
#ifdef LOWER
  return below_mark_in_child(attack, "attacks-slot-live-frame", 1);
#else
  return below_mark_in_child(attack, "attacks-slot-live-frame", 0);
#endif
}
