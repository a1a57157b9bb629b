"""Makes a PKRU write across the edge of a shared object's marked code
segment, in place: vet-edge.py FILE writes 0F 01 into the last two bytes
of the segment's last page and EF into the first byte of the segment
mapped on the page after it, so that neither holds the whole pattern
(key-grant.test, vet-edge). A stand-in for an object whose layout put
one there."""
import struct
import sys

MARK, PAGE = 0x00100000, 4096
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
loads = [struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
         for i in range(phnum)]
loads = [p for p in loads if p[0] == 1]  # PT_LOAD: type, flags, offset, vaddr, ...
code = [p for p in loads if p[1] & MARK]
if not code:
    sys.exit("no marked segment in " + path)
_, _, off, vaddr, _, filesz, memsz, _ = code[0]
end = (vaddr + memsz + PAGE - 1) & ~(PAGE - 1)
after = [p for p in loads if p[3] == end and p[2] % PAGE == 0]
if not after:
    sys.exit("no segment begins on the page after the code in " + path)
last = (off & ~(PAGE - 1)) + (end - (vaddr & ~(PAGE - 1)))
data[last - 2:last] = b"\x0f\x01"
data[after[0][2]] = 0xEF
open(path, "wb").write(data)
