#!/bin/sh
# run.sh - build and run the Bulkhead benchmarks.
#
# Usage: bench/run.sh [--vm] [--only NAME] [BIN] [-- BENCH-ARGS...]
#   BIN   bulkhead-clang itself or the directory holding it; default
#         $BULKHEAD_PREFIX/bin, else build/bin under the repository root.
#   --vm  run inside the QEMU guest with emulated PKU (test/vm/pku-vm-run).
#         That shows the PKU rows work, but TCG emulation timings are NOT
#         hardware timings: ratios measured there say nothing about the target.
#   --only NAME  run one benchmark: gate (both gate rows) or a directory
#         under bench/ (test/bench/builds.test uses it to check they build).
#   BENCH-ARGS are passed to each benchmark (gate: [REPS [MIN_MS]]).
#
# Natively on a machine without protection keys the benchmark still runs
# (with BULKHEAD_ALLOW_UNPROTECTED=1, so the runtime lets it start) and
# measures only what needs no PKU; the PKU rows say "not measured (no PKU
# on this CPU)". Everywhere, the gate benchmark is also built with no-op
# WRPKRU stand-ins and run natively: what Bulkhead's own instructions add
# to a plain call, the hardware's WRPKRU cost excluded (bench/README.md).
#
# Another benchmark joins by providing bench/<name>/run.sh, called as
# `run.sh BIN [--vm]`.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
vm=0
only=""
bin=""
while [ $# -gt 0 ]; do
  case $1 in
    --vm) vm=1 ;;
    --only) shift; only=${1:-} ;;
    --) shift; break ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) bin=$1 ;;
  esac
  shift
done
if [ -n "$only" ] && [ "$only" != gate ] && [ ! -x "$root/bench/$only/run.sh" ]; then
  echo "bench/run.sh: error: no benchmark '$only' (gate, or a directory of bench/ with run.sh)" >&2
  exit 2
fi
bin=${bin:-${BULKHEAD_PREFIX:+$BULKHEAD_PREFIX/bin}}
bin=${bin:-$root/build/bin}
if [ -d "$bin" ]; then cc=$bin/bulkhead-clang; else cc=$bin; fi
if [ ! -x "$cc" ]; then
  echo "bench/run.sh: error: no bulkhead-clang at $cc (build first, or pass its path)" >&2
  exit 2
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-bench.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT

"$cc" -O1 "$root/test/pku-probe.c" -o "$out/pku-probe" || exit 2
pku=$("$out/pku-probe")

if [ $vm -eq 1 ]; then
  run="$root/test/vm/pku-vm-run --env BULKHEAD_BENCH_EMULATED=1 --"
  echo "=== running inside the QEMU TCG guest with emulated PKU ==="
  echo "=== EMULATED TIMINGS: not hardware timings; ratios here do not evaluate the target ==="
elif [ "$pku" = "pku: yes" ]; then
  run=""
  echo "=== protection keys available: running natively on this CPU ==="
else
  run="env BULKHEAD_ALLOW_UNPROTECTED=1"
  echo "=== protection keys NOT available natively ($pku) ==="
  echo "=== only rows that need no PKU are measured; use a PKU machine for the target (or --vm to see the rows work, emulated) ==="
fi

status=0
wanted() { [ -z "$only" ] || [ "$only" = "$1" ]; }
if wanted gate; then
echo
echo "##### bench: gate"
# The stack-switching rows' loops are their own translation unit, built
# with per-compartment stacks (the default); the other rows are built
# without, so that their gates sit inline. shared.c is built without
# Bulkhead: shared code, as a library would be. A compartment has one stack
# mode in a link, so the stack-switching rows call the same target.c built
# again as compartment gatestacks (-DGATE_STACKS, target.h).
# Without the system-call filter: the pkey_set row allocates a spare key
# after main, which the filter refuses (bench/syscalls measures the filter). The raw WRPKRU row is a PKRU writer on
# purpose: allowed in asm, and the link is not scanned.
if "$cc" -O2 -Wall -c "$root/bench/gate/shared.c" -o "$out/shared.o" &&
    "$cc" -fpkey-compartments -fpkey-compartment-stacks -O2 -Wall -c \
      "$root/bench/gate/gate_stacks.c" -o "$out/gate_stacks.o" &&
    "$cc" -fpkey-compartments -fpkey-compartment-stacks -O2 -Wall -c \
      -DGATE_STACKS "$root/bench/gate/target.c" -o "$out/target_stacks.o" &&
    "$cc" -fpkey-compartments -fno-pkey-compartment-stacks -O2 -Wall \
      -fno-pkey-syscall-filter \
      -fpkey-asm-allow="$root/bench/gate/asm-allow" -fno-pkey-link-scan \
      "$out/gate_stacks.o" "$out/target_stacks.o" "$root/bench/gate/gate.c" \
      "$root/bench/gate/target.c" "$out/shared.o" -o "$out/bench-gate"; then
  $run "$out/bench-gate" "$@" || status=1
else
  echo "bench/run.sh: gate: build failed" >&2
  status=1
fi

echo
echo "##### bench: gate, no-op WRPKRU (Bulkhead's own instructions, hardware WRPKRU cost excluded)"
# The same gates with each WRPKRU/RDPKRU a 3-byte stand-in, linked with the
# bench-only runtime (build tree only): they run on any CPU, always
# natively. Such a binary protects nothing and fails bulkhead-scan, hence
# -fno-pkey-link-scan.
nop="--bulkhead-bench-nop-wrpkru -DBENCH_NOP_WRPKRU"
if "$cc" -fpkey-compartments $nop -fpkey-compartment-stacks -O2 -Wall -c \
      "$root/bench/gate/gate_stacks.c" -o "$out/gate_stacks_nop.o" &&
    "$cc" -fpkey-compartments $nop -fpkey-compartment-stacks -O2 -Wall -c \
      -DGATE_STACKS "$root/bench/gate/target.c" -o "$out/target_stacks_nop.o" &&
    "$cc" -fpkey-compartments $nop -fno-pkey-compartment-stacks -O2 -Wall \
      -fno-pkey-link-scan "$out/gate_stacks_nop.o" "$out/target_stacks_nop.o" \
      "$root/bench/gate/gate.c" \
      "$root/bench/gate/target.c" "$out/shared.o" -o "$out/bench-gate-nop"; then
  env BULKHEAD_ALLOW_UNPROTECTED=1 "$out/bench-gate-nop" "$@" || status=1
else
  echo "bench/run.sh: gate, no-op WRPKRU: build failed (libbulkhead_rt_nopkru.a is in" \
       "a build tree only, never installed: pass build/bin)" >&2
  status=1
fi
fi

for script in "$root"/bench/*/run.sh; do
  [ -x "$script" ] || continue
  name=$(basename "$(dirname "$script")")
  wanted "$name" || continue
  echo
  echo "##### bench: $name"
  if [ $vm -eq 1 ]; then "$script" "$bin" --vm; else "$script" "$bin"; fi || status=1
done
exit $status
