"""fake-record.py NM PROGRAM - prints what BULKHEAD_SHARE_RECORD would for
faults on Inputs/record-lib.c's blocks and stack: return addresses a few
bytes into each function of the stack, from the program's symbol table."""
import subprocess
import sys

nm, prog = sys.argv[1:3]
addr = {}
for line in subprocess.run([nm, "--defined-only", prog], capture_output=True,
                           text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3:
        addr[parts[2]] = int(parts[0], 16)


def at(name):
    return "%s+0x%x" % (prog, addr[name] + 4)


tramp = next(n for n in addr if n.startswith("__bulkhead_tramp.__bulkhead_body.lib_create."))
tramp_malloc = next(n for n in addr if n.startswith("__bulkhead_tramp.__bulkhead_body.lib_malloc."))
P = "bulkhead-share-record: "
print("some output of the program")
print(P + "fault lib 64 " + at("main"))
for f in ["alloc_base", "alloc_warn", "create_struct", "__bulkhead_body.lib_create", tramp]:
    print(P + "alloc " + at(f))
print(P + "end")
print("more output")
print(P + "fault lib 8 " + at("main"))
for f in ["alloc_base", "alloc_warn", "__bulkhead_body.lib_malloc", tramp_malloc]:
    print(P + "alloc " + at(f))
print(P + "end")
print(P + "stack lib " + at("cb"))
print(P + "frame " + at("__bulkhead_body.lib_callback"))
print(P + "end")
print(P + "fault lib 8 /no/such/object+0x10")
print(P + "end")
