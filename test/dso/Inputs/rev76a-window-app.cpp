// attacks-rev76a-late-type-window.test: the attacker (key-0 loads and
// stores only, from threads of the program's) races registration of
// late shared objects with compartments (argv[2..], one compartment each,
// loaded in turn, as a program with plug-ins would): threads spin
// on ld.so's list of objects (_r_debug, key-0 loads) until an object is
// there, then store Small's type_info address, again and again, into the
// word of the object's writable .data that ld.so relocates to Big's
// (clang's .L_ZTI3Big.DW.stub; its offset from the object's file, as the
// attacker knows the binary). Without the system-call filter registration
// records the word as it finds it (runtime/dlopen.c, record_type_words).
// The program waits for its threads to start before it loads them.
// Mode (argv[1]) "control": no attacker threads. Each object then throws
// a Small to its own catch (Big &) / catch (Small &).
#include <bulkhead.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

BULKHEAD_DATA(appvault) int app_x;
extern "C" BULKHEAD_ENTRY(appvault) int app_get(void) { return app_x; }

#define LIBS 8
static uint64_t stub_off, small_off; /* from the object's file */
static struct lib {
  const char *name;
  uint64_t stub, small;
} lib[LIBS];
static int libs;
static volatile int stop;
static pthread_barrier_t ready; /* the threads run before the dlopens */
#define THREADS 4
static volatile long seen_by[THREADS], found_by[THREADS];

/* Big's stub (a relocation to _ZTI3Big, or RELATIVE to its address, in a
 * writable segment outside RELRO) and Small's type_info, from the file. */
static int offsets(const char *path) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st))
    return -1;
  const char *f = (const char *)mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
  const Elf64_Shdr *sh = (const Elf64_Shdr *)(f + eh->e_shoff);
  const Elf64_Phdr *ph = (const Elf64_Phdr *)(f + eh->e_phoff);
  const Elf64_Sym *sym = NULL;
  const char *str = NULL;
  size_t nsym = 0;
  for (int i = 0; i < eh->e_shnum; i++)
    if (sh[i].sh_type == SHT_DYNSYM) {
      sym = (const Elf64_Sym *)(f + sh[i].sh_offset);
      nsym = sh[i].sh_size / sizeof *sym;
      str = f + sh[sh[i].sh_link].sh_offset;
    }
  uint64_t big = 0, rlo = 0, rhi = 0;
  for (size_t i = 0; i < nsym; i++) {
    if (!strcmp(str + sym[i].st_name, "_ZTI3Big"))
      big = sym[i].st_value;
    if (!strcmp(str + sym[i].st_name, "_ZTI5Small"))
      small_off = sym[i].st_value;
  }
  for (int i = 0; i < eh->e_phnum; i++)
    if (ph[i].p_type == PT_GNU_RELRO)
      rlo = ph[i].p_vaddr, rhi = rlo + ph[i].p_memsz;
  for (int i = 0; i < eh->e_shnum; i++) {
    if (sh[i].sh_type != SHT_RELA)
      continue;
    const Elf64_Rela *r = (const Elf64_Rela *)(f + sh[i].sh_offset);
    for (size_t k = 0; k < sh[i].sh_size / sizeof *r; k++) {
      unsigned t = ELF64_R_TYPE(r[k].r_info), s = ELF64_R_SYM(r[k].r_info);
      int hit = (t == R_X86_64_RELATIVE && big && (uint64_t)r[k].r_addend == big) ||
                ((t == R_X86_64_64 || t == R_X86_64_GLOB_DAT) && s && s < nsym &&
                 !strcmp(str + sym[s].st_name, "_ZTI3Big"));
      if (hit && (r[k].r_offset < rlo || r[k].r_offset >= rhi))
        stub_off = r[k].r_offset;
    }
  }
  return stub_off && small_off ? 0 : -1;
}

static void *attacker(void *arg) {
  long me = (long)arg;
  pthread_barrier_wait(&ready);
  while (!stop) /* ld.so's list: key-0 loads; then the stores */
    for (struct link_map *m = _r_debug.r_map; m; m = m->l_next)
      for (int i = 0; i < libs; i++)
        if (m->l_name && strstr(m->l_name, lib[i].name)) {
          found_by[me] = 1;
          *(volatile uintptr_t *)(m->l_addr + lib[i].stub) =
              m->l_addr + lib[i].small;
          seen_by[me]++;
        }
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argv[1];
  for (int i = 2; i < argc && libs < LIBS; i++, libs++) {
    stub_off = small_off = 0;
    if (offsets(argv[i])) {
      printf("error: %s is not the code this test was written for\n", argv[i]);
      return 2;
    }
    lib[libs] = {strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i],
                 stub_off, small_off};
  }
  printf("%d objects, stub at object+%#lx\n", libs, (unsigned long)lib[0].stub);
  pthread_t th[THREADS];
  int n = strcmp(mode, "control") ? THREADS : 0;
  pthread_barrier_init(&ready, NULL, n + 1);
  for (long i = 0; i < n; i++)
    pthread_create(&th[i], NULL, attacker, (void *)i);
  pthread_barrier_wait(&ready);
  void *h[LIBS];
  for (int i = 0; i < libs; i++)
    if (!(h[i] = dlopen(argv[i + 2], RTLD_NOW))) {
      printf("dlopen: %s\n", dlerror());
      return 2;
    }
  stop = 1;
  for (int i = 0; i < n; i++)
    pthread_join(th[i], NULL);
  long stores = 0, found = 0;
  for (int i = 0; i < n; i++)
    stores += seen_by[i], found += found_by[i];
  if (n)
    printf("attacker threads: %ld saw the object in ld.so's list, stored %s\n",
           found, stores ? "during dlopen" : "never");
  int smalls = 0;
  for (int i = 0; i < libs; i++) {
    auto lib_run = (int (*)(int, long *))dlsym(h[i], "lib_run");
    long beyond = 0;
    int r = lib_run(0, &beyond);
    smalls += r == 1;
    if (r != 1)
      printf("%s caught it as %s, field %#lx\n", lib[i].name,
             r == 2 ? "Big" : "nothing", (unsigned long)beyond);
    if (r == 2)
      printf("ATTACK SUCCEEDED: %s's catch (Big &) took a Small\n",
             lib[i].name);
  }
  printf("%d of %d caught it as Small\n", smalls, libs);
  printf("app %d done\n", app_get());
  return 0;
}
