#!/bin/sh
# Benchmark (not a test): what moving PLT jumps off writable GOT words
# costs at start-up (runtime/plt.c; docs/runtime.md), natively. Usage:
# bench/plt/run.sh [BIN] [--vm]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/bin}
reps=${BENCH_REPS:-50}
if [ "${2:-}" = --vm ]; then
  echo "plt: SKIPPED: not measured under --vm (emulated timings mean nothing)"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-plt.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
"$bin/bulkhead-clang" -fpkey-compartments -O2 "$here/plt.c" -o "$work/plt" ||
  { echo "plt: build failed" >&2; exit 1; }
echo "plt: $(ldd "$work/plt" | awk '/=> \// { print $1 }' | tr '\n' ' ')"
env LD_BIND_NOW=1 "$work/plt" "$reps"
