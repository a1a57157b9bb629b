"""Moves one bound of a shared object's first compartment's data in place:
review13c-forge-data.py FILE FIELD DELTA, FIELD 0 (data_start) or 1
(data_end), DELTA added to the addend of the RELATIVE relocation that sets
that word of the first descriptor (the supervisor reads the bounds from
these addends, object-file.c). A stand-in for a file the attacker wrote."""
import struct
import sys

path, field, delta = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0)
data = bytearray(open(path, "rb").read())
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
def section(i):
    return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
strtab = section(shstrndx)[4]
sections = {}
for i in range(shnum):
    s = section(i)
    sections[data[strtab + s[0]:data.index(0, strtab + s[0])].decode()] = s
desc = sections["bulkhead_domains"][3]  # sh_addr
rela = sections[".rela.dyn"]
want = desc + 24 + 8 * field  # BH_DOMAIN_DATA_START / _END
for at in range(rela[4], rela[4] + rela[5], 24):
    off, info, addend = struct.unpack_from("<QQq", data, at)
    if off == want and info & 0xffffffff == 8:  # R_X86_64_RELATIVE
        struct.pack_into("<q", data, at + 16, addend + delta)
        open(path, "wb").write(data)
        sys.exit(0)
sys.exit("no RELATIVE relocation of the data bound in " + path)
