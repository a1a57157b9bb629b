#!/bin/sh
# run.sh CC OUT [RUN...] - the zlib case study for examples/run.sh: builds
# zlib unmodified as compartment 'zlib' and without Bulkhead (build.sh), runs
# the plain build natively (it must read zlib's state: exit 3) and the
# protected one with the command prefix RUN (empty, or test/vm/pku-vm-run --;
# it must hold: exit 0), compresses a file with zlib's own minigzip through
# the gates, and scans both programs with bulkhead-scan.
# Exit status: 0 all held, 1 something failed, 2 zlib's source is unavailable.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${1:?usage: run.sh CC OUT [RUN...]}
out=${2:?usage: run.sh CC OUT [RUN...]}
shift 2
cache=${BULKHEAD_ZLIB_CACHE:-$root/build/casestudy-cache}
if ! "$here/fetch-zlib.sh" "$cache" >/dev/null; then
  echo "--- SKIPPED: zlib source unavailable (scripts/install-deps.sh sets up deb-src)"
  exit 2
fi
"$here/build.sh" "$cc" "$out" || exit 1
"$here/build.sh" "$cc" "$out/plain" plain || exit 1

echo "--- run: plain build (zlib without compartments) ---"
"$out/plain/zlib-app"
rc=$?
[ $rc -eq 3 ] && echo "--- plain build: zlib's state was readable, as expected without isolation (exit 3)" ||
  { echo "--- plain build: exit $rc, expected 3" >&2; exit 1; }

echo "--- run: protected build${1:+ (in the QEMU PKU guest)} ---"
"$@" "$out/zlib-app" || { echo "--- protected build: exit $?: ISOLATION DID NOT HOLD or the demo failed" >&2; exit 1; }
echo "--- protected build: ISOLATION HELD (exit 0)"

echo "--- zlib's own minigzip through the gates: compress itself, gunzip on the host ---"
"$@" "$out/minigzip" -c "$out/minigzip" >"$out/minigzip.gz" &&
  gzip -dc "$out/minigzip.gz" | cmp - "$out/minigzip" ||
  { echo "--- minigzip round trip FAILED" >&2; exit 1; }
echo "--- minigzip: $(wc -c <"$out/minigzip") -> $(wc -c <"$out/minigzip.gz") bytes, round trip ok"

echo "--- bulkhead-scan: no PKRU write outside a vetted gate ---"
"$(dirname "$cc")/bulkhead-scan" "$out/zlib-app" "$out/minigzip" || exit 1
