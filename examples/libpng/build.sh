#!/bin/sh
# build.sh CC OUT [POLICY|none|plain] - builds libpng 1.6.39 from its
# unmodified Debian source with its own configure and Makefile, as
# compartment 'png', and links libpng's own pngtest and app.c against it.
# CC is bulkhead-clang; everything goes into OUT:
#   OUT/libpng/.libs/libpng16.a  libpng; its objects get
#                                -fpkey-compartment=png -fpkey-share=POLICY
#   OUT/libpng/pngtest           libpng's test program, unmodified, no
#                                compartment of its own
#   OUT/png-app                  app.c, likewise
# POLICY defaults to png.policy next to this script; `none` builds without
# a sharing policy, `plain` without Bulkhead (plain clang) for comparison.
# The library and pngtest differ only in CFLAGS: `make libpng16.la` gets the
# compartment flags, `make pngtest` then finds the library up to date.
# The source is fetched once into $BULKHEAD_LIBPNG_CACHE (default: build/
# casestudy-cache under the repository root) by scripts/fetch-source.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${1:?usage: build.sh CC OUT [POLICY|none|plain]}
out=${2:?usage: build.sh CC OUT [POLICY|none|plain]}
policy=${3:-$here/png.policy}
case $cc in */*) cc=$(cd "$(dirname "$cc")" && pwd)/$(basename "$cc") ;; esac # configure runs elsewhere
src=$("$root/scripts/fetch-source.sh" libpng1.6 1.6.39-2+deb12u5 "${BULKHEAD_LIBPNG_CACHE:-$root/build/casestudy-cache}")

appcc="$cc -fpkey-compartments"
libflags="-fpkey-compartment=png"
case $policy in
  plain) appcc=$cc libflags= ;;
  none) ;;
  *) libflags="$libflags -fpkey-share=$(cd "$(dirname "$policy")" && pwd)/$(basename "$policy")" ;;
esac

mkdir -p "$out"
rm -rf "$out/libpng"
cp -R "$src" "$out/libpng" # configure writes into the tree; the cache stays pristine
log=$out/libpng-build.log
# -g: the recorder's tool symbolizes with it (docs/heaps.md).
if ! (cd "$out/libpng" && ./configure --disable-shared CC="$appcc" CFLAGS="-O2 -g" &&
      make pnglibconf.h libpng16.la CFLAGS="-O2 -g $libflags" &&
      make pngtest CFLAGS="-O2 -g") >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "build.sh: building libpng failed (log: $log)" >&2
  exit 1
fi
grep 'warning: .*bulkhead' "$log" >&2 || true
echo "built $out/libpng/.libs/libpng16.a with CC=\"$appcc\" CFLAGS=\"-O2 -g $libflags\", and pngtest (log: $log)"

$appcc -O2 -g -Wall -I"$root/include" -I"$root/test/runtime/Inputs" -I"$out/libpng" \
  "$here/app.c" "$out/libpng/.libs/libpng16.a" -lz -lm -o "$out/png-app"
echo "linked $out/png-app with $appcc"
