#!/bin/sh
# Benchmark (not a test): what the system-call filter and its supervisor
# (issue 12, docs/hardening.md) cost, measured natively (a filter needs no
# PKU, but the programs have a compartment, so the runtime needs pkeys:
# without them this benchmark says SKIPPED). In one run:
#   - calls.c built with the filter (the default), with
#     -fno-pkey-syscall-filter (which keeps a seccomp filter of one rule,
#     rseq refused, so its calls take the kernel's seccomp entry too) and
#     plainly (no compartment, no runtime, no seccomp); the three alternate
#     ROUNDS times and each row prints the median ns per call of each build
#     and what the filter adds over the plain build;
#   - a real workload: zlib's own minigzip with zlib as a compartment
#     (examples/zlib/build.sh), compressing and decompressing a 32 MiB file,
#     linked both ways, alternating, best of ROUNDS.
# Targets (issue 12): <= 60 ns added per common call; <= 2% on the workload.
# Usage: bench/syscalls/run.sh [BIN] [--vm]   (BIN: bulkhead-clang's directory)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/bin}
rounds=${BENCH_ROUNDS:-3}
if [ "${2:-}" = --vm ]; then
  echo "syscalls: SKIPPED: not measured under --vm (emulated timings mean nothing)"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-syscalls.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

"$bin/bulkhead-clang" -O1 "$root/test/pku-probe.c" -o "$work/probe" || exit 1
if [ "$("$work/probe")" != "pku: yes" ]; then
  echo "syscalls: SKIPPED: no protection keys here, so no filtered program starts"
  exit 0
fi
cc="$bin/bulkhead-clang -fpkey-compartments -O2"
$cc "$here/calls.c" -o "$work/calls-on" &&
  $cc -fno-pkey-syscall-filter "$here/calls.c" -o "$work/calls-off" &&
  "$bin/bulkhead-clang" -O2 -I"$root/include" "$here/calls.c" -o "$work/calls-plain" ||
  { echo "syscalls: build failed" >&2; exit 1; }
head -c 65536 /dev/urandom > "$work/file"

i=0
while [ $i -lt "$rounds" ]; do
  for b in on off plain; do
    BENCH_FILE="$work/file" "$work/calls-$b" 5 20 | sed "s/^/$b /" >> "$work/rows" ||
      { echo "syscalls: calls-$b failed" >&2; exit 1; }
  done
  i=$((i + 1))
done
echo "system calls, median of $rounds runs of each build (each run: median of 5 loops of >= 20 ms):"
printf '%-18s %12s %12s %12s %12s\n' call "filter ns" "opt-out ns" "plain ns" "added ns"
median() {
  awk -v b="$1" -v r="$2" '$1 == b && $2 == r { print $3 }' "$work/rows" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
for row in getpid read-4k mmap-munmap-64k openat-close dlopen-dlclose sbrk-64k; do
  awk -v r="$row" -v a="$(median on "$row")" -v o="$(median off "$row")" \
    -v p="$(median plain "$row")" \
    'BEGIN { printf "%-18s %12.1f %12.1f %12.1f %+12.1f\n", r, a, o, p, a - p }'
done
echo "target: <= 60 ns added per common call (getpid, read, mmap+munmap, openat+close)"

# The workload.
if ! BULKHEAD_ZLIB_CACHE=${BULKHEAD_ZLIB_CACHE:-$root/build/casestudy-cache} \
    "$root/examples/zlib/build.sh" "$bin/bulkhead-clang" "$work/zlib" >/dev/null 2>&1; then
  echo "syscalls: workload SKIPPED: zlib could not be fetched or built"
  exit 0
fi
z=$work/zlib/zlib
for b in on off; do
  flag=""; [ $b = off ] && flag=-fno-pkey-syscall-filter
  $cc $flag -w -I"$z" "$z/test/minigzip.c" "$z/libz.a" -o "$work/minigzip-$b" ||
    { echo "syscalls: minigzip build failed" >&2; exit 1; }
done
# Compressible input: text repeated with variation.
i=0
while [ $i -lt 64 ]; do cat "$root"/docs/*.md; i=$((i + 1)); done | head -c 33554432 > "$work/input"
now() { date +%s%N; }
best_on="" best_off=""
i=0
while [ $i -lt "$rounds" ]; do
  for b in on off; do
    s=$(now)
    "$work/minigzip-$b" -c "$work/input" > "$work/input.gz" &&
      "$work/minigzip-$b" -d -c "$work/input.gz" > "$work/output" &&
      cmp -s "$work/input" "$work/output" || { echo "syscalls: minigzip-$b failed" >&2; exit 1; }
    t=$(( $(now) - s ))
    if [ $b = on ]; then
      [ -z "$best_on" ] || [ "$t" -lt "$best_on" ] && best_on=$t
    else
      [ -z "$best_off" ] || [ "$t" -lt "$best_off" ] && best_off=$t
    fi
  done
  i=$((i + 1))
done
echo "workload: minigzip (zlib as a compartment) compress + decompress of 32 MiB, best of $rounds:" \
  "filter $((best_on / 1000000)) ms, no filter $((best_off / 1000000)) ms," \
  "$(awk -v a="$best_on" -v b="$best_off" 'BEGIN { printf "%+.2f%% (target <= 2%%)", 100 * (a - b) / b }')"
