#!/bin/sh
# kill-supervisor.sh PROGRAM - runs PROGRAM (in the current directory) with
# BULKHEAD_VERBOSE=1, kills its supervisor (the pid the policy line names),
# then lets the program go on (it waits for a file) and reports its exit.
set -u
rm -f supervisor-killed policy.err
BULKHEAD_VERBOSE=1 "$1" 2> policy.err &
victim=$!
sup=
for i in $(seq 1 500); do
  sup=$(sed -n 's/.*supervisor pid \([0-9]*\).*/\1/p' policy.err)
  [ -n "$sup" ] && break
  sleep 0.01
done
[ -n "$sup" ] || { echo "no supervisor pid" >&2; kill "$victim"; exit 1; }
kill -9 "$sup"
while kill -0 "$sup" 2>/dev/null; do sleep 0.01; done
touch supervisor-killed
wait "$victim"
status=$?
grep -v '^bulkhead: ' policy.err >&2
grep '^bulkhead: error' policy.err >&2
echo "victim exit: $status"
