"""Malformed-input driver: writes corrupted variants of ELF files and an
archive, runs the scanner on each under a timeout and checks that it
neither crashes nor hangs, and that it exits 0, 1 or 2. Corruptions that
make code unreadable must give exit 2 with a 'FILE: error:' line.

usage: mutate.py SCANNER WORKDIR FILE...   (ELF64 little-endian inputs)"""
import os
import random
import struct
import subprocess
import sys

scanner, work, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(work, exist_ok=True)
failures = []
count = 0


def run(name, data, expect_error=False):
    global count
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(data)
    try:
        p = subprocess.run([scanner, "-q", path], capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        failures.append("%s: hang" % name)
        return
    count += 1
    out = p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")
    if p.returncode not in (0, 1, 2):
        failures.append("%s: exit %d (crash?)\n%s" % (name, p.returncode, out[-2000:]))
    elif expect_error and (p.returncode != 2 or (path + ": error:") not in out):
        failures.append("%s: expected an error, got exit %d\n%s" % (name, p.returncode, out[-2000:]))


def put(data, off, fmt, value):
    b = bytearray(data)
    if off + struct.calcsize(fmt) <= len(b):
        struct.pack_into(fmt, b, off, value)
    return bytes(b)


for src in inputs:
    base = os.path.basename(src)
    data = open(src, "rb").read()
    n = len(data)
    if data[:4] != b"\x7fELF":  # an archive: truncations and flips only
        for cut in sorted({8, 60, 68, 100, n // 3, n // 2, n - 1}):
            run("%s.trunc%d" % (base, cut), data[:cut])
        rng = random.Random(1)
        for i in range(40):
            b = bytearray(data)
            for _ in range(8):
                b[rng.randrange(8, 8 + 60 * 3)] = rng.randrange(256)  # member headers
            run("%s.hdrflip%d" % (base, i), bytes(b))
        continue
    etype = struct.unpack_from("<H", data, 0x10)[0]
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", data, 0x36)

    # Truncation everywhere, including inside headers and inside code.
    for cut in sorted({1, 4, 16, 52, 63, 64, 100, phoff + 8, n // 4, n // 2, 3 * n // 4, n - 1}):
        run("%s.trunc%d" % (base, cut), data[:cut])

    # ELF header fields.
    run(base + ".shoff-huge", put(data, 0x28, "<Q", 0xFFFFFFFFFFFFFF00))
    run(base + ".shoff-end", put(data, 0x28, "<Q", n - 10))
    run(base + ".phoff-huge", put(data, 0x20, "<Q", 0x7FFFFFFFFFFFFFF0))
    run(base + ".shnum-huge", put(data, 0x3C, "<H", 0xFFFF))
    run(base + ".phnum-huge", put(data, 0x38, "<H", 0xFFFF))
    run(base + ".shstrndx-bad", put(data, 0x3E, "<H", 0xFFF0))
    run(base + ".shentsize-bad", put(data, 0x3A, "<H", 7))

    # Every section header: offsets, sizes, links, entry sizes.
    for i in range(shnum):
        sh = shoff + i * shentsize
        if sh + 64 > n:
            break
        typ = struct.unpack_from("<I", data, sh + 4)[0]
        flags = struct.unpack_from("<Q", data, sh + 8)[0]
        # Only object files are scanned by section; linked ones by segment.
        code = etype == 1 and (flags & 4) and typ == 1  # ET_REL, SHF_EXECINSTR, PROGBITS
        run("%s.sec%d-off" % (base, i), put(data, sh + 0x18, "<Q", 0xFFFFFFFFFFFFF000), expect_error=code)
        run("%s.sec%d-size" % (base, i), put(data, sh + 0x20, "<Q", 0x7FFFFFFFFFFFFFF0), expect_error=code)
        run("%s.sec%d-size-past-end" % (base, i), put(data, sh + 0x20, "<Q", n), expect_error=code)
        run("%s.sec%d-name" % (base, i), put(data, sh, "<I", 0xFFFFFFF0))
        run("%s.sec%d-link" % (base, i), put(data, sh + 0x28, "<I", 0xFFFF))
        run("%s.sec%d-entsize" % (base, i), put(data, sh + 0x38, "<Q", 1))
        run("%s.sec%d-info" % (base, i), put(data, sh + 0x2C, "<I", 0xFFFFFFF))

    # Every program header; and overlapping executable segments.
    xload = None
    for i in range(phnum):
        ph = phoff + i * phentsize
        if ph + 56 > n:
            break
        ptype, pflags = struct.unpack_from("<II", data, ph)
        exe = ptype == 1 and (pflags & 1)
        if exe and xload is None:
            xload = data[ph:ph + 56]
        run("%s.ph%d-off" % (base, i), put(data, ph + 8, "<Q", 0xFFFFFFFFFFFF0000), expect_error=exe)
        run("%s.ph%d-filesz" % (base, i), put(data, ph + 0x20, "<Q", 0x7FFFFFFFFFFFFFF0), expect_error=exe)
        run("%s.ph%d-vaddr-wrap" % (base, i), put(data, ph + 0x10, "<Q", 0xFFFFFFFFFFFFFFF0))
        run("%s.ph%d-align" % (base, i), put(data, ph + 0x30, "<Q", 3))
    if xload and phnum > 1:
        for i in range(phnum):
            ph = phoff + i * phentsize
            ptype = struct.unpack_from("<I", data, ph)[0]
            if ptype in (4, 0x6474E551, 0x6474E550):  # NOTE, GNU_STACK, EH_FRAME
                b = bytearray(data)
                b[ph:ph + 56] = xload
                struct.pack_into("<Q", b, ph + 0x10, struct.unpack_from("<Q", xload, 0x10)[0] + 0x10)
                run("%s.overlap%d" % (base, i), bytes(b))
                b[ph:ph + 56] = xload  # the very same segment twice
                run("%s.dup%d" % (base, i), bytes(b))

    # Random byte flips in the headers and in the whole file.
    rng = random.Random(42)
    hdr_end = min(n, max(phoff + phnum * phentsize, 64))
    for i in range(60):
        b = bytearray(data)
        for _ in range(rng.randrange(1, 16)):
            if rng.random() < 0.5:
                b[rng.randrange(0, hdr_end)] = rng.randrange(256)
            else:
                pos = rng.randrange(shoff, n) if shoff < n else rng.randrange(n)
                b[pos] = rng.randrange(256)
        run("%s.flip%d" % (base, i), bytes(b))

print("%d variants scanned" % count)
for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
