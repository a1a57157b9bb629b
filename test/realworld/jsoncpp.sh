#!/bin/sh
# jsoncpp.sh - JsonCpp 1.9.5 (Debian's libjsoncpp 1.9.5-4, unmodified), a
# C++ library that reports errors by throwing, built by its own CMake with
# CXX=bulkhead-clang++, and its own tests.
#
#   jsoncpp.sh build SRC OUT CXX              CXXFLAGS="-fpkey-compartments
#                                             -O2", the shared library alone
#                                             as Debian builds it, the unit
#                                             tests (jsoncpp_test) and the
#                                             reader/writer tests' runner
#                                             (jsontestrunner_exe)
#   jsoncpp.sh build-compartment SRC OUT CXX  libjsoncpp.so as compartment
#                                             'jsoncpp': built alone in
#                                             OUT/libtree with
#                                             -fpkey-compartment=jsoncpp,
#                                             then put in place of the one
#                                             the tests in OUT (default
#                                             domain) were linked with; and
#                                             OUT/jsoncpp-app
#                                             (Inputs/jsoncpp-app.cpp)
#   jsoncpp.sh ctest OUT                      its whole suite, ctest (3 tests:
#                                             the unit tests; the
#                                             reader/writer tests without and
#                                             with JSON_checker's files,
#                                             test/runjsontests.py); one line
#                                             per outcome (see lib.sh)
#   jsoncpp.sh suite OUT [native|vm] [all|sample]
#                                             the same tests one by one,
#                                             natively or in the PKU guest
#                                             (busybox, no python): each unit
#                                             test (jsoncpp_test --test NAME)
#                                             and each input file of the
#                                             reader/writer tests
#                                             (Inputs/jsoncpp-rw.sh); with
#                                             "sample", every third unit
#                                             test and every sixth input;
#                                             and jsoncpp-app, if built
#                                             (app/catch, app/what); one
#                                             line per outcome
#
# SRC is the source (scripts/fetch-source.sh libjsoncpp 1.9.5-4 CACHE),
# copied to OUT/source: the reader/writer tests write their results next to
# their inputs. JsonCpp is C++ alone (CMake's LANGUAGES CXX): no CC.
# -DJSONCPP_WITH_POST_BUILD_UNITTEST=OFF: the build would run the unit tests
# after linking them, which ctest does; a compartment's tests need PKU.
set -eu
. "$(dirname "$0")/lib.sh"

configure() { # DIR CXXFLAGS CMAKE-OPTIONS...
  dir=$1 flags=$2
  shift 2
  mkdir -p "$dir"
  logged "$dir/build.log" cmake -S "$out/source" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" -DBUILD_STATIC_LIBS=OFF \
    -DBUILD_OBJECT_LIBS=OFF -DJSONCPP_WITH_POST_BUILD_UNITTEST=OFF "$@"
}

# rw_inputs OUT: the reader/writer tests' inputs, as "data|jsonchecker
# FILE": every test/data/*.json, and test/jsonchecker/*.json but those
# runjsontests.py leaves out (JsonCpp accepts them by design).
rw_inputs() {
  for f in "$1"/source/test/data/*.json; do echo "data $f"; done
  for f in "$1"/source/test/jsonchecker/*.json; do
    case $(basename "$f") in
    fail4.json | fail9.json | fail7.json | fail8.json | fail10.json | fail13.json | fail18.json | \
      fail25.json | fail27.json) ;;
    *) echo "jsonchecker $f" ;;
    esac
  done
}

cmd=${1:?usage: jsoncpp.sh build|build-compartment SRC OUT CXX | ctest OUT | suite OUT [native|vm] [all|sample]}
case $cmd in
build | build-compartment)
  src=$(absolute "$2") out=$(absolute "$3") cxx=$(absolute "$4")
  rm -rf "$out"
  mkdir -p "$out"
  cp -a "$src" "$out/source"
  if [ "$cmd" = build ]; then
    configure "$out" "-fpkey-compartments -O2"
    logged "$out/build.log" ninja -C "$out" -j2
    "$out/bin/jsoncpp_test" --list-tests >"$out/unit-tests.list"
    echo "built JsonCpp and its tests in $out (log: $out/build.log)"
    exit 0
  fi
  # CMake has one CXXFLAGS for the whole project: the library is built
  # alone in a second tree, and replaces the tests' one when all is built.
  configure "$out/libtree" "-fpkey-compartments -fpkey-compartment=jsoncpp -O2" \
    -DJSONCPP_WITH_TESTS=OFF
  logged "$out/libtree/build.log" ninja -C "$out/libtree" -j2 jsoncpp_lib
  configure "$out" "-fpkey-compartments -O2"
  logged "$out/build.log" ninja -C "$out" -j2
  # The list of unit tests, while the library is not yet the compartment's
  # (no PKU needed).
  "$out/bin/jsoncpp_test" --list-tests >"$out/unit-tests.list"
  so=$(basename "$(readlink -f "$out/lib/libjsoncpp.so")")
  cp "$out/libtree/lib/$so" "$out/lib/$so"
  logged "$out/build.log" "$cxx" -fpkey-compartments -O2 -Wall -I"$out/source/include" \
    "$here/Inputs/jsoncpp-app.cpp" -L"$out/lib" -ljsoncpp -Wl,-rpath,"$out/lib" -o "$out/jsoncpp-app"
  echo "built JsonCpp as compartment 'jsoncpp' ($out/libtree), its tests and jsoncpp-app in $out"
  ;;
ctest)
  out=$(absolute "$2")
  ctest --test-dir "$out" --output-on-failure >"$out/ctest.log" 2>&1 || true
  cat "$out/ctest.log"
  ctest_outcomes <"$out/ctest.log"
  ;;
suite)
  out=$(absolute "$2") where=${3:-native} which=${4:-all}
  list=$out/suite.list names=""
  : >"$list"
  # every N-th line of a list, from the first
  every() { if [ "$which" = sample ]; then awk -v n="$1" 'NR % n == 1'; else cat; fi; }
  every 3 <"$out/unit-tests.list" >"$out/unit.run"
  while read -r t; do
    echo "$out/bin/jsoncpp_test --test $t" >>"$list"
    names="$names $t"
  done <"$out/unit.run"
  rw_inputs "$out" | every 6 >"$out/rw.list"
  while read -r kind f; do
    checker=""
    [ "$kind" = jsonchecker ] && checker=checker
    echo "sh $here/Inputs/jsoncpp-rw.sh $out/bin/jsontestrunner_exe $f $checker" >>"$list"
    names="$names $kind/$(basename "$f" .json)"
  done <"$out/rw.list"
  app=""
  if [ -x "$out/jsoncpp-app" ]; then
    app="--file $out/jsoncpp-app"
    echo "$out/jsoncpp-app" >>"$list"
    echo "$out/jsoncpp-app what" >>"$list"
    names="$names app/catch app/what"
  fi
  rm -rf "$out/suite-out"
  mkdir -p "$out/suite-out"
  if [ "$where" = vm ]; then
    # shellcheck disable=SC2046,SC2086 # one word per argument
    "$vm_run" --timeout 1200 --file "$out/source/test" --file "$here/Inputs/jsoncpp-rw.sh" \
      $(vm_files "$out/bin/jsoncpp_test") --file "$out/bin" $app \
      --batch "$list" --outdir "$out/suite-out" >"$out/suite.log" 2>&1 || true
  else
    run_list "$list" "$out/suite-out"
  fi
  # shellcheck disable=SC2086 # one word per test
  batch_outcomes "$out/suite-out" "$out/suite.log" $names
  ;;
*)
  echo "usage: jsoncpp.sh build|build-compartment SRC OUT CXX | ctest OUT | suite OUT [vm]" >&2
  exit 2
  ;;
esac
