#!/bin/sh
# run.sh CC OUT [RUN...] - the libpng case study for examples/run.sh: builds
# libpng unmodified as compartment 'png' with png.policy and without
# Bulkhead (build.sh), runs the plain app natively (it must read libpng's
# state: exit 3) and, with the command prefix RUN (empty, or
# test/vm/pku-vm-run --), the protected app (it must hold: exit 0) and
# libpng's own pngtest, and scans both programs with bulkhead-scan.
# Exit status: 0 all held, 1 something failed, 2 libpng's source is
# unavailable.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${1:?usage: run.sh CC OUT [RUN...]}
out=${2:?usage: run.sh CC OUT [RUN...]}
shift 2
cache=${BULKHEAD_LIBPNG_CACHE:-$root/build/casestudy-cache}
if ! "$root/scripts/fetch-source.sh" libpng1.6 1.6.39-2+deb12u5 "$cache" >/dev/null; then
  echo "--- libpng source unavailable: SKIPPED (scripts/install-deps.sh sets up deb-src)"
  exit 2
fi
"$here/build.sh" "$cc" "$out" || exit 1
"$here/build.sh" "$cc" "$out/plain" plain || exit 1
image=$out/libpng/pngtest.png
export BULKHEAD_VM_FILES=$image # the guest needs the image too

echo "--- run: plain build (libpng without compartments) ---"
"$out/plain/png-app" "$image"
rc=$?
[ $rc -eq 3 ] && echo "--- plain build: libpng's state was readable, as expected without isolation (exit 3)" ||
  { echo "--- plain build: exit $rc, expected 3" >&2; exit 1; }

echo "--- run: protected build${1:+ (in the QEMU PKU guest)} ---"
"$@" "$out/png-app" "$image" || { echo "--- protected build: exit $?: ISOLATION DID NOT HOLD or the demo failed" >&2; exit 1; }
echo "--- protected build: ISOLATION HELD (exit 0)"

echo "--- libpng's own pngtest, unmodified, through the gates ---"
res=$("$@" "$out/libpng/pngtest" "$image" "$out/pngout.png")
rc=$?
echo "$res" | grep -E 'PASS|FAIL|passes'
[ $rc -eq 0 ] && echo "$res" | grep -q 'libpng passes test' ||
  { echo "--- pngtest FAILED (exit $rc)" >&2; exit 1; }

echo "--- bulkhead-scan: no PKRU write outside a vetted gate ---"
"$(dirname "$cc")/bulkhead-scan" "$out/png-app" "$out/libpng/pngtest" || exit 1
