// A compartment that throws and catches inside itself: its frames name
// the C++ personality routine through DW.ref.__gxx_personality_v0.
#include <bulkhead.h>

BULKHEAD_DATA(vault) int vault_secret = 7;

static void fail(int v) {
  if (v)
    throw v;
}
extern "C" BULKHEAD_ENTRY(vault) int vault_try(int v) {
  try {
    fail(v);
  } catch (int e) {
    return e + vault_secret;
  }
  return 0;
}

int main(int argc, char **) { return vault_try(argc) == 8 ? 0 : 1; }
