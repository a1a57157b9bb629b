#!/bin/sh
# Benchmark (not a test): what a shortening truncation costs under the
# supervisor against the plain call (docs/hardening.md), natively:
# trunc.c calls the runtime's judgement itself (no PKU, no filter needed),
# both rows in one run, with the ratio. The judgement reads every
# process's identity in /proc: the count is printed with the result.
# Usage: bench/truncate/run.sh [BIN] [--vm]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/bin}
reps=${BENCH_REPS:-200}
if [ "${2:-}" = --vm ]; then
  echo "truncate: SKIPPED: not measured under --vm (emulated timings mean nothing)"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-truncate.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
"$bin/bulkhead-clang" -fpkey-compartments -O2 "$here/trunc.c" -o "$work/trunc" ||
  { echo "truncate: build failed" >&2; exit 1; }
echo "truncate: $(ls -d /proc/[0-9]* 2>/dev/null | wc -l) processes in /proc"
env BULKHEAD_ALLOW_UNPROTECTED=1 "$work/trunc" "$work/file" "$reps" || exit 1
