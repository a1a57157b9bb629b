#!/bin/sh
# Benchmark (not a test): what a hardened program's start-up costs,
# natively. Two parts:
#  - starts: the process start-to-end time of minimal.c (one compartment)
#    built hardened (bulkhead-clang -fpkey-compartments, the default),
#    with the opt-out -fno-pkey-syscall-filter, and by plain clang,
#    alternating. Without PKU on the CPU the runtime runs unprotected
#    (BULKHEAD_ALLOW_UNPROTECTED=1): no keys, no start-up copies, no
#    scans, no filter, no supervisor, no prepared heaps. The rows say so.
#  - scans: the runtime's three searches for PKRU writes, its two walks of
#    /proc/self/maps and its comparison of the program's code with its
#    file, called in fresh processes (scans.c): these need no PKU.
# Usage: bench/startup/run.sh [BIN] [--vm]   (BIN: bulkhead-clang's
# directory; BENCH_REPS processes each, default 500 starts and 200 scans)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/bin}
if [ "${2:-}" = --vm ]; then
  echo "startup: SKIPPED: not measured under --vm (emulated timings mean nothing)"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-startup.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
# Without -fpkey-compartments bulkhead-clang is its pinned clang: the
# plain build, and the timer's.
cc="$bin/bulkhead-clang -O2"
bh="$cc -fpkey-compartments"
if ! { $bh "$here/minimal.c" -o "$work/hardened" &&
    $bh -fno-pkey-syscall-filter "$here/minimal.c" -o "$work/no-filter" &&
    $cc -I"$root/include" "$here/minimal.c" -o "$work/plain" &&
    $cc "$here/starts.c" -o "$work/starts" &&
    $bh "$here/scans.c" -o "$work/scans"; }; then
  echo "startup: build failed" >&2
  exit 1
fi
$cc "$root/test/pku-probe.c" -o "$work/probe" || exit 1
echo "startup: $("$work/probe"); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# With PKU the variable changes nothing: the runtime reads it only when
# it can allocate no key.
env BULKHEAD_ALLOW_UNPROTECTED=1 "$work/starts" "${BENCH_REPS:-500}" \
  "hardened=$work/hardened" "-fno-pkey-syscall-filter=$work/no-filter" \
  "plain clang=$work/plain" || { echo "startup: starts failed" >&2; exit 1; }
env LD_BIND_NOW=1 "$work/scans" "${BENCH_REPS:-200}" ||
  { echo "startup: scans failed" >&2; exit 1; }
echo "startup: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
