#!/usr/bin/env python3
"""gates.py OBJDUMP PROGRAM - the WRPKRU instructions of PROGRAM, per function
(from the disassembly), and the number of entries in its gate manifest
(.bulkhead.gates, one 8-byte address per gate the pass emitted):

  gate FUNCTION COUNT     one line per function, sorted
  wrpkru N manifest M     totals
"""
import collections
import re
import subprocess
import sys

objdump, prog = sys.argv[1:3]
dis = subprocess.run([objdump, "-d", "--no-show-raw-insn", prog], check=True,
                     capture_output=True, text=True).stdout
per_fn = collections.Counter()
fn = "?"
for line in dis.splitlines():
    m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
    if m:
        fn = m.group(1)
    elif re.search(r"\twrpkru\s*$", line):
        per_fn[fn] += 1
hdr = subprocess.run([objdump, "-h", prog], check=True, capture_output=True, text=True).stdout
m = re.search(r"\s\.bulkhead\.gates\s+([0-9a-f]+)", hdr)
manifest = int(m.group(1), 16) // 8 if m else 0
for name in sorted(per_fn):
    print("gate %s %d" % (name, per_fn[name]))
print("wrpkru %d manifest %d" % (sum(per_fn.values()), manifest))
