"""The gate manifest (.bulkhead.gates) of a linked x86-64 ELF program.

  gate-manifest.py list PROGRAM       'manifest: N gates', then each address
  gate-manifest.py break PROGRAM OUT  OUT is PROGRAM with the ud2 of its
                                      first listed gate made two NOPs;
                                      prints 'patched: 0xADDR'
  gate-manifest.py bytes PROGRAM      for each distinct encoding found, the
                                      count of listed gates that hold it:
                                      'N gates: MOV ? WRITE CMP ? JE UD2',
                                      the bytes around the listed address
                                      with the words' displacements as '?'

Entries of 0 or ~0 (code the linker discarded) are left out, and an address
listed twice counts once, as bulkhead-scan counts them."""
import shutil
import struct
import sys


def elf(data):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("gate-manifest.py: error: not a 64-bit little-endian ELF file")
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", data, 0x36)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = sections[shstrndx]
    def name(s):
        start = strtab[4] + s[0]
        return data[start:data.index(b"\0", start)].decode()
    loads = []
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:  # PT_LOAD
            loads.append((p_vaddr, p_offset, p_filesz))
    gates = set()
    for s in sections:
        if name(s) == ".bulkhead.gates":
            for (a,) in struct.iter_unpack("<Q", data[s[4]:s[4] + s[5]]):
                if a not in (0, 2**64 - 1):
                    gates.add(a)
    return sorted(gates), loads


def offset(loads, addr):
    for vaddr, off, size in loads:
        if vaddr <= addr < vaddr + size:
            return off + addr - vaddr
    sys.exit("gate-manifest.py: error: 0x%x is in no loaded segment" % addr)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("list", "break", "bytes"):
        sys.exit("usage: gate-manifest.py list PROGRAM | break PROGRAM OUT | bytes PROGRAM")
    data = open(sys.argv[2], "rb").read()
    gates, loads = elf(data)
    if sys.argv[1] == "list":
        print("manifest: %d gates" % len(gates))
        for g in gates:
            print("gate: 0x%x" % g)
        return
    if not gates:
        sys.exit("gate-manifest.py: error: no gate listed")
    if sys.argv[1] == "bytes":
        # BH_GATE_LOAD_BEFORE 6 .. the ud2's end (BH_GATE_UD2_AT 11, + 2).
        kinds = {}
        for g in gates:
            at = offset(loads, g)
            b = data[at - 6:at + 13]
            text = " ".join([b[0:2].hex(), "?", b[6:9].hex(), b[9:11].hex(), "?",
                             b[15:17].hex(), b[17:19].hex()])
            kinds[text] = kinds.get(text, 0) + 1
        for text, n in sorted(kinds.items()):
            print("%d gates: %s" % (n, text))
        return
    # The checked gate: WRPKRU at the listed address, then cmp (6 bytes),
    # je over (2), ud2 (2): BH_GATE_UD2_AT in include/bulkhead/abi.h.
    at = offset(loads, gates[0]) + 11
    if data[at:at + 2] != b"\x0f\x0b":
        sys.exit("gate-manifest.py: error: no ud2 where the gate at 0x%x has it" % gates[0])
    shutil.copyfile(sys.argv[2], sys.argv[3])
    with open(sys.argv[3], "r+b") as f:
        f.seek(at)
        f.write(b"\x90\x90")
    print("patched: 0x%x" % gates[0])


main()
