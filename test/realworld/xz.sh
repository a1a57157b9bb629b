#!/bin/sh
# xz.sh - xz-utils 5.4.1 (Debian's 5.4.1-1+deb12u1, unmodified) built by its
# own configure, Makefile and libtool with CC=bulkhead-clang, and its own
# test suite.
#
#   xz.sh build SRC OUT CC              CC="bulkhead-clang -fpkey-compartments",
#                                       CFLAGS=-O2: liblzma.so, xz, xzdec and
#                                       the tests, no compartment
#   xz.sh check OUT                     make check; one summary line per
#                                       outcome (see lib.sh)
#   xz.sh build-compartment SRC OUT CC  liblzma.so alone as compartment
#                                       'lzma' with Inputs/lzma.policy; xz,
#                                       xzdec and the tests in the default
#                                       domain, linked with it; and
#                                       OUT/lzma-app (Inputs/lzma-app.c)
#   xz.sh suite OUT [vm]                the tests of `make check` but
#                                       test_scripts.sh (xzgrep and kin, which
#                                       need gzip and bzip2), run from the
#                                       built programs, natively or in the
#                                       PKU guest; one summary line per outcome
#
# SRC is the source (scripts/fetch-source.sh xz-utils 5.4.1-1+deb12u1 CACHE).
# The programs are linked with libtool's -no-install: real programs in
# place of its wrapper scripts, which the guest (busybox sh) cannot run.
set -eu
. "$(dirname "$0")/lib.sh"

tests="test_check test_hardware test_stream_flags test_filter_flags test_block_header test_index
  test_index_hash test_bcj_exact_size test_memlimit test_lzip_decoder test_vli"
scripts="test_files.sh test_compress_prepared_bcj_sparc test_compress_prepared_bcj_x86
  test_compress_generated_abc test_compress_generated_random test_compress_generated_text"

configure() { # SRC OUT CC
  rm -rf "$2"
  cp -a "$1" "$2" # -a: make must find its generated files newer than their sources
  logged "$2/build.log" sh -c "cd '$2' && ./configure --disable-static --disable-nls \
    --disable-doc CC='$3 -fpkey-compartments' CFLAGS=-O2"
}

cmd=${1:?usage: xz.sh build|build-compartment SRC OUT CC | check OUT | suite OUT [vm]}
case $cmd in
build)
  src=$(absolute "$2") out=$(absolute "$3") cc=$(absolute "$4")
  configure "$src" "$out" "$cc"
  logged "$out/build.log" make -C "$out" -j2
  echo "built xz-utils in $out (log: $out/build.log)"
  ;;
build-compartment)
  src=$(absolute "$2") out=$(absolute "$3") cc=$(absolute "$4")
  configure "$src" "$out" "$cc"
  lib="-O2 -fpkey-compartment=lzma -fpkey-share=$here/Inputs/lzma.policy"
  logged "$out/build.log" make -C "$out/src/liblzma" -j2 CFLAGS="$lib"
  for d in src/xz src/xzdec; do
    logged "$out/build.log" make -C "$out/$d" -j2 LDFLAGS=-no-install
  done
  logged "$out/build.log" make -C "$out/tests" -j2 LDFLAGS=-no-install check TESTS=
  logged "$out/build.log" "$cc" -fpkey-compartments -O2 -Wall -I"$root/test/runtime/Inputs" \
    -I"$out/src/liblzma/api" "$here/Inputs/lzma-app.c" -L"$out/src/liblzma/.libs" -llzma \
    -Wl,-rpath,"$out/src/liblzma/.libs" -o "$out/lzma-app"
  echo "built liblzma as compartment 'lzma', xz, xzdec, the tests and lzma-app in $out"
  ;;
check)
  make_check "$(absolute "$2")"
  ;;
suite)
  out=$(absolute "$2") where=${3:-native}
  list=$out/suite.list
  for t in $tests; do echo "sh -c 'cd $out/tests && srcdir=$out/tests exec ./$t'"; done >"$list"
  for t in $scripts; do echo "sh -c 'cd $out/tests && srcdir=$out/tests exec sh ./$t'"; done >>"$list"
  rm -rf "$out/suite-out"
  mkdir -p "$out/suite-out"
  if [ "$where" = vm ]; then
    # The bound only stops a hung guest: xz's 17 tests under emulated PKU
    # took about 1000 s beside other guest runs, and twice ran past 1200.
    # shellcheck disable=SC2046 # one word per argument
    "$vm_run" --timeout 2400 --file "$out" $(vm_files "$out/tests/test_check" "$out/src/xz/xz") \
      --batch "$list" --outdir "$out/suite-out" >"$out/suite.log" 2>&1 || true
  else
    run_list "$list" "$out/suite-out"
  fi
  # shellcheck disable=SC2086 # one word per test
  batch_outcomes "$out/suite-out" "$out/suite.log" $tests $scripts
  ;;
*)
  echo "usage: xz.sh build|build-compartment SRC OUT CC | check OUT | suite OUT [vm]" >&2
  exit 2
  ;;
esac
