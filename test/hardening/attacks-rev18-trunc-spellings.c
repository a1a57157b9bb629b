// Review 18 (attacker model B, root): more spellings of a truncation of a
// file whose pages are the process's own copies (a library loaded before
// main that root could change: bh_own_startup_pages), beyond those of
// attacks-truncate-spellings.c and attacks-rev16-handle-trunc.c. A
// truncation drops the copies (truncate_pagecache: even_cows), and the
// next access reads the file again. Each attack below truncates by another
// road, then (if its process still lives) writes the file back with
// WRPKRU; ret over startup_lib_fn's first bytes and jumps there with
// eax = ecx = edx = 0: "ATTACK SUCCEEDED" if the vault's page reads.
//   proc-self-fd, dev-fd, proc-pid-fd: a read-only descriptor of the file
//     opened again, O_TRUNC, through its /proc or /dev/fd link;
//   map-files: /proc/self/map_files/<range> of the code mapping, O_TRUNC;
//   pidfd-getfd: a fork's descriptor open for writing, taken with
//     pidfd_getfd, then ftruncate;
//   scm-rights: a descriptor sent to ourselves over a socket, ftruncate;
//   handle-ftruncate: open_by_handle_at without O_TRUNC, then ftruncate;
//   hard-link: truncate(2) of a second name of the same file;
//   punch-hole, zero-range: fallocate's hole and zeroing (the kernel keeps
//     private copies there: truncate_pagecache_range without even_cows).
// Held in the PKU guest: none succeeds (the supervisor judges the file it
// gets, not the name; every descriptor's truncation is ftruncate's).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O2 -fPIC -shared %S/Inputs/startup-lib.c -o %t/libsl.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -lsl -Wl,-rpath,%t -o %t/prog
// RUN: %run %t/prog %t/libsl.so > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: == proc-self-fd
// CHECK: == zero-range
// CHECK: parent's vault intact: 1
// CHECK: library's code intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"
#include <dlfcn.h>
#include <libgen.h>
#include <link.h>
#include <linux/falloc.h>
#include <sys/prctl.h>
#include <sys/socket.h>

int startup_lib_fn(int x);

static const char *lib_path;
static unsigned char *fn_addr; /* the library's (dlsym: not a PLT entry) */
static unsigned char first;
static unsigned char file[1 << 20];
static ssize_t file_size;
static uintptr_t fn_off = (uintptr_t)-1;

static int find(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  uintptr_t fn = (uintptr_t)fn_addr;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && fn >= lo && fn < lo + ph->p_filesz &&
        strstr(info->dlpi_name, "libsl.so")) {
      fn_off = fn - lo + ph->p_offset;
      return 1;
    }
  }
  return 0;
}

/* After a truncation that let its caller live: the file written back
 * with the attacker's code, the jump, and the file put back as it was. */
static void after(const char *how, long r) {
  printf("%s: %ld (%s)\n", how, r, r < 0 ? strerror(errno) : "-");
  fflush(stdout);
  int w = open(lib_path, O_WRONLY);
  unsigned char code[4];
  wrpkru_ret(code);
  static unsigned char evil[1 << 20];
  memcpy(evil, file, (size_t)file_size);
  memcpy(evil + fn_off, code, 4);
  if (w < 0 || pwrite(w, evil, (size_t)file_size, 0) != file_size) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  volatile unsigned char *fn = fn_addr;
  printf("code shows the write: %d\n", fn[0] == 0x0f && fn[1] == 0x01);
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(fn_addr, out);
  report_read(how, out);
  if (pwrite(w, file, (size_t)file_size, 0) != file_size)
    printf("setup: %s\n", strerror(errno));
  close(w);
}

static void reopen(const char *fmt) {
  int r = open(lib_path, O_RDONLY);
  char p[128];
  snprintf(p, sizeof p, fmt, fmt[6] == '%' ? getpid() : r, r);
  after(p, open(p, O_WRONLY | O_TRUNC));
}
static void by_proc_self_fd(void) { reopen("/proc/self/fd/%d"); }
static void by_dev_fd(void) { reopen("/dev/fd/%d"); }
static void by_proc_pid_fd(void) { reopen("/proc/%d/fd/%d"); }

static void by_map_files(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[4096], p[128] = "";
  uintptr_t fn = (uintptr_t)fn_addr;
  while (f && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= fn && fn < hi)
      snprintf(p, sizeof p, "/proc/self/map_files/%lx-%lx", lo, hi);
  }
  if (f)
    fclose(f);
  after(p, open(p, O_WRONLY | O_TRUNC));
}

static void by_pidfd_getfd(void) {
  int w = open(lib_path, O_RDWR);
  pid_t parent = getpid(), c = fork();
  if (c == 0) {
    /* Ends with its parent, which pidfd_getfd's refusal stops before the
     * kill below: a child left behind kept the guest up to its timeout. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(0);
    pause();
    _exit(0);
  }
  close(w);
  int pfd = (int)syscall(SYS_pidfd_open, c, 0);
  int got = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, w, 0);
  printf("taken: %d\n", got >= 0);
  kill(c, SIGKILL);
  waitpid(c, NULL, 0);
  after("pidfd_getfd then ftruncate", ftruncate(got, 0));
}

static void by_scm_rights(void) {
  int sv[2], w = open(lib_path, O_RDWR);
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
    return;
  char c = 'x', buf[CMSG_SPACE(sizeof(int))];
  struct iovec io = {&c, 1};
  struct msghdr m = {0};
  m.msg_iov = &io, m.msg_iovlen = 1, m.msg_control = buf, m.msg_controllen = sizeof buf;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
  cm->cmsg_level = SOL_SOCKET, cm->cmsg_type = SCM_RIGHTS, cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &w, sizeof w);
  if (sendmsg(sv[0], &m, 0) != 1)
    return;
  close(w);
  memset(buf, 0, sizeof buf);
  if (recvmsg(sv[1], &m, 0) != 1)
    return;
  int got = -1;
  memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof got);
  after("SCM_RIGHTS then ftruncate", ftruncate(got, 0));
}

static void by_handle_ftruncate(void) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", lib_path);
  int mnt = open(dirname(dir), O_RDONLY | O_DIRECTORY), mount_id;
  struct {
    struct file_handle h;
    unsigned char b[MAX_HANDLE_SZ];
  } fh;
  fh.h.handle_bytes = MAX_HANDLE_SZ;
  if (mnt < 0 || name_to_handle_at(AT_FDCWD, lib_path, &fh.h, &mount_id, 0)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  int t = open_by_handle_at(mnt, &fh.h, O_RDWR);
  printf("opened by handle: %d\n", t >= 0);
  after("open_by_handle_at then ftruncate", ftruncate(t, 0));
}

static void by_hard_link(void) {
  char p[4096];
  snprintf(p, sizeof p, "%s.link", lib_path);
  unlink(p);
  printf("linked: %d\n", !link(lib_path, p));
  after("truncate of a hard link", truncate(p, 0));
}

static void by_punch_hole(void) {
  int w = open(lib_path, O_RDWR);
  after("fallocate punch hole",
        fallocate(w, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, file_size));
}
static void by_zero_range(void) {
  int w = open(lib_path, O_RDWR);
  after("fallocate zero range", fallocate(w, FALLOC_FL_ZERO_RANGE, 0, file_size));
}

int main(int argc, char **argv) {
  if (argc < 2 || getuid() != 0)
    return 2;
  lib_path = argv[1];
  fn_addr = dlsym(RTLD_DEFAULT, "startup_lib_fn");
  if (!fn_addr)
    return 2;
  first = *(volatile unsigned char *)fn_addr;
  dl_iterate_phdr(find, NULL);
  int r = open(lib_path, O_RDONLY);
  file_size = r < 0 ? -1 : read(r, file, sizeof file);
  if (file_size <= 0 || fn_off == (uintptr_t)-1)
    return 2;
  close(r);
  struct attack a[] = {{"proc-self-fd", by_proc_self_fd},
                       {"dev-fd", by_dev_fd},
                       {"proc-pid-fd", by_proc_pid_fd},
                       {"map-files", by_map_files},
                       {"pidfd-getfd", by_pidfd_getfd},
                       {"scm-rights", by_scm_rights},
                       {"handle-ftruncate", by_handle_ftruncate},
                       {"hard-link", by_hard_link},
                       {"punch-hole", by_punch_hole},
                       {"zero-range", by_zero_range}};
  int rc = run_attacks(a, sizeof a / sizeof *a);
  fflush(stdout);
  printf("library's code intact: %d\n",
         *(volatile unsigned char *)fn_addr == first && startup_lib_fn(2) == 7);
  return rc;
}
