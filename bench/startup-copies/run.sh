#!/bin/sh
# Benchmark (not a test): what making start-up objects' pages the
# process's own copies costs (docs/hardening.md, Costs), natively, for a
# program whose libraries the user owns (copies of them, LD_LIBRARY_PATH;
# ld.so stays the system's) and for one whose libraries it does not own.
# As root every file counts as changeable, so the runs drop to nobody
# (setpriv). Usage: bench/startup-copies/run.sh [BIN] [--vm]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/bin}
reps=${BENCH_REPS:-50}
if [ "${2:-}" = --vm ]; then
  echo "startup-copies: SKIPPED: not measured under --vm (emulated timings mean nothing)"
  exit 0
fi
# nobody must reach the files: not under a TMPDIR only root may enter.
base=${TMPDIR:-/tmp}
[ "$(id -u)" = 0 ] && base=/tmp
work=$(mktemp -d "$base/bulkhead-startcopy.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
"$bin/bulkhead-clang" -fpkey-compartments -O2 "$here/copies.c" -o "$work/copies" ||
  { echo "startup-copies: build failed" >&2; exit 1; }
mkdir "$work/libs"
ldd "$work/copies" | awk '/=> \// { print $3 }' | while read -r l; do
  cp "$l" "$work/libs/"
done
as=""
if [ "$(id -u)" = 0 ]; then
  chown -R 65534:65534 "$work/libs"
  as="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
echo "startup-copies: $(ls "$work/libs" | tr '\n' ' ')"
printf 'owned by the user: '
env LD_LIBRARY_PATH="$work/libs" $as "$work/copies" "$reps" || exit 1
printf 'owned by others:   '
$as "$work/copies" "$reps" || exit 1
