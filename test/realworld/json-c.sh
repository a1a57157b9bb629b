#!/bin/sh
# json-c.sh - json-c 0.16 (Debian's json-c 0.16-2, unmodified) built by its
# own CMake with CC=bulkhead-clang, and its own test suite run by ctest.
#
#   json-c.sh build SRC OUT CC              CFLAGS="-fpkey-compartments -O2",
#                                           CMake's defaults (shared and
#                                           static library; tests use the
#                                           shared one)
#   json-c.sh build-compartment SRC OUT CC  json-c as compartment 'jsonc':
#                                           OUT/lib  the library alone, with
#                                                    -fpkey-compartment=jsonc
#                                           OUT      the tests (and apps),
#                                                    default domain, linked
#                                                    against OUT/lib's library
#                                           OUT/jsonc-app  Inputs/jsonc-app.c
#   json-c.sh ctest OUT [vm]                ctest in OUT, natively or in the
#                                           PKU guest; then one summary line
#                                           per outcome (see lib.sh)
#
# SRC is the source (scripts/fetch-source.sh json-c 0.16-2 CACHE); CC is
# bulkhead-clang. -DDISABLE_WERROR=ON: json-c adds -Werror, and clang (with
# or without Bulkhead) rejects json_util.c's `json_util_get_last_err()`
# under -Wstrict-prototypes. USE_VALGRIND=0: json-c's test scripts use
# valgrind when installed, and valgrind 3.19 cannot read clang 19's DWARF 5.
set -eu
. "$(dirname "$0")/lib.sh"

configure() { # DIR CFLAGS CMAKE-OPTIONS...
  dir=$1 cflags=$2
  shift 2
  mkdir -p "$dir"
  logged "$dir/build.log" cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$cflags" -DDISABLE_WERROR=ON "$@"
}

cmd=${1:?usage: json-c.sh build|build-compartment SRC OUT CC | ctest OUT [vm]}
case $cmd in
build | build-compartment)
  src=$(absolute "$2") out=$(absolute "$3") cc=$(absolute "$4")
  rm -rf "$out"
  if [ "$cmd" = build ]; then
    configure "$out" "-fpkey-compartments -O2"
    logged "$out/build.log" ninja -C "$out"
    echo "built json-c and its tests in $out (log: $out/build.log)"
    exit 0
  fi
  # CMake has one CFLAGS for the whole project, so the library and the tests
  # are built in two trees from the same source. The tests' tree first builds
  # its own static library (so that ninja has it up to date), which is then
  # replaced by the compartment's; ninja relinks every program against it.
  configure "$out/lib" "-fpkey-compartments -fpkey-compartment=jsonc -O2" \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF
  logged "$out/lib/build.log" ninja -C "$out/lib" json-c
  configure "$out" "-fpkey-compartments -O2" -DBUILD_SHARED_LIBS=OFF
  logged "$out/build.log" ninja -C "$out" json-c
  cp "$out/lib/libjson-c.a" "$out/libjson-c.a"
  logged "$out/build.log" ninja -C "$out"
  logged "$out/build.log" "$cc" -fpkey-compartments -O2 -Wall -I"$root/test/runtime/Inputs" \
    -I"$src" -I"$out" "$here/Inputs/jsonc-app.c" "$out/libjson-c.a" -o "$out/jsonc-app"
  echo "built json-c as compartment 'jsonc' ($out/lib), its tests and jsonc-app in $out"
  ;;
ctest)
  out=$(absolute "$2") where=${3:-native}
  src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$out/CMakeCache.txt")
  ctest=$(command -v ctest)
  set -- "$ctest" --test-dir "$out" --output-on-failure
  if [ "$where" = vm ]; then
    # shellcheck disable=SC2046 # one word per argument
    set -- "$vm_run" --timeout 900 --env USE_VALGRIND=0 --file "$out" --file "$src/tests" \
      $(vm_files "$ctest" "$out"/tests/test1) -- "$@"
  fi
  USE_VALGRIND=0 "$@" >"$out/ctest.log" 2>&1 || true
  cat "$out/ctest.log"
  ctest_outcomes <"$out/ctest.log"
  ;;
*)
  echo "usage: json-c.sh build|build-compartment SRC OUT CC | ctest OUT [vm]" >&2
  exit 2
  ;;
esac
