// Review 37, attacker model B (the default domain's program counter, any
// system call the filter allows), as root (CAP_SYS_ADMIN in the initial
// mount namespace). Review 36 (commit 1ffb875) judges a procfs file's
// name against an O_PATH descriptor of /proc taken before main
// (proc_name); but the name itself is read through the path
// "/proc/self/fd/<n>", and everything else the supervisor knows of a
// caller comes from paths under "/proc" too, looked up in its mount
// namespace at each call: who the caller is and its process
// (/proc/<tid>/status: Tgid, ids, groups, umask), its root and working
// directory (/proc/<tid>/root, cwd), whether a process is ours
// (/proc/<pid>/stat, status VmExe). Mounts are let through for programs
// not ours, and a program that does not unshare shares the supervisor's
// mount namespace.
//
// Here main forks a child that execve's HELPER
// (Inputs/rev37-fake-proc.c, a plain program, not our process): its plain
// open of /proc/<main>/mem is refused (the control). It binds the real
// /proc elsewhere, fills a tmpfs with its own status saying Tgid <main>,
// a root link to "/", a stat of main's that is not ours' record, and
// links self/fd/0..255 all reading "/proc/<main>/mem", and binds it over
// /proc. Its open of <bind>/<main>/mem is then opened by the supervisor
// (root) and judged: the name read back is "/proc/<main>/mem", which
// proc_name finds to be the very file under the real /proc; the caller's
// process is "main", and main is "not ours": a caller's own memory file
// after execve, let through. The vault's secret is read through it.
//
// Seen in the guest (root, Debian's 6.1.0-57): ATTACK SUCCEEDED (review 37,
// one boot with the three rev37 attacks, built by hand as these RUN lines do).
//
// Suggested fix: every /proc path the supervisor reads goes through
// proc_root (openat(proc_root, "<tid>/status"), "thread-self/fd/<n>"
// for the name: relative to the descriptor, never through the mount
// namespace's /proc), with RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS where no
// link is meant; and the caller's own links (root, cwd, fd/<n>) through
// proc_root as well. Or refuse mount calls to every process under the
// filter that shares the supervisor's mount namespace.
//
// Fixed: no process under the filter may mount: the supervisor answers
// the mount calls EPERM to programs not ours, as they stopped ours
// (runtime/supervisor.c).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/rev37-fake-proc.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper: plain open of /proc/<main>/mem: Operation not permitted
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#include "Inputs/vault-helper.h"
