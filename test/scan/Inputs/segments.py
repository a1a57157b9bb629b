"""Writes minimal x86-64 ELF programs (program headers, no sections) whose
executable segments lie in memory otherwise than in the file, for
test/scan/segments.test:

  adjacent  two executable segments adjacent in memory (0x400000, 0x401000)
            whose bytes are apart in the file (a read-only segment's bytes
            between them); a WRPKRU starts in the first (0F 01 at 0x400ffe)
            and ends in the second (EF at 0x401000).
  touching  the same, adjacent in the file too.
  covered   an executable segment whose second page a later read-only
            segment maps over (as ld.so's MAP_FIXED does): the WRPKRU in its
            file bytes there (0x401100) is not executable memory.

Usage: segments.py KIND OUT"""
import struct
import sys

PAGE = 0x1000
NOP, WRPKRU = b"\x90", b"\x0f\x01\xef"
PF_X, PF_W, PF_R = 1, 2, 4


def elf(segments, body):
    """segments: (vaddr, offset, filesz, memsz, flags); body: file bytes
    from offset PAGE on."""
    phoff, phnum = 64, len(segments)
    header = struct.pack("<4sBBBBB7xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0,
                         2, 62, 1, segments[0][0], phoff, 0, 0, 64, 56, phnum, 64, 0, 0)
    phdrs = b"".join(struct.pack("<IIQQQQQQ", 1, flags, off, vaddr, vaddr, filesz, memsz, PAGE)
                     for vaddr, off, filesz, memsz, flags in segments)
    head = header + phdrs
    return head + b"\0" * (PAGE - len(head)) + body


def page(content, fill=NOP):
    return content + fill * (PAGE - len(content))


kind, out = sys.argv[1], sys.argv[2]
first = page(NOP * (PAGE - 2) + WRPKRU[:2])  # ends with 0F 01
second = page(WRPKRU[2:] + b"\xc3")           # starts with EF
data = page(b"", b"\xcc")
if kind == "adjacent":
    # file: [first][data][second]; memory: first, second adjacent
    image = elf([(0x400000, 0x1000, PAGE, PAGE, PF_R | PF_X),
                 (0x401000, 0x3000, PAGE, PAGE, PF_R | PF_X),
                 (0x600000, 0x2000, PAGE, PAGE, PF_R)], first + data + second)
elif kind == "touching":
    image = elf([(0x400000, 0x1000, PAGE, PAGE, PF_R | PF_X),
                 (0x401000, 0x2000, PAGE, PAGE, PF_R | PF_X)], first + second)
elif kind == "covered":
    code = page(b"\xc3") + page(NOP * 0x100 + WRPKRU + b"\xc3")
    image = elf([(0x400000, 0x1000, 2 * PAGE, 2 * PAGE, PF_R | PF_X),
                 (0x401000, 0x3000, PAGE, PAGE, PF_R | PF_W)], code + data)
else:
    sys.exit("unknown kind " + kind)
open(out, "wb").write(image)
