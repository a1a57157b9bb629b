// Review 34, attacker model B (the default domain's program counter, any
// system call the filter allows), as a user that is not root (nobody), or
// root without CAP_SYS_PTRACE. The supervisor reads an open's path from
// the caller's memory (process_vm_readv). When that read fails with
// EPERM it takes the caller for a process that is not ours and lets the
// call go on in the kernel, unjudged (runtime/supervisor-open.c
// bh_open_as_caller: "by the same rule it cannot open our memory
// either"). But ptrace access is not symmetric: a caller that made
// itself not dumpable (prctl(PR_SET_DUMPABLE, 0), refused only for our
// process) is closed to a supervisor without CAP_SYS_PTRACE, while it
// keeps its own access to every dumpable process of its user, ours
// included. Since af7c057 such a hidden caller counts as ours only if
// its text size (VmExe) is ours: a program it execve'd has another.
//
// Here main forks a child that execve's HELPER
// (Inputs/rev34-hidden-mem-writer.c, a plain program: not our process),
// which calls prctl(PR_SET_DUMPABLE, 0) and opens /proc/<main>/mem for
// reading and writing. The open goes on in the kernel: the helper reads
// the vault's secret (protection keys do not apply there) and writes
// into the vault; main's vault then says its secret is 2 bytes long. Any
// byte of main (its code too) could be written the same way. The control
// (the helper stays dumpable) is refused by judge: "denied: open
// .../mem".
//
// Seen in the guest as nobody (setpriv --reuid=65534; the guest runs the
// host's kernel, 6.18, no Yama; with Yama's ptrace_scope 1 the helper,
// a child of main, could not open its parent's mem, but a process of
// ours forked before main ran the helper with execve could still be
// reached: reasoned, not run): ATTACK SUCCEEDED.
//
// Suggested fix: answer an unreadable caller's open from something that
// does not depend on the caller's dumpability: refuse it (EPERM) unless
// the path can be judged, or have the supervisor open the path from the
// caller's root without reading the caller's memory being possible
// (it cannot), i.e. refuse every open of a caller the supervisor cannot
// read; or refuse prctl(PR_SET_DUMPABLE, 0) (and id changes that end
// dumpability) for every process under the filter, not only ours.
// Fixed: PR_SET_DUMPABLE other than 1 is answered EPERM for a process
// that is not ours too (runtime/supervisor.c); the helper stays readable
// and judge refuses its open. Review 35 (reasoned): a program run from a
// file its user may not read is not dumpable from its execve on; the
// supervisor now refuses (EPERM) every open it cannot read, of a process
// not ours too ("unreadable": ATTACK SUCCEEDED before, seen in the guest;
// now even its loader's opens are refused, so such a program cannot run
// under the filter: a false refusal, for files their user may not read).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/rev34-hidden-mem-writer.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups %t/prog dumpable %t/helper > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups %t/prog hidden %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// RUN: FileCheck %s --check-prefix=REFUSED < %t/out
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper:/usr/bin/setpriv:/lib/x86_64-linux-gnu/libcap-ng.so.0:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /bin/sh -c 'cp %t/helper /tmp/xo-helper && chmod 0111 /tmp/xo-helper && exec /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups %t/prog unreadable /tmp/xo-helper' > %t/unreadable.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=UNREADABLE < %t/unreadable.out
// RUN: not grep -q 'ATTACK SUCCEEDED' %t/unreadable.out
// UNREADABLE: uid 65534
// UNREADABLE: vault says 20
// UNREADABLE: vault says 20
// REFUSED: helper: prctl(PR_SET_DUMPABLE, 0): Operation not permitted
// REFUSED: helper: open /proc/PID/mem: Operation not permitted
// CONTROL: uid 65534
// CONTROL: helper: dumpable 1
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: vault says 20
// CHECK: uid 65534
// CHECK: helper: dumpable 1
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

/* "unreadable": HELPER is a copy its user may run but not read, not
 * dumpable from its execve on, whatever PR_SET_DUMPABLE answers (review
 * 35); it runs as "dumpable" does. */
#include "Inputs/vault-helper.h"
