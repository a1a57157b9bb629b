#!/bin/sh
# libpng.sh - libpng 1.6.39 (Debian's libpng1.6 1.6.39-2+deb12u5,
# unmodified) built by its own configure and Makefile with CC=bulkhead-clang,
# and its own test suite (`make check`, 32 test scripts).
#
#   libpng.sh build SRC OUT CC              CFLAGS="-fpkey-compartments -O2",
#                                           configure's defaults (shared and
#                                           static library; the tests use the
#                                           shared one)
#   libpng.sh build-compartment SRC OUT CC  libpng as compartment 'png'
#                                           (static: compartments live in
#                                           executables), the test programs
#                                           and OUT/png-app (Inputs/png-app.c)
#                                           in the default domain
#   libpng.sh check OUT                     `make check` natively; then the
#                                           outcome lines (lib.sh)
#   libpng.sh subset OUT [vm [TEST...]]     test scripts (default: $vm_tests
#                                           below) natively or in the PKU
#                                           guest (one boot); outcome lines
#
# SRC is the source (scripts/fetch-source.sh libpng1.6 1.6.39-2+deb12u5
# CACHE), copied to OUT because configure builds in the tree.
set -eu
. "$(dirname "$0")/lib.sh"

# In the guest (TCG, ~10x slower) a subset: the whole suite takes ~10 min
# there. pngtest-all is libpng's own read/write test (pngtest.png and the
# crasher files), pngunknown-* exercise chunk callbacks, pngimage-quick the
# transforms, pngvalid-standard the standard images, and pngstest-sRGB-alpha
# the simplified API, the one whose setjmp lives inside libpng.
vm_tests="pngtest-all pngunknown-IDAT pngunknown-discard pngunknown-if-safe pngunknown-sAPI
  pngunknown-sTER pngunknown-save pngunknown-vpAg pngimage-quick pngvalid-standard
  pngstest-sRGB-alpha"

cmd=${1:?usage: libpng.sh build|build-compartment SRC OUT CC | check OUT | subset OUT [vm [TEST...]]}
case $cmd in
build | build-compartment)
  src=$(absolute "$2") out=$(absolute "$3") cc=$(absolute "$4")
  rm -rf "$out"
  cp -R "$src" "$out"
  cd "$out"
  log=$out/build.log
  if [ "$cmd" = build ]; then
    logged "$log" ./configure CC="$cc" CFLAGS="-fpkey-compartments -O2" # libtool drops the flag from links: real-projects.md, A
    logged "$log" make -j2
    logged "$log" make -j2 check TESTS= # the test programs, no test run
    echo "built libpng and its test programs in $out (log: $log)"
    exit 0
  fi
  # configure runs test programs, which cannot run in a compartment without
  # PKU: the compartment flag is given to make for the library alone, then
  # the test programs are built with configure's CFLAGS.
  logged "$log" ./configure CC="$cc -fpkey-compartments" CFLAGS="-O2" --disable-shared
  logged "$log" make -j2 libpng16.la CFLAGS="-fpkey-compartments -fpkey-compartment=png -O2"
  logged "$log" make -j2 check TESTS=
  logged "$log" "$cc" -fpkey-compartments -O2 -Wall -I"$root/test/runtime/Inputs" -I"$out" \
    "$here/Inputs/png-app.c" .libs/libpng16.a -lz -lm -o png-app
  echo "built libpng as compartment 'png', its test programs and png-app in $out (log: $log)"
  ;;
check)
  make_check "$(absolute "$2")"
  ;;
subset)
  out=$(absolute "$2") where=${3:-native}
  shift $(($# < 3 ? $# : 3))
  [ $# -gt 0 ] || set -- $vm_tests
  # With the shared library the programs in OUT are libtool's bash wrapper
  # scripts; the guest has no bash, so the tests run in .libs, where the
  # real programs are, with the library on LD_LIBRARY_PATH.
  bin=$out
  [ -x "$out/.libs/pngtest" ] && bin=$out/.libs
  list=$out/subset.list
  for t; do
    echo "sh -c 'cd $bin && srcdir=$out LD_LIBRARY_PATH=$out/.libs exec sh $out/tests/$t'"
  done >"$list"
  rm -rf "$out/subset-out"
  mkdir -p "$out/subset-out"
  if [ "$where" = vm ]; then
    # shellcheck disable=SC2046 # one word per argument
    "$vm_run" --timeout 1200 --file "$out" $(vm_files "$bin/pngtest") \
      --batch "$list" --outdir "$out/subset-out" >"$out/subset.log" 2>&1 || true
  else
    run_list "$list" "$out/subset-out"
  fi
  batch_outcomes "$out/subset-out" "$out/subset.log" "$@"
  ;;
*)
  echo "usage: libpng.sh build|build-compartment SRC OUT CC | check OUT | subset OUT [vm [TEST...]]" >&2
  exit 2
  ;;
esac
