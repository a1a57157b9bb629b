#!/bin/sh
# jsoncpp-rw.sh RUNNER FILE [checker] - jsoncpp's reader/writer test of one
# input FILE, as its test/runjsontests.py does it, in POSIX sh and awk (the
# PKU guest has busybox, no python): RUNNER (jsontestrunner_exe) with each of
# the three writers runjsontests.py uses. A file named fail* must be refused
# with --json-checker: exit status 1, the runner's for a parse error (where
# runjsontests.py takes any non-zero status, a crash too). With "checker"
# (a file of test/jsonchecker) a pass* file must be accepted. Any other
# file must be parsed, and the value tree it writes (FILE.actual) and that
# of its rewrite (FILE.actual-rewrite) must match FILE.expected line by
# line, leading and trailing blanks, carriage returns and blank lines at
# either end ignored. Exit 0 if all three pass; else the first failure on
# stderr, exit 1.
set -u
runner=$1 file=$2 checker=${3:-}
base=${file%.json}
name=$(basename "$file")

# norm FILE: FILE as runjsontests.py compares it.
norm() {
  awk '{ gsub(/\r/, ""); sub(/^[ \t\f\v]+/, ""); sub(/[ \t\f\v]+$/, ""); l[NR] = $0 }
    END { s = 1; while (s <= NR && l[s] == "") s++
          e = NR; while (e >= s && l[e] == "") e--
          for (i = s; i <= e; i++) print l[i] }' "$1" 2>/dev/null
}

for writer in StyledWriter StyledStreamWriter BuiltStyledStreamWriter; do
  case $name in
  fail*)
    "$runner" --json-checker --json-writer $writer "$file" >"$base.process-output" 2>&1
    status=$?
    if [ $status = 0 ]; then
      echo "$name ($writer): parsing should have failed" >&2
      exit 1
    elif [ $status != 1 ]; then
      # runjsontests.py takes any failure; a crash is not a refusal.
      echo "$name ($writer): exit status $status, not the runner's 1 for a refused input:" >&2
      cat "$base.process-output" >&2
      exit 1
    fi
    ;;
  *)
    if [ -n "$checker" ]; then
      if ! "$runner" --json-checker --json-writer $writer "$file" >"$base.process-output" 2>&1; then
        echo "$name ($writer): parsing failed:" >&2
        cat "$base.process-output" >&2
        exit 1
      fi
      continue
    fi
    rm -f "$base.actual" "$base.actual-rewrite"
    if ! "$runner" --json-writer $writer "$file" >"$base.process-output" 2>&1; then
      echo "$name ($writer): parsing failed:" >&2
      cat "$base.process-output" >&2
      exit 1
    fi
    norm "$base.expected" >"$base.n-expected"
    for kind in actual actual-rewrite; do
      norm "$base.$kind" >"$base.n-$kind"
      if ! cmp -s "$base.n-expected" "$base.n-$kind"; then
        echo "$name ($writer): $kind differs from $name's .expected" >&2
        exit 1
      fi
    done
    ;;
  esac
done
exit 0
