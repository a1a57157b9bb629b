"""Rewrites one offset of the Bulkhead note of a shared object in place:
forge-note.py FILE FIELD DELTA, FIELD 0 (descriptors' start), 1 (their
end) or 2 (the copies), DELTA added to that i64 offset. A stand-in for an
object whose note was edited after the link."""
import struct
import sys

path, field, delta = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0)
data = bytearray(open(path, "rb").read())
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
def section(i):
    return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
strtab = section(shstrndx)[4]
for i in range(shnum):
    s = section(i)
    name = data[strtab + s[0]:data.index(0, strtab + s[0])].decode()
    if name == ".note.bulkhead":
        namesz, = struct.unpack_from("<I", data, s[4])
        at = s[4] + 12 + ((namesz + 3) & ~3) + 8 * field
        value, = struct.unpack_from("<q", data, at)
        struct.pack_into("<q", data, at, value + delta)
        open(path, "wb").write(data)
        sys.exit(0)
sys.exit("no .note.bulkhead in " + path)
