#!/bin/sh
# build.sh [LLVM_MAJOR] - configures and builds Bulkhead against one LLVM
# (19, the default, or 22) into build/ (LLVM 19) or build-llvm<N>/.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
major=${1:-19}
dir=$root/build
[ "$major" = 19 ] || dir=$root/build-llvm$major
llvm=/usr/lib/llvm-$major
if [ ! -x "$llvm/bin/clang" ]; then
  echo "build.sh: error: LLVM $major not found at $llvm (run scripts/install-deps.sh)" >&2
  exit 1
fi
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBULKHEAD_LLVM_VERSION="$major" \
  -DCMAKE_C_COMPILER="$llvm/bin/clang" -DCMAKE_CXX_COMPILER="$llvm/bin/clang++" >/dev/null
ninja -C "$dir"
