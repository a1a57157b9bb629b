// Review 36, attacker model B (the default domain's program counter, any
// system call the filter allows), as root (CAP_SYS_RAWIO, CAP_SYS_ADMIN).
// Review 35 (commit ac8c442) let a procfs file reached through a mount
// other than /proc through unless its mode is 0600 or it is opened for
// writing, on the belief that a memory file is 0600 (/proc/<pid>/mem).
// /proc/kcore is 0400: all of physical memory, through the direct map,
// where protection keys do not apply. judge refuses it by the name
// "/proc/kcore" only, and the name read back is the caller's to choose.
//
// Here main forks a child that execve's HELPER (Inputs/rev36-kcore-bind.c,
// a plain program, not our process, so mounts are let through): its open
// of /proc/kcore is refused (the control). It reads the physical page
// behind main's vault secret from /proc/<main>/pagemap (0400, through
// /proc itself: another process's non-mem file is let through, and the
// supervisor, root, opens it, so the frame numbers are shown), unshares a
// mount namespace and bind-mounts /proc/kcore on /tmp/k. The open of
// /tmp/k is judged: procfs, another mount, mode 0400, name "/tmp/k" (not
// "/proc/kcore", no "mem"): let through, and the direct map's segment
// holding that frame gives the vault's secret.
// A procfs mounted anywhere (mount -t proc) does the same as a bind.
//
// Seen in the guest (root, Debian's 6.1.0-57): ATTACK SUCCEEDED.
//
// Suggested fix: through a mount other than /proc, refuse every procfs
// file that is not under /proc/<pid>/ or /proc/sys (the container case),
// or at least kcore by its inode (stat /proc/kcore at start-up, compare
// st_dev/st_ino: a new procfs instance has its own st_dev, so also refuse
// a kcore-named inode there) and every file of mode 0400 as well as 0600
// (environ, auxv, pagemap are 0400); better, the planned O_PATH fd of
// /proc taken at start-up with the name resolved beneath it.
//
// Fixed (runtime/supervisor-open.c proc_name): a name counts only when the
// supervisor finds the very same file (device, inode) under it in its own
// /proc, opened before main, without crossing a mount; without a true
// name, writes and every file only its owner may open (0600, 0400) are
// refused. Here the open of /tmp/k was refused (seen in the guest).
// Since review 37 no process under the filter may mount
// (attacks-rev37-fake-proc.c): the helper is stopped at its first mount,
// and the names rule stays for mounts made outside the filter.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/rev36-kcore-bind.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper: plain open of /proc/kcore: Operation not permitted
// CHECK: helper: mount private: Operation not permitted
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#include "Inputs/vault-helper.h"
