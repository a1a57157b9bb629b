#!/bin/sh
# Benchmark (not a test): what gadget-free code costs (docs/design.md,
# "Gadget-free code"), on Debian's sqlite3 (fetched with apt-get source,
# never committed), built from its amalgamation with Debian's flags by
# bulkhead-clang -fpkey-compartments (no compartment), in one run:
#   - avoidance on (the default) vs off (-mllvm -bulkhead-avoid-gadgets=false):
#     text size of sqlite3.o, the constants rewritten (rol instructions),
#     the unvetted hits bulkhead-scan finds in each speedtest1, and
#     speedtest1's run time, the two builds alternating (natively only:
#     under --vm timings would be emulated);
#   - the same for hot.c, a loop built around two risky constants: the
#     worst case, as real code seldom has any;
#   - the link of speedtest1 with and without the link-time scan
#     (-fno-pkey-link-scan), alternating: the time the scan adds;
#   - bulkhead-scan end to end on libLLVM (bench/scan/run.sh does more).
# Each time is the best of ROUNDS runs (LINK_ROUNDS for links), as wall
# time and as CPU time (user + system, children included, from wait4): on
# a loaded machine trust the CPU time, and run it again before believing
# a difference of a percent.
# Usage: bench/gadgets/run.sh [BIN] [--vm]   (BIN: bulkhead-clang's directory)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/bin}
[ "${2:-}" = --vm ] && vm=1 || vm=0
llvm=${BULKHEAD_LLVM_DIR:-/usr/lib/llvm-19}
rounds=${BENCH_ROUNDS:-7}
link_rounds=${BENCH_LINK_ROUNDS:-15}
cache=${BULKHEAD_SOURCE_CACHE:-$root/build/casestudy-cache}
skip() { echo "gadgets: SKIPPED: $*"; exit 0; }

src=$("$root/scripts/fetch-source.sh" sqlite3 3.40.1-2+deb12u2 "$cache") ||
  skip "no sqlite3 source"
command -v tclsh >/dev/null || skip "no tclsh to make sqlite3's amalgamation (apt-get install tcl)"
work=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-gadgets.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
"$llvm/bin/clang" -O2 "$here/cputime.c" -o "$work/cputime" || exit 2

cp -r "$src" "$work/src"
(cd "$work/src" && ./configure CC="$llvm/bin/clang" >/dev/null &&
  make sqlite3.c >/dev/null 2>&1) || { echo "gadgets: making sqlite3.c failed" >&2; exit 1; }

flags="-O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_RTREE=1
  -DSQLITE_ENABLE_JSON1 -DSQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_ENABLE_COLUMN_METADATA
  -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_PREUPDATE_HOOK"
cc="$bin/bulkhead-clang -fpkey-compartments"
off="-mllvm -bulkhead-avoid-gadgets=false"
build() { # NAME EXTRA...: sqlite3.o, speedtest1.o, speedtest1 (unscanned), hot in $work/NAME
  name=$1; shift
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086 # flags are words
  $cc "$@" $flags -c "$work/src/sqlite3.c" -o "$work/$name/sqlite3.o" &&
    $cc "$@" -O2 -I"$work/src" -c "$work/src/test/speedtest1.c" -o "$work/$name/speedtest1.o" &&
    $cc -fno-pkey-link-scan "$work/$name/speedtest1.o" "$work/$name/sqlite3.o" -lm -ldl -lpthread \
      -o "$work/$name/speedtest1" &&
    $cc "$@" -fno-pkey-link-scan -O2 "$here/hot.c" -o "$work/$name/hot"
}
build on || { echo "gadgets: build with avoidance failed" >&2; exit 1; }
# shellcheck disable=SC2086
build off $off || { echo "gadgets: build without avoidance failed" >&2; exit 1; }

# measure NAME CMD...: runs CMD once; keeps NAME's best wall and CPU (us).
measure() {
  name=$1; shift
  t=$("$work/cputime" "$@" 2>/dev/null) || { echo "gadgets: $name failed: $*" >&2; exit 1; }
  w=${t% *} c=${t#* }
  eval "bw=\${wall_$name:-} bc=\${cpu_$name:-}"
  { [ -z "$bw" ] || [ "$w" -lt "$bw" ]; } && eval "wall_$name=$w"
  { [ -z "$bc" ] || [ "$c" -lt "$bc" ]; } && eval "cpu_$name=$c"
}
# compare LABEL A B TARGET: B against A, wall and CPU.
compare() {
  eval "wa=\$wall_$2 wb=\$wall_$3 ca=\$cpu_$2 cb=\$cpu_$3"
  echo "$1: $2 $((wa / 1000)) ms wall, $((ca / 1000)) ms CPU; $3 $((wb / 1000)) ms wall," \
    "$((cb / 1000)) ms CPU: $(awk -v wa="$wa" -v wb="$wb" -v ca="$ca" -v cb="$cb" -v t="$4" \
      'BEGIN { printf "%+.2f%% wall, %+.2f%% CPU%s", 100 * (wb - wa) / wa, 100 * (cb - ca) / ca, t }')"
}

text() { size "$1" | awk 'NR == 2 { print $1 }'; }
rols() { "$llvm/bin/llvm-objdump" -d --no-show-raw-insn "$1" | grep -cE '^ +[0-9a-f]+:[[:space:]]+rol[lq]'; }
hits() { "$bin/bulkhead-scan" "$1" 2>&1 >/dev/null | awk '/scanned,/ { print $5 }'; }
t_on=$(text "$work/on/sqlite3.o") t_off=$(text "$work/off/sqlite3.o")
echo "sqlite3.o text: avoidance off $t_off bytes, on $t_on bytes:" \
  "$(awk -v a="$t_off" -v b="$t_on" 'BEGIN { printf "%+.3f%% (target <= 1%%)", 100 * (b - a) / a }')"
echo "rol instructions in sqlite3.o: off $(rols "$work/off/sqlite3.o"), on $(rols "$work/on/sqlite3.o")" \
  "(each rewritten constant adds one)"
echo "unvetted hits: speedtest1 off $(hits "$work/off/speedtest1"), on $(hits "$work/on/speedtest1");" \
  "hot off $(hits "$work/off/hot"), on $(hits "$work/on/hot")"

if [ $vm -eq 1 ]; then
  echo "run times: not measured (--vm: emulated timings mean nothing)"
else
  i=0
  while [ $i -lt "$rounds" ]; do
    measure speedtest_off "$work/off/speedtest1" --size 25 --memdb
    measure speedtest_on "$work/on/speedtest1" --size 25 --memdb
    measure hot_off "$work/off/hot"
    measure hot_on "$work/on/hot"
    i=$((i + 1))
  done
  compare "speedtest1 --size 25 --memdb, best of $rounds" speedtest_off speedtest_on " (target <= 1%)"
  compare "hot.c (two risky constants in a hot loop), best of $rounds" hot_off hot_on ""
fi

# The link of speedtest1 (avoidance on: the scan passes), scanned or not.
i=0
while [ $i -lt "$link_rounds" ]; do
  measure link_unscanned $cc -fno-pkey-link-scan "$work/on/speedtest1.o" "$work/on/sqlite3.o" \
    -lm -ldl -lpthread -o "$work/link-unscanned"
  measure link_scanned $cc "$work/on/speedtest1.o" "$work/on/sqlite3.o" -lm -ldl -lpthread \
    -o "$work/link-scanned"
  measure scan_only "$bin/bulkhead-scan" -q "$work/link-scanned"
  i=$((i + 1))
done
compare "link of speedtest1 ($(text "$work/link-scanned") bytes of text), best of $link_rounds" \
  link_unscanned link_scanned " (target <= 3%)"
echo "bulkhead-scan alone on it: $((wall_scan_only / 1000)).$((wall_scan_only % 1000 / 100)) ms wall," \
  "$((cpu_scan_only / 1000)).$((cpu_scan_only % 1000 / 100)) ms CPU"

lib=$llvm/lib/libLLVM.so.${llvm##*-}.1
if [ -f "$lib" ]; then
  i=0
  while [ $i -lt 15 ]; do
    t=$("$work/cputime" "$bin/bulkhead-scan" -q "$lib" 2>/dev/null) # exit 1: it has hits
    w=${t% *} c=${t#* }
    { [ -z "${wall_llvm:-}" ] || [ "$w" -lt "$wall_llvm" ]; } && wall_llvm=$w
    { [ -z "${cpu_llvm:-}" ] || [ "$c" -lt "$cpu_llvm" ]; } && cpu_llvm=$c
    i=$((i + 1))
  done
  bytes=0
  for size in $("$llvm/bin/llvm-readelf" -lW "$lib" | awk '$1 == "LOAD" && ($7 ~ /E/ || $8 == "E") { print $5 }'); do
    bytes=$((bytes + size))
  done
  echo "bulkhead-scan on $(basename "$lib") ($((bytes / 1000000)) MB executable), best of 15:" \
    "$((wall_llvm / 1000)) ms wall, $((cpu_llvm / 1000)) ms CPU:" \
    "$(awk -v b="$bytes" -v w="$wall_llvm" -v c="$cpu_llvm" 'BEGIN { printf "%.2f GB/s wall, %.2f GB/s CPU (target >= 3 GB/s)", b / w / 1000, b / c / 1000 }')"
fi
