#!/bin/bash
# test.sh - the whole test suite: installs what is missing, builds Bulkhead
# against LLVM 19 and LLVM 22, and runs every lit test for both. Tests that
# need protection keys run natively where pkey_alloc works, else in a QEMU
# guest with emulated PKU, else report UNSUPPORTED with the reason.
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
"$root/scripts/install-deps.sh"
lit=/usr/lib/llvm-19/build/utils/lit/lit.py
passed=0 failed=0 skipped=0 status=0
for major in 19 22; do
  "$root/scripts/build.sh" "$major"
  dir=$root/build; [ "$major" = 19 ] || dir=$root/build-llvm$major
  log=$dir/lit.log
  python3 "$lit" -sv "$dir/test" 2>&1 | tee "$log" || status=1
  for kind in Passed Failed Unsupported; do
    n=$(sed -n "s/^ *$kind *: *\([0-9]*\).*/\1/p" "$log" | tail -n1)
    case $kind in
      Passed) passed=$((passed + ${n:-0})) ;;
      Failed) failed=$((failed + ${n:-0})) ;;
      Unsupported) skipped=$((skipped + ${n:-0})) ;;
    esac
  done
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
