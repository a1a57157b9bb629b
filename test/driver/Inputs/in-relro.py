"""in-relro.py LLVM_BIN FILE SYMBOL: says whether SYMBOL's word lies in
FILE's PT_GNU_RELRO segment, read with llvm-readelf (not the driver's own
check, which the test is about)."""
import subprocess
import sys

readelf, path, name = sys.argv[1] + "/llvm-readelf", sys.argv[2], sys.argv[3]
syms = subprocess.run([readelf, "-sW", path], capture_output=True, text=True,
                      check=True).stdout
addrs = [int(f[1], 16) for f in (l.split() for l in syms.splitlines())
         if len(f) >= 8 and f[7] == name]
phdrs = subprocess.run([readelf, "-lW", path], capture_output=True, text=True,
                       check=True).stdout
relro = [(int(f[2], 16), int(f[5], 16)) for f in
         (l.split() for l in phdrs.splitlines()) if f and f[0] == "GNU_RELRO"]
if not addrs:
    print("%s: not found" % name)
else:
    inside = all(any(lo <= a and a + 8 <= lo + size for lo, size in relro)
                 for a in addrs)
    print("%s: %s" % (name, "in PT_GNU_RELRO" if inside else "outside RELRO"))
