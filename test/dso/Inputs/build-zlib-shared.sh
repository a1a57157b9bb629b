#!/bin/sh
# build-zlib-shared.sh CC OUT - zlib's shared library from its unmodified
# Debian source, built by its own configure and Makefile as compartment
# 'zlib' with the build flags alone, and two programs linked with it:
#   OUT/zlib/libz.so.1.2.13  CC="CC -fpkey-compartments -fpkey-compartment=zlib"
#   OUT/zlib-app             test/dso/Inputs/zlib-app.c (no compartment)
#   OUT/minigzip             zlib's test/minigzip.c, likewise
# The source comes from examples/zlib/fetch-zlib.sh's cache.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cc=${1:?usage: build-zlib-shared.sh CC OUT}
out=${2:?usage: build-zlib-shared.sh CC OUT}
case $cc in */*) cc=$(cd "$(dirname "$cc")" && pwd)/$(basename "$cc") ;; esac
src=$("$root/examples/zlib/fetch-zlib.sh" "${BULKHEAD_ZLIB_CACHE:-$root/build/casestudy-cache}")
mkdir -p "$out"
rm -rf "$out/zlib"
cp -R "$src" "$out/zlib"
log=$out/zlib-build.log
if ! (cd "$out/zlib" && CC="$cc -fpkey-compartments -fpkey-compartment=zlib" \
      CFLAGS=-O2 ./configure && make libz.so.1.2.13) >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "build-zlib-shared.sh: building zlib failed (log: $log)" >&2
  exit 1
fi
# The programs are no part of the compartment: zlib's Makefile would
# compile them with the library's CC, so they are linked here.
app="$cc -fpkey-compartments -O2"
$app -Wall -I"$root/test/runtime/Inputs" -I"$out/zlib" "$here/zlib-app.c" \
  -L"$out/zlib" -lz -Wl,-rpath,"$out/zlib" -o "$out/zlib-app"
$app -w -I"$out/zlib" "$out/zlib/test/minigzip.c" -L"$out/zlib" -lz \
  -Wl,-rpath,"$out/zlib" -o "$out/minigzip"
