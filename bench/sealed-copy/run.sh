#!/bin/sh
# Benchmark (not a test): what the sealed copy of a plugin costs per
# dlopen (docs/hardening.md, "Executable file mappings"), natively:
# sealed.c calls the runtime's functions itself (no PKU, no filter needed).
# The plugin is built here with debug information, as a development build
# ships it: the sealed copy holds the whole file, its debug sections too.
# Usage: bench/sealed-copy/run.sh [BIN] [--vm]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/bin}
reps=${BENCH_REPS:-100}
if [ "${2:-}" = --vm ]; then
  echo "sealed-copy: SKIPPED: not measured under --vm (emulated timings mean nothing)"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-sealed.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
# The plugin: 1000 functions of some code each, with -g.
i=0
while [ $i -lt 1000 ]; do
  echo "int f$i(const int *a, int n) { int s = $i; for (int k = 0; k < n; k++) s = s * 31 + (a[k] ^ (s >> 3)) + (k % ($i + 3)); return s; }"
  i=$((i + 1))
done > "$work/plugin.c"
# Built by the system's compiler: bulkhead-clang links shared objects
# NODELETE, and the plugin must unload after each dlopen.
${CC:-cc} -O2 -g -fPIC -shared "$work/plugin.c" -o "$work/plugin.so" &&
  "$bin/bulkhead-clang" -fpkey-compartments -O2 "$here/sealed.c" -ldl -o "$work/sealed" ||
  { echo "sealed-copy: build failed" >&2; exit 1; }
loaded=0
for s in $(readelf -lW "$work/plugin.so" | awk '$1 == "LOAD" { print $5 }'); do
  loaded=$((loaded + s))
done
echo "sealed-copy: plugin $(stat -c %s "$work/plugin.so") bytes, its loaded segments $loaded bytes (the rest: debug information, symbols)"
env BULKHEAD_ALLOW_UNPROTECTED=1 "$work/sealed" "$work/plugin.so" "$reps" || exit 1
