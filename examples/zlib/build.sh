#!/bin/sh
# build.sh CC OUT [plain] - builds zlib from its unmodified Debian source with
# its own configure and Makefile, and links app.c and zlib's own minigzip
# against it. CC is bulkhead-clang; everything goes into OUT:
#   OUT/zlib/libz.a   zlib, CC="CC -fpkey-compartments -fpkey-compartment=zlib"
#   OUT/zlib-app      app.c      (CC -fpkey-compartments, no compartment of its own)
#   OUT/minigzip      test/minigzip.c from zlib, likewise
# With `plain` Bulkhead is off everywhere (plain clang), for comparison; with
# `lto` zlib is compiled to ThinLTO bitcode and the programs are linked with
# -flto=thin -fuse-ld=lld.
# The source is fetched once into $BULKHEAD_ZLIB_CACHE (default: build/
# casestudy-cache under the repository root) by fetch-zlib.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${1:?usage: build.sh CC OUT [plain]}
out=${2:?usage: build.sh CC OUT [plain]}
mode=${3:-protected}
case $cc in */*) cc=$(cd "$(dirname "$cc")" && pwd)/$(basename "$cc") ;; esac # configure runs elsewhere
src=$("$here/fetch-zlib.sh" "${BULKHEAD_ZLIB_CACHE:-$root/build/casestudy-cache}")

libcc="$cc -fpkey-compartments -fpkey-compartment=zlib"
appcc="$cc -fpkey-compartments"
ar=ar
case $mode in
  plain) libcc=$cc appcc=$cc ;;
  lto) # bitcode archives need LLVM's ar (GNU ar indexes them only with a plugin)
    libcc="$libcc -flto=thin" appcc="$appcc -flto=thin -fuse-ld=lld"
    ar=$($cc -print-prog-name=llvm-ar) ;;
esac

mkdir -p "$out"
rm -rf "$out/zlib"
cp -R "$src" "$out/zlib" # configure writes into the tree; the cache stays pristine
log=$out/zlib-build.log
# zlib's sources are K&R C: clang warns about every definition; the log
# keeps that out of the way.
if ! (cd "$out/zlib" && CC="$libcc" AR="$ar" CFLAGS=-O2 ./configure --static && make libz.a) >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "build.sh: building zlib failed (log: $log)" >&2
  exit 1
fi
echo "built $out/zlib/libz.a with CC=\"$libcc\" (log: $log)"

# The application and minigzip include zlib's own zlib.h, unannotated.
$appcc -O2 -Wall -I"$root/include" -I"$root/test/runtime/Inputs" -I"$out/zlib" \
  "$here/app.c" "$out/zlib/libz.a" -o "$out/zlib-app"
$appcc -O2 -w -I"$out/zlib" "$out/zlib/test/minigzip.c" "$out/zlib/libz.a" -o "$out/minigzip"
echo "linked $out/zlib-app and $out/minigzip with $appcc"
