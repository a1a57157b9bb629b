#!/bin/sh
# sqlite3.sh - SQLite 3.40.1 (Debian's sqlite3 3.40.1-2+deb12u2, unmodified:
# the full source tree, from which the Makefile generates the amalgamation
# sqlite3.c with tclsh) built by its own configure and Makefile.
#
#   sqlite3.sh build SRC OUT CC              CFLAGS="-fpkey-compartments -O2":
#                                            `make` (library, shared and
#                                            static, and the shell sqlite3),
#                                            `make testfixture` (the TCL
#                                            test harness)
#   sqlite3.sh build-plain SRC OUT CLANG     the shell with plain clang -O2,
#                                            for the workload's reference
#   sqlite3.sh build-compartment SRC OUT CC  the amalgamation as compartment
#                                            'sqlite' (OUT/sqlite3.o), the
#                                            shell and OUT/sqlite-app
#                                            (Inputs/sqlite-app.c) in the
#                                            default domain
#   sqlite3.sh workload SHELL [vm]           Inputs/workload.sql through SHELL
#   sqlite3.sh tcl OUT [vm]                  $tcl_tests with OUT/testfixture,
#                                            one line per file, then the
#                                            outcome lines (lib.sh)
#
# SRC: scripts/fetch-source.sh sqlite3 3.40.1-2+deb12u2 CACHE; copied to
# OUT, since configure builds in the tree.
set -eu
. "$(dirname "$0")/lib.sh"

# SQLite's own TCL tests: `make test` runs ~1000 files for many minutes;
# these 27 run in ~10 s natively and ~2 min in the guest, and cover the
# SQL language (select, expressions, functions, joins, where, DML, triggers,
# views, windows, JSON, upsert, printf, dates, collation, indexes, IN,
# ALTER, CREATE TABLE, CTEs), about 21,000 test cases. Left out: files that
# check file permissions (delete.test and others fail as root) and those
# that assert wall-clock times (like.test: like-14.1 wants a GLOB in under
# a second, which TCG does not always give).
tcl_tests="select1 select2 select3 select4 expr func func2 where join insert update trigger1
  view window1 window2 json101 json102 upsert1 printf date date2 collate1 index in alter
  table with1"

# make_var VAR: the value of the configured Makefile's variable VAR.
make_var() {
  printf 'print-%s:\n\t@echo $(%s)\n' "$1" "$1" >"$out/print.mk"
  make -s -C "$out" -f Makefile -f print.mk "print-$1"
}

cmd=${1:?usage: see sqlite3.sh}
case $cmd in
build | build-plain | build-compartment)
  src=$(absolute "$2") out=$(absolute "$3") cc=$(absolute "$4")
  rm -rf "$out"
  cp -R "$src" "$out"
  cd "$out"
  log=$out/build.log
  case $cmd in
  build)
    logged "$log" ./configure CC="$cc" CFLAGS="-fpkey-compartments -O2" # libtool drops the flag from links: real-projects.md, A
    logged "$log" make -j2
    logged "$log" make testfixture
    echo "built SQLite, its shell and testfixture in $out (log: $log)"
    ;;
  build-plain)
    logged "$log" ./configure CC="$cc" CFLAGS=-O2
    logged "$log" make -j2 sqlite3
    echo "built the SQLite shell with $cc in $out (log: $log)"
    ;;
  build-compartment)
    # The Makefile compiles the shell and the amalgamation in one command,
    # so it generates them (sqlite3.c, shell.c) and the two are compiled
    # here with its flags, the amalgamation alone in the compartment.
    # --disable-load-extension: the table through which loadable extensions
    # call SQLite (sqlite3Apis) holds the addresses of variadic functions,
    # which a compartment cannot hand out (docs/annotations.md); and an
    # extension loaded at run time would be code Bulkhead never saw.
    logged "$log" ./configure CC="$cc -fpkey-compartments" CFLAGS="-O2" --disable-shared \
      --disable-load-extension
    logged "$log" make -j2 sqlite3.c shell.c sqlite3.h
    tcc=$(make_var TCC) opt=$(make_var SHELL_OPT) libs=$(make_var TLIBS)
    logged "$log" sh -c "$tcc $opt -fpkey-compartment=sqlite -c sqlite3.c -o sqlite3.o"
    logged "$log" sh -c "$tcc $(make_var READLINE_FLAGS) $opt shell.c sqlite3.o \
      $(make_var LIBREADLINE) $libs -o sqlite3"
    logged "$log" sh -c "$tcc -Wall -I'$root/test/runtime/Inputs' '$here/Inputs/sqlite-app.c' \
      sqlite3.o $libs -o sqlite-app"
    echo "built SQLite as compartment 'sqlite', the shell and sqlite-app in $out (log: $log)"
    ;;
  esac
  ;;
workload)
  shell=$(absolute "$2")
  sql=$here/Inputs/workload.sql
  if [ "${3:-}" = vm ]; then
    exec "$vm_run" --timeout 600 --file "$sql" -- "$(real_program "$shell")" -batch :memory: \
      ".read $sql"
  fi
  exec "$shell" -batch :memory: ".read $sql"
  ;;
tcl)
  out=$(absolute "$2")
  cd "$out" # the tests write their databases into the working directory
  list=$out/tcl-tests.list
  for t in $tcl_tests; do echo "$out/testfixture $out/test/$t.test"; done >"$list"
  rm -rf "$out/tcl-out"
  mkdir -p "$out/tcl-out"
  if [ "${3:-}" = vm ]; then
    # testfixture needs Tcl's own scripts and, of SQLite's test directory,
    # the helpers (*.tcl) and the chosen files.
    # shellcheck disable=SC2046 # one word per argument
    "$vm_run" --timeout 1200 --file /usr/share/tcltk/tcl8.6 \
      $(for f in "$out"/test/*.tcl; do echo --file "$f"; done) \
      $(for t in $tcl_tests; do echo --file "$out/test/$t.test"; done) \
      --batch "$list" --outdir "$out/tcl-out" >"$out/tcl-vm.log" 2>&1 || true
  else
    run_list "$list" "$out/tcl-out"
  fi
  i=0
  for t in $tcl_tests; do
    # tester.tcl's last words: "N errors out of M tests on HOST ..."
    r=$(grep -ao '[0-9]* errors out of [0-9]* tests' "$out/tcl-out/$i.out" 2>/dev/null || true)
    echo "$t.test: ${r:-no result}"
    i=$((i + 1))
  done
  i=0
  for t in $tcl_tests; do
    st=$(cat "$out/tcl-out/$i.status" 2>/dev/null || echo none)
    if [ "$st" = 0 ] && grep -aq '^0 errors out of' "$out/tcl-out/$i.out"; then
      echo "@outcome $t passed"
    else
      echo "@outcome $t failed"
      echo "exit status: $st"
      tail -n 30 "$out/tcl-out/$i.out" 2>/dev/null || cat "$out/tcl-vm.log"
      cat "$out/tcl-out/$i.err" 2>/dev/null || true
    fi
    i=$((i + 1))
  done | outcomes
  ;;
*)
  echo "usage: see the comment at the top of sqlite3.sh" >&2
  exit 2
  ;;
esac
