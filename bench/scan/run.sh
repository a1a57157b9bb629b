#!/bin/sh
# Benchmark of bulkhead-scan (not a test): MB/s of executable bytes on large
# real binaries vs memchr and vs `objdump -d | grep wrpkru`.
# usage: bench/scan/run.sh [BUILD_DIR] [FILE...]
#   BUILD_DIR  the build tree (bin/bulkhead-scan inside it) or its bin/
#              directory, as bench/run.sh passes (default: build)
#   FILE       binaries (default: libLLVM, a few Debian programs, and a
#              fixture with unaligned hits that objdump cannot see)
#   BENCH_NO_OBJDUMP=1 skips the (slow) objdump comparison.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../..
build=${1:-$src/build}
[ $# -gt 0 ] && shift
llvm=${BULKHEAD_LLVM_DIR:-/usr/lib/llvm-19}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$llvm/bin/clang" -O2 -march=x86-64 -D_GNU_SOURCE -I"$src/tools/scan" \
    -I"$src/patterns" "$here/scan_bench.c" "$src/tools/scan/search.c" \
    "$src/patterns/patterns.c" -lelf -o "$work/scan_bench"

# A small program whose WRPKRU bytes are all inside other instructions.
"$llvm/bin/clang" -shared -nostdlib "$src/test/scan/Inputs/hits.s" -o "$work/unaligned-hits.so"

if [ $# -eq 0 ]; then
    set -- "$llvm/lib/libLLVM.so.19.1"
    for f in /usr/lib/x86_64-linux-gnu/libclang-cpp.so.19 /usr/bin/factor /usr/bin/cpack \
             /usr/bin/ctest /usr/bin/perf; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
    set -- "$@" "$work/unaligned-hits.so"
fi
scanner=$build/bin/bulkhead-scan
[ -x "$build/bulkhead-scan" ] && scanner=$build/bulkhead-scan
if [ ! -x "$scanner" ]; then
    echo "bench/scan/run.sh: error: no bulkhead-scan in $build or $build/bin" >&2
    exit 2
fi
"$work/scan_bench" "$scanner" "$@"
