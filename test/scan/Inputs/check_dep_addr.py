"""Cross-checks the scanner's libc WRPKRU address independently: the bytes
at the reported file offset are 0F 01 EF, and llvm-nm puts the address
inside pkey_set."""
import re
import subprocess
import sys

report, nm = sys.argv[1], sys.argv[2]
lines = open(report).read().splitlines()
for i, line in enumerate(lines):
    m = re.match(r"(\S+/libc\.so\.6): 0x([0-9a-f]+): error: unvetted WRPKRU instruction", line)
    if not m:
        continue
    lib, addr = m.group(1), int(m.group(2), 16)
    off = int(re.search(r"file offset 0x([0-9a-f]+)", lines[i + 1]).group(1), 16)
    with open(lib, "rb") as f:
        f.seek(off)
        ok_bytes = f.read(3) == b"\x0f\x01\xef"
    ok_sym = False
    for s in subprocess.run([nm, "-D", "-S", "--defined-only", lib], capture_output=True, text=True).stdout.splitlines():
        p = s.split()
        if len(p) == 4 and p[3].startswith("pkey_set@"):
            ok_sym = int(p[0], 16) <= addr < int(p[0], 16) + int(p[1], 16)
    print("bytes %s, symbol %s" % ("ok" if ok_bytes else "WRONG", "ok" if ok_sym else "WRONG"))
    break
else:
    print("no libc WRPKRU in the report")
