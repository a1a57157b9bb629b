"""execute-only.py FILE: makes every executable PT_LOAD of the ELF64 FILE
execute-only (p_flags PF_X alone), as a linker's execute-only option would."""
import struct
import sys

with open(sys.argv[1], "r+b") as f:
    elf = f.read(64)
    phoff, = struct.unpack_from("<Q", elf, 32)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    changed = 0
    for i in range(phnum):
        at = phoff + i * phentsize
        f.seek(at)
        p_type, p_flags = struct.unpack("<II", f.read(8))
        if p_type == 1 and p_flags & 1:
            f.seek(at + 4)
            f.write(struct.pack("<I", 1))
            changed += 1
print("execute-only segments:", changed)
