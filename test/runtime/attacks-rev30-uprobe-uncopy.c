// Review 30, attacker model B (the default domain's program counter, any
// system call the filter allows), as root: the start-up copies
// (supervisor-own.c; root may write every file, so every start-up
// library's pages are written back through /proc/self/mem and become
// anonymous) are taken back by the kernel itself. A uprobe on the
// library's file, once enabled and disabled, leaves the page where it sat
// the page cache's again: on removal the kernel compares the restored
// page with the file's and, identical, drops the process's copy and maps
// the file's page (uprobe_write_opcode; seen on the guest's Linux 6.1).
// The filter refuses perf_event_open (perf's uprobes) and bpf, but the
// same uprobes are made by writing tracefs files: uprobe_events and the
// event's enable, plain opens of regular files in tracefs, which the
// supervisor lets through (it judges procfs objects only). The filter
// refuses madvise, munmap and mremap on the library's span, and the
// supervisor the truncations that drop copies, but nothing drops them
// through the tracer. Then root writes the library's file, and the write
// is code in the process, after every scan.
//
// Here the launcher only mounts tracefs where a system has it
// (/sys/kernel/tracing; the guest mounts none) and runs the program, as
// root. main adds "p:rev30/lib LIB:OFFSET" for the library's function,
// enables and disables the event and removes it, opens the library's file
// for writing, pwrite()s WRPKRU; RET over the function at its file offset
// and calls it with eax = ecx = edx = 0: every key opens and the vault's
// secret reads (ATTACK SUCCEEDED). The control does without the
// probe and the write, and calls the function as built (7); the write
// without the probe reaches the file only (the copy holds, the vault's
// read faults).
//
// A second way (xol), with the copy left whole: the kernel executes a
// probed instruction out of line, in the "[uprobes]" page it maps
// executable in the process when a probe is hit (after every walk of
// /proc/self/maps), and takes that instruction from the file when the
// probe is made. Root writes WRPKRU into the file over the function's
// first instruction (the copy keeps the old bytes), puts a probe there
// and calls the function with eax = ecx = edx = 0: the INT3 in the copy
// sends the kernel to step the file's WRPKRU, which resumes at the
// copy's next instruction, and every key is open.
//
// Seen in the guest (root): the page anonymous before the probe, not
// after it; ATTACK SUCCEEDED; control: library says 7; the write alone:
// protection-key fault; xol: the page still anonymous with the probe,
// ATTACK SUCCEEDED.
//
// Any uprobe's removal does the same, whoever made it: an administrator's
// profiler probing a library the process may write gives its pages back
// to the page cache too (not tried).
//
// Fixed for the program's own probes: the supervisor refuses opens for
// writing of tracefs and debugfs (and of other kernel settings), judged on
// the object opened (runtime/supervisor-open.c judge_write). Open: a probe
// someone else makes (an administrator's profiler) and removes still
// gives a copy back; mapping start-up objects from sealed memfd copies,
// as code mapped after start-up is, would close that.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev29-startup-lib.c -o %t/libstart.so
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -lstart -Wl,-rpath,%t -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog control > %t/control.out 2>&1
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog write > %t/write.out 2>&1; FileCheck --check-prefix=WRITE %s < %t/write.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog attack > %t/out 2>&1; FileCheck %s < %t/out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/prog xol > %t/xol.out 2>&1; FileCheck --check-prefix=XOL %s < %t/xol.out
// CONTROL: uid 0
// CONTROL: page anonymous before the probe: 1
// CONTROL: library says 7
// CONTROL-NOT: ATTACK SUCCEEDED
// WRITE: page anonymous before the probe: 1
// WRITE: file opened: 1, written: 4
// WRITE-NOT: ATTACK SUCCEEDED
// WRITE: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CHECK: uid 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: denied: open{{.*}}a kernel setting (sysctl, sysfs, tracefs, debugfs, binfmt_misc, cgroup v1) can have the kernel run a program or a probe outside the filter
// XOL: uid 0
// XOL-NOT: ATTACK SUCCEEDED
// XOL: bulkhead: denied: open{{.*}}a kernel setting (sysctl, sysfs, tracefs, debugfs, binfmt_misc, cgroup v1) can have the kernel run a program or a probe outside the filter
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef LAUNCHER
/* launch PROG ARGS...: tracefs where a system mounts it, then PROG. */
int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  mkdir("/sys/kernel/tracing", 0755);
  if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
    perror("mount tracefs");
  execv(argv[1], argv + 1);
  perror("execv");
  return 2;
}
#else
#include <bulkhead.h>
#include "Inputs/backing-file.h"
#include "Inputs/steal-secret.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

extern int (*volatile rev29_lib_code)(int);

/* Whether a's page is present and anonymous (/proc/self/pagemap). */
static int anonymous(uintptr_t a) {
  int fd = open("/proc/self/pagemap", O_RDONLY);
  uint64_t e = 0;
  int r = fd >= 0 && pread(fd, &e, 8, (off_t)(a / 4096 * 8)) == 8 &&
          (e >> 63 & 1) && !(e >> 61 & 1);
  if (fd >= 0)
    close(fd);
  return r;
}

static int put(const char *file, const char *text) {
  int fd = open(file, O_WRONLY | O_APPEND);
  int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  if (fd >= 0)
    close(fd);
  return ok;
}

/* WRPKRU's bytes, made at run time: the program holds no such bytes. */
static volatile unsigned char op = 0xee;

/* attack: the probe takes the copy back, then the file is written. */
static void uncopy(const char *path, long long off, void *code) {
  char probe[4200];
  snprintf(probe, sizeof probe, "p:rev30/lib %s:0x%llx\n", path, off);
  int added = put("/sys/kernel/tracing/uprobe_events", probe);
  int on = put("/sys/kernel/tracing/events/rev30/lib/enable", "1");
  int off_ = put("/sys/kernel/tracing/events/rev30/lib/enable", "0");
  int gone = put("/sys/kernel/tracing/uprobe_events", "-:rev30/lib\n");
  (void)*(volatile unsigned char *)code;
  printf("probe added %d, enabled %d, disabled %d, removed %d\n", added, on,
         off_, gone);
  printf("page anonymous after it: %d\n", anonymous((uintptr_t)code));
}

/* write (and attack): WRPKRU; RET over the function in the file. */
static void rewrite(const char *path, long long off) {
  int fd = open(path, O_RDWR);
  unsigned char bytes[4] = {0x0f, 0x01, (unsigned char)(op + 1), 0xc3};
  printf("file opened: %d, written: %ld\n", fd >= 0,
         fd < 0 ? -1L : (long)pwrite(fd, bytes, sizeof bytes, off));
}

/* xol: the function begins with lea (%rdi,%rdi,2), %eax (3 bytes).
 * WRPKRU goes in the file over it, and a probe there: the kernel steps the
 * file's instruction out of line and resumes at the copy's next one. */
static void out_of_line(const char *path, long long off, void *code) {
  unsigned char w[3] = {0x0f, 0x01, (unsigned char)(op + 1)};
  char probe[4200];
  int fd = open(path, O_RDWR);
  long n = fd < 0 ? -1 : (long)pwrite(fd, w, sizeof w, off);
  snprintf(probe, sizeof probe, "p:rev30/xol %s:0x%llx\n", path, off);
  int added = put("/sys/kernel/tracing/uprobe_events", probe);
  int on = put("/sys/kernel/tracing/events/rev30/xol/enable", "1");
  printf("file written: %ld, probe added %d, enabled %d\n", n, added, on);
  printf("page anonymous with the probe: %d\n", anonymous((uintptr_t)code));
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "control";
  setvbuf(stdout, NULL, _IONBF, 0); /* its lines before a refusal kept */
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  void *code = (void *)rev29_lib_code;
  char path[4096];
  long long off;
  if (backing((uintptr_t)code, path, sizeof path, &off))
    return 1;
  (void)*(volatile unsigned char *)code; /* present */
  printf("page anonymous before the probe: %d\n", anonymous((uintptr_t)code));
  if (!strcmp(mode, "control")) {
    printf("library says %d\n", rev29_lib_code(2));
    return 0;
  }
  if (!strcmp(mode, "xol"))
    out_of_line(path, off, code);
  else {
    if (!strcmp(mode, "attack"))
      uncopy(path, off, code);
    rewrite(path, off);
  }
  fflush(stdout);
  steal_secret(code, secret);
  return 0;
}
#endif
