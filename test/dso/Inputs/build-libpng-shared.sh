#!/bin/sh
# build-libpng-shared.sh CC OUT - libpng's shared library from its
# unmodified Debian source, built by its own configure, Makefile and libtool
# as compartment 'png' with the sharing policy of the static case study
# (examples/libpng/png.policy), and two programs linked with it:
#   OUT/libpng/.libs/libpng16.so  make libpng16.la CFLAGS="... -fpkey-compartment=png -fpkey-share=..."
#   OUT/pngtest                   libpng's pngtest.c, no compartment
#   OUT/png-app                   examples/libpng/app.c, likewise
# The source comes from the same cache as examples/libpng/build.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cc=${1:?usage: build-libpng-shared.sh CC OUT}
out=${2:?usage: build-libpng-shared.sh CC OUT}
case $cc in */*) cc=$(cd "$(dirname "$cc")" && pwd)/$(basename "$cc") ;; esac
src=$("$root/scripts/fetch-source.sh" libpng1.6 1.6.39-2+deb12u5 "${BULKHEAD_LIBPNG_CACHE:-$root/build/casestudy-cache}")
mkdir -p "$out"
rm -rf "$out/libpng"
cp -R "$src" "$out/libpng"
log=$out/libpng-build.log
app="$cc -fpkey-compartments"
lib="-fpkey-compartment=png -fpkey-share=$root/examples/libpng/png.policy"
if ! (cd "$out/libpng" && ./configure --disable-static CC="$app" CFLAGS=-O2 &&
      make pnglibconf.h libpng16.la CFLAGS="-O2 $lib") >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "build-libpng-shared.sh: building libpng failed (log: $log)" >&2
  exit 1
fi
grep 'warning: .*bulkhead' "$log" >&2 || true
# The programs are no part of the compartment: libtool would wrap them in
# scripts, so they are linked here.
libs="-L$out/libpng/.libs -lpng16 -lz -lm -Wl,-rpath,$out/libpng/.libs"
$app -O2 -w -I"$out/libpng" "$out/libpng/pngtest.c" $libs -o "$out/pngtest"
$app -O2 -Wall -DPNG_APP_SHARED_LIBRARY -I"$root/test/runtime/Inputs" \
  -I"$out/libpng" "$root/examples/libpng/app.c" $libs -o "$out/png-app"
echo "built $out/libpng/.libs/libpng16.so, $out/pngtest and $out/png-app"
