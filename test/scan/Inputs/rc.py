"""Runs a command, passes its stdout and stderr through (merged, in order)
and prints its exit status as 'rc=N' so tests can check 0, 1 and 2 exactly.
A crash shows as a negative status (the signal), which no test expects."""
import subprocess
import sys

p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
sys.stdout.buffer.write(p.stdout)
print("rc=%d" % p.returncode)
