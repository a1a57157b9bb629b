/* attacks-early-gate.test: a program dlopens argv[1], a compartment object
 * that needs a library with a slow constructor, while a second thread with
 * the default domain's program counter (attacker model B) watches ld.so's
 * list of objects (_r_debug, key-0 memory) for it. Once the object is
 * mapped, before its registration (the loader is in the slow
 * constructor), the thread finds one of its checked gates in its code,
 * sets the gate's word (in the object's copies, writable and zero until
 * registration) to 0, every key open, and jumps to the gate. Whether the
 * gate ran tells the first fault: an instruction fetch fault at the gate
 * itself (SEGV_ACCERR, si_addr the gate) means its code was not
 * executable; any other signal means the gate's WRPKRU ran with a PKRU the
 * attacker chose, and the thread went on past it.
 * With argv[2] "mprotect" or "mmap" the thread first tries to make that
 * code executable itself: mprotect(PROT_READ | PROT_EXEC) of the gate's
 * page, or a new executable mapping of the object's file; under the
 * system-call filter both are refused (the process dies), and it says so
 * if either returns. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static const char *path, *how = "";
static volatile int started;
static unsigned char *gate;
static char stack[1 << 16] __attribute__((aligned(64)));

static void say(const char *s) { (void)!write(1, s, strlen(s)); }

static void fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  if (sig == SIGSEGV && si->si_code == SEGV_ACCERR &&
      (unsigned char *)si->si_addr == gate)
    say("early gate: not executable before registration\n");
  else
    say("ATTACK SUCCEEDED: a gate ran before its object was registered, "
        "with a word the default domain chose\n");
  _exit(0);
}

/* A checked gate (xor %ecx,%ecx; xor %edx,%edx; mov W(%rip),%eax; wrpkru)
 * in the object's read-only segments, which ld.so maps from the file. */
static unsigned char *find_gate(ElfW(Addr) base) {
  const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)base;
  const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(base + eh->e_phoff);
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type != PT_LOAD || ph[i].p_flags & PF_W)
      continue;
    unsigned char *p = (unsigned char *)(base + ph[i].p_vaddr);
    for (size_t k = 0; k + 16 < ph[i].p_filesz; k++)
      if (!memcmp(p + k, "\x31\xc9\x31\xd2\x8b\x05", 6) &&
          !memcmp(p + k + 10, "\x0f\x01\xef", 3))
        return p + k;
  }
  return NULL;
}

static void *attacker(void *unused) {
  (void)unused;
  started = 1;
  for (;;) {
    for (struct link_map *m = *(struct link_map *volatile *)&_r_debug.r_map; m;
         m = *(struct link_map *volatile *)&m->l_next) {
      const char *n = *(const char *volatile *)&m->l_name;
      if (!n || strcmp(n, path) || !(gate = find_gate(m->l_addr)))
        continue;
      int32_t rel;
      memcpy(&rel, gate + 6, 4);
      *(volatile uint32_t *)(gate + 10 + rel) = 0; /* every key */
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_sigaction = fault;
      sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigaction(SIGSEGV, &sa, NULL);
      sigaction(SIGILL, &sa, NULL);
      sigaction(SIGBUS, &sa, NULL);
      stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack};
      sigaltstack(&ss, NULL);
      uintptr_t page = (uintptr_t)gate & ~(uintptr_t)4095;
      if (!strcmp(how, "mprotect")) {
        say("mprotect of the gate's page, PROT_EXEC\n");
        if (!mprotect((void *)page, 4096, PROT_READ | PROT_EXEC))
          say("ATTACK SUCCEEDED: the object's code made executable before "
              "its registration\n"),
              _exit(0);
      } else if (!strcmp(how, "mmap")) {
        say("mapping the object's file, PROT_EXEC\n");
        int fd = open(path, O_RDONLY);
        off_t off = (off_t)(page - m->l_addr); /* lld: offset == address */
        if (fd >= 0 && mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
                            off) != MAP_FAILED) {
          say("ATTACK SUCCEEDED: the object's gates mapped executable\n");
          _exit(0);
        }
      }
      say("jumping to a gate of the object\n");
      __asm__ volatile("jmp *%0" : : "r"(gate) : "memory");
      __builtin_unreachable();
    }
    sched_yield(); /* one CPU in the guest: let the loader run */
  }
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  path = argv[1];
  if (argc > 2)
    how = argv[2];
  printf("local: %d\n", local_get());
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  while (!started)
    sched_yield();
  void *h = dlopen(path, RTLD_NOW);
  printf("dlopen returned %s before the thread acted\n",
         h ? "the object" : dlerror());
  return 1;
}
