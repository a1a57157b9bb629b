#!/bin/sh
# run.sh - build every example twice and run both builds:
#   protected: bulkhead-clang -fpkey-compartments -O2   (must show isolation)
#   plain:     the same sources without -fpkey-compartments (shows the bug)
#
# Usage: examples/run.sh [BIN]
#   BIN: bulkhead-clang itself or the directory holding it; default
#   $BULKHEAD_PREFIX/bin, else build/bin under the repository root.
#
# Protected builds run natively when this machine can allocate a protection
# key, else inside the QEMU guest with emulated PKU (test/vm/pku-vm-run).
#
# Each example's main exits 0 when isolation held and 3 when its bug
# succeeded (the plain build is expected to do that). This script exits 0 when
# every protected build held and every plain build showed the bug, 1 when
# isolation did not hold or a demo misbehaved, 2 when nothing could be run.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)

bin=${1:-${BULKHEAD_PREFIX:+$BULKHEAD_PREFIX/bin}}
bin=${bin:-$root/build/bin}
if [ -d "$bin" ]; then cc=$bin/bulkhead-clang; else cc=$bin; fi
if [ ! -x "$cc" ]; then
  echo "run.sh: error: no bulkhead-clang at $cc (build first, or pass its path)" >&2
  exit 2
fi
prefix=$(cd "$(dirname "$cc")/.." && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-examples.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT

# Can this machine run pkeys? The build tree has a probe; an installed prefix
# may not, so then build one from the test sources.
probe=$prefix/test-bin/bulkhead-pku-probe
if [ ! -x "$probe" ]; then
  probe=$out/pku-probe
  "$cc" -O1 "$root/test/pku-probe.c" -o "$probe" || exit 2
fi
pku=$("$probe")
vm=$root/test/vm/pku-vm-run
if [ "$pku" = "pku: yes" ]; then
  run=""
  echo "=== protection keys: available on this CPU; running natively ==="
else
  echo "=== protection keys: NOT available natively ($pku) ==="
  vmpku=$("$vm" --probe 2>&1)
  if [ "$vmpku" != "pku: yes" ]; then
    echo "=== and the QEMU PKU guest is unavailable ($vmpku): cannot show isolation ===" >&2
    exit 2
  fi
  run="$vm --"
  echo "=== running protected builds inside a QEMU guest with emulated PKU (test/vm/pku-vm-run) ==="
fi

status=0 skipped=
for dir in "$root"/examples/*/; do
  name=$(basename "$dir")
  # An example with a build of its own (examples/zlib) runs itself.
  if [ -x "$dir/run.sh" ]; then
    echo
    echo "##### example: $name"
    "$dir/run.sh" "$cc" "$out/$name" $run
    rc=$?
    [ $rc -eq 2 ] && skipped="$skipped $name" # its source is unavailable
    [ $rc -eq 0 ] || [ $rc -eq 2 ] || status=1
    continue
  fi
  set -- "$dir"*.c
  [ -e "$1" ] || continue
  echo
  echo "##### example: $name"
  echo "--- build: $cc -fpkey-compartments -O2 ..."
  if ! "$cc" -fpkey-compartments -O2 -Wall "$@" -o "$out/$name"; then
    echo "run.sh: $name: protected build failed" >&2; status=1; continue
  fi
  # Without -fpkey-compartments bulkhead-clang is exactly its clang; only the
  # header path has to be given, as for any other library's header.
  if ! "$cc" -O2 -Wall -I"$root/include" "$@" -o "$out/$name.plain"; then
    echo "run.sh: $name: plain build failed" >&2; status=1; continue
  fi

  echo "--- run: plain build (no compartments) ---"
  "$out/$name.plain"
  rc=$?
  if [ $rc -eq 3 ]; then
    echo "--- plain build: the bug succeeded, as expected without isolation (exit 3)"
  else
    echo "--- plain build: exit $rc, expected 3: the demo's bug did not work" >&2
    status=1
  fi

  echo "--- run: protected build${run:+ (in the QEMU PKU guest)} ---"
  $run "$out/$name"
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "--- protected build: ISOLATION HELD (exit 0)"
  else
    echo "--- protected build: exit $rc: ISOLATION DID NOT HOLD or the demo failed" >&2
    status=1
  fi
done
echo
if [ $status -ne 0 ]; then
  echo "=== some examples FAILED ===" >&2
elif [ -n "$skipped" ]; then
  echo "=== the examples that ran: isolation held; SKIPPED, not run:$skipped ==="
else
  echo "=== all examples: isolation held ==="
fi
exit $status
