# lib.sh - sourced by the real-project scripts in this directory.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vm_run=$root/test/vm/pku-vm-run
me=$(basename "$0")

# logged LOG CMD...: runs CMD with its output appended to LOG; if it fails,
# shows the end of LOG and stops the script.
logged() {
  log=$1
  shift
  if ! "$@" >>"$log" 2>&1; then
    tail -n 25 "$log" >&2
    echo "$me: failed: $* (log: $log)" >&2
    exit 1
  fi
}

# vm_files PROG...: --file arguments for the shared libraries that PROGs
# load. pku-vm-run copies those of the program it starts, not those of the
# programs that one starts in turn (ctest's tests, a test script's binaries).
vm_files() {
  for p; do ldd "$p"; done | sed -n 's|.*=> \(/[^ ]*\) .*|--file \1|p' | sort -u
}

# real_program PROG: PROG itself, or the program that PROG, a libtool wrapper
# script, runs (.libs/PROG): the guest has no bash to run the wrapper.
real_program() {
  if [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" != '177ELF' ] &&
    [ -x "$(dirname "$1")/.libs/$(basename "$1")" ]; then
    echo "$(dirname "$1")/.libs/$(basename "$1")"
  else
    echo "$1"
  fi
}

# absolute PATH: PATH made absolute (the build systems run in other
# directories).
absolute() {
  case $1 in
    /*) echo "$1" ;;
    *) echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
  esac
}

# outcomes: reads "@outcome NAME passed|failed" lines, each failed one
# followed by that test's output, and prints one line per outcome, names sorted:
#   passed (N): NAME...
#   pkey fault in compartment 'C' (N): NAME...   the test stopped at the
#       runtime's report of an access from the default domain to C's memory
#   variadic entry stop in compartment 'C' (N): NAME...   the test stopped
#       calling a variadic entry of C without seeing its annotation
#   failed otherwise (N): NAME...
# (the lines after "passed" come in no fixed order)
outcomes() {
  awk '
    $1 == "@outcome" && $3 == "passed" { pass[$2] = 1; cur = ""; next }
    $1 == "@outcome" { cur = $2; why[cur] = "failed otherwise"; next }
    cur != "" && why[cur] == "failed otherwise" &&
        /bulkhead: protection-key fault: .* in compartment .* from the default domain/ {
      c = $0; sub(/.* in compartment /, "", c); sub(/ .*/, "", c)
      why[cur] = "pkey fault in compartment " c
    }
    cur != "" && why[cur] == "failed otherwise" &&
        /bulkhead: error: variadic entry .* of compartment .* called from another domain/ {
      c = $0; sub(/.* of compartment /, "", c); sub(/ .*/, "", c)
      why[cur] = "variadic entry stop in compartment " c
    }
    END {
      n = 0; for (t in pass) names[++n] = t
      line("passed", n)
      n = 0; for (t in why) kinds[why[t]] = 1
      for (k in kinds) { n = 0; for (t in why) if (why[t] == k) names[++n] = t; line(k, n) }
      if (!("failed otherwise" in kinds)) line("failed otherwise", 0)
    }
    function line(kind, n,   i, j, s, x) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && names[j-1] > names[j]; j--) {
        x = names[j]; names[j] = names[j-1]; names[j-1] = x }
      s = ""; for (i = 1; i <= n; i++) s = s " " names[i]
      print kind " (" n "):" s
    }'
}

# ctest_outcomes: outcomes of ctest --output-on-failure's output.
ctest_outcomes() {
  awk '
    / Test +#[0-9]+: / { print "@outcome", $4, ($0 ~ / Passed /) ? "passed" : "failed"; next }
    /^ *Start +[0-9]+: / { next }
    { print }' | outcomes
}

# make_check OUT: automake's `make check` in OUT, its summary lines, then
# the outcomes of its tests (tests/NAME.trs; each failed one followed by
# its own log, tests/NAME.log, which says how it failed).
make_check() {
  make -C "$1" -j2 check >"$1/check.log" 2>&1 || true
  grep -E '^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR|# [A-Z]+:)' "$1/check.log"
  for t in "$1"/tests/*.trs; do
    n=$(basename "$t" .trs)
    if grep -q '^:test-result: PASS' "$t"; then echo "@outcome $n passed"
    else echo "@outcome $n failed"; cat "${t%.trs}.log"; fi
  done | outcomes
}

# batch_outcomes DIR LOG NAME...: the outcomes (see outcomes) of a batch's
# commands, the N-th named by the N-th NAME, from DIR/N.status, N.out and
# N.err (as pku-vm-run --batch and run_list write them); LOG is shown for
# a command that left no output.
batch_outcomes() {
  dir=$1 log=$2
  shift 2
  i=0
  for t; do
    st=$(cat "$dir/$i.status" 2>/dev/null || echo none)
    if [ "$st" = 0 ]; then echo "@outcome $t passed"
    else
      echo "@outcome $t failed"
      echo "exit status: $st"
      cat "$dir/$i.out" "$dir/$i.err" 2>/dev/null || cat "$log"
    fi
    i=$((i + 1))
  done | outcomes
}

# run_list LIST DIR: runs LIST's commands (one a line, as pku-vm-run --batch
# takes them) here, with the same results: DIR/N.out, N.err, N.status.
run_list() {
  i=0
  while read -r line; do
    sh -c "$line" >"$2/$i.out" 2>"$2/$i.err" </dev/null && echo 0 >"$2/$i.status" ||
      echo $? >"$2/$i.status"
    i=$((i + 1))
  done <"$1"
}
