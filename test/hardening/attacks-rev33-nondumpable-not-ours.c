// Review 33, attacker model B (the default domain's program counter, any
// system call the filter allows), as root without CAP_SYS_PTRACE (a
// container's root: Docker's default capability set has CAP_SETUID but
// not CAP_SYS_PTRACE). The supervisor tells our process from a program
// run with execve by /proc/<pid>/stat's start_code, start_brk, arg_start
// and env_start (bh_task_ident). The kernel shows those only to a reader
// with ptrace read access: for a process that is not dumpable and a
// reader without CAP_SYS_PTRACE it shows start_code 1 and the others 0,
// which is neither our record nor all zeros: "not ours".
// prctl(PR_SET_DUMPABLE, 0) is refused, but a change of the file-system
// user id makes the process not dumpable as well (commit_creds sets
// fs.suid_dumpable, 0 by default), and setfsuid is let through.
//
// Here main, root without CAP_SYS_PTRACE, calls setfsuid(65534) and
// setfsuid(0): same rights, no longer dumpable. Then it opens
// /proc/self/mem for writing and gets it: the vault's secret is read
// through it (protection keys do not apply there), and any page could be
// written. Which of two ways the supervisor took was not looked at
// (reasoned from the code): process_vm_readv of the path needs the same
// access, so it fails with EPERM, the caller reads as "not ours", and the
// call goes on in the kernel (CONTINUE), which allows a process its own
// mem file; had the path been read, judge (since 78180ae) lets the
// caller's own mem through once it is not ours. The same run without the
// setfsuid (dumpable) is refused.
// Root with CAP_SYS_PTRACE is not affected (the supervisor then reads
// through), nor is a user that is not root (no way to stop being
// dumpable but the refused prctl).
//
// Seen in the guest (root, CAP_SYS_PTRACE dropped from the bounding set by
// setpriv; the guest runs the host's kernel, 6.18; /proc/<pid>/stat shows
// these fields the same way in 6.1): ATTACK SUCCEEDED, and only at exit
// did the runtime stop ("did not record a compartment stack's owner": the
// supervisor could not write the stack-owner table of a process it cannot
// read either). The same run without the setfsuid: "denied: openat ...
// /proc/self/mem", process killed.
//
// Suggested fix: a process whose memory or identity the supervisor cannot
// read is ours until shown otherwise (the caller's own record of "not
// ours" should come from something the kernel shows regardless of
// dumpability, e.g. kcmp(KCMP_VM) against a task of ours kept for the
// purpose, or the exec count: a pidfd taken at fork and
// /proc/<pid>/stat's starttime with the binary's device and inode from
// /proc/<pid>/exe's stat); refuse setfsuid/setfsgid/setres*id changes that
// end dumpability for our process, or answer EPERM to every call of a
// process that is not dumpable, as the supervisor cannot judge it.
// Fixed: a hidden record counts as ours when the process's text size
// (/proc/<pid>/status VmExe, shown to every reader, changed only by
// execve) is ours (runtime/supervisor.c bh_ident_is_ours); the open is
// refused and the process stops (its line cannot reach its stderr: the
// supervisor's pidfd_getfd needs the same access).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /usr/bin/setpriv --bounding-set=-sys_ptrace %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// RUN: env BULKHEAD_VM_FILES=%t/prog:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /usr/bin/setpriv --bounding-set=-sys_ptrace %t/prog dumpable > %t/keep.out 2>&1 || true
// RUN: FileCheck --check-prefix=KEEP %s < %t/keep.out
// CONTROL: uid 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CHECK: uid 0, CAP_SYS_PTRACE 0
// CHECK: dumpable 0
// CHECK-NOT: ATTACK SUCCEEDED
// KEEP: uid 0, CAP_SYS_PTRACE 0
// KEEP: dumpable 1
// KEEP-NOT: ATTACK SUCCEEDED
// KEEP: bulkhead: denied: open{{.*}}/mem
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

/* Bit 19 of CapEff in /proc/self/status. */
static int has_sys_ptrace(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  unsigned long long eff = 0;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "CapEff:", 7))
      eff = strtoull(line + 7, NULL, 16);
  if (f)
    fclose(f);
  return (int)((eff >> 19) & 1);
}

int main(int argc, char **argv) {
  /* Unbuffered: the runtime may end the process at exit (a request the
   * supervisor cannot serve for a process it cannot read). */
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("uid %d, CAP_SYS_PTRACE %d\nvault says %d\n", (int)getuid(),
         has_sys_ptrace(), vault_len());
  fflush(stdout);
  if (argc < 2)
    return 2;
  static char copy[32];
  if (!strcmp(argv[1], "control")) {
    memcpy(copy, secret, 31); /* faults: the vault is closed here */
    printf("read directly: %s\n", copy);
    return 0;
  }
  if (strcmp(argv[1], "dumpable")) {
    syscall(SYS_setfsuid, 65534);
    syscall(SYS_setfsuid, 0);
  }
  printf("dumpable %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
  fflush(stdout);
  int mem = open("/proc/self/mem", O_RDWR);
  int err = errno;
  printf("open of /proc/self/mem: %d (%s)\n", mem,
         mem < 0 ? strerror(err) : "ok");
  char buf[32] = {0};
  long n = mem < 0 ? -1 : (long)pread(mem, buf, 31, (off_t)(long)secret);
  if (n > 0 && !strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: the vault's secret through our own mem "
           "file: %s\n",
           buf);
  printf("main: done\n");
  return 0;
}
