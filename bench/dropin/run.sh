#!/bin/sh
# Benchmark (not a test): what -fpkey-compartments costs a real program that
# has no compartment at all, the first thing a user tries. Debian's sqlite3
# (fetched with apt-get source, never committed) is built twice from its
# amalgamation with the same flags, by clang and by bulkhead-clang
# -fpkey-compartments, and the two builds are compared in one run:
#   - text size of sqlite3.o (size(1): .text, .rodata, .eh_frame, wrappers),
#     and the WRPKRU instructions in it;
#   - run time of sqlite's own speedtest1 (test/speedtest1.c), alternating
#     the two builds, best of ROUNDS each. Natively only: under --vm the
#     times would be emulated, so that row is not run.
# Usage: bench/dropin/run.sh [BIN] [--vm]   (BIN: bulkhead-clang's directory)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/bin}
[ "${2:-}" = --vm ] && vm=1 || vm=0
llvm=${BULKHEAD_LLVM_DIR:-/usr/lib/llvm-19}
rounds=${BENCH_ROUNDS:-3}
cache=${BULKHEAD_SOURCE_CACHE:-$root/build/casestudy-cache}
skip() { echo "dropin: SKIPPED: $*"; exit 0; }

src=$("$root/scripts/fetch-source.sh" sqlite3 3.40.1-2+deb12u2 "$cache") ||
  skip "no sqlite3 source"
command -v tclsh >/dev/null || skip "no tclsh to make sqlite3's amalgamation (apt-get install tcl)"
work=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-dropin.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# The amalgamation, made by sqlite's own build (configure; make sqlite3.c).
cp -r "$src" "$work/src"
(cd "$work/src" && ./configure CC="$llvm/bin/clang" >/dev/null &&
  make sqlite3.c >/dev/null 2>&1) || { echo "dropin: making sqlite3.c failed" >&2; exit 1; }

# Debian's own feature set for libsqlite3 (debian/rules), at -O2.
flags="-O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_RTREE=1
  -DSQLITE_ENABLE_JSON1 -DSQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_ENABLE_COLUMN_METADATA
  -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_PREUPDATE_HOOK"
build() { # NAME CC...: sqlite3.o and speedtest1 in $work/NAME
  name=$1; shift
  mkdir -p "$work/$name"
  # shellcheck disable=SC2086 # flags are words
  "$@" $flags -c "$work/src/sqlite3.c" -o "$work/$name/sqlite3.o" &&
    "$@" -O2 -I"$work/src" -c "$work/src/test/speedtest1.c" -o "$work/$name/speedtest1.o" &&
    "$@" "$work/$name/speedtest1.o" "$work/$name/sqlite3.o" -lm -ldl -lpthread \
      -o "$work/$name/speedtest1"
}
build clang "$llvm/bin/clang" || { echo "dropin: clang build failed" >&2; exit 1; }
build bulkhead "$bin/bulkhead-clang" -fpkey-compartments ||
  { echo "dropin: bulkhead-clang build failed" >&2; exit 1; }

text() { size "$1" | awk 'NR == 2 { print $1 }'; }
t0=$(text "$work/clang/sqlite3.o") t1=$(text "$work/bulkhead/sqlite3.o")
gates=$("$llvm/bin/llvm-objdump" -d "$work/bulkhead/sqlite3.o" | grep -c wrpkru)
echo "sqlite3.o text: clang $t0 bytes, bulkhead-clang $t1 bytes:" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f%% larger (target <= 5%%)", 100 * (b - a) / a }')"
echo "WRPKRU in bulkhead-clang's sqlite3.o: $gates (no compartment anywhere in it)"

if [ $vm -eq 1 ]; then
  echo "speedtest1 run time: not measured (--vm: emulated timings mean nothing)"
  exit 0
fi
now() { date +%s%N; }
best0="" best1=""
i=0
while [ $i -lt "$rounds" ]; do
  for name in clang bulkhead; do
    s=$(now)
    "$work/$name/speedtest1" --size 25 --memdb >/dev/null ||
      { echo "dropin: speedtest1 ($name) failed" >&2; exit 1; }
    t=$(( $(now) - s ))
    if [ $name = clang ]; then
      [ -z "$best0" ] || [ "$t" -lt "$best0" ] && best0=$t
    else
      [ -z "$best1" ] || [ "$t" -lt "$best1" ] && best1=$t
    fi
  done
  i=$((i + 1))
done
echo "speedtest1 --size 25 --memdb, best of $rounds, native:" \
  "clang $((best0 / 1000000)) ms, bulkhead-clang $((best1 / 1000000)) ms," \
  "ratio $(awk -v a="$best0" -v b="$best1" 'BEGIN { printf "%.3f", b / a }')"
