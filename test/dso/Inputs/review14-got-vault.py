# review14-got-vault.py N DIR CLANG: writes DIR/gv.c, a vault whose entry
# compares a guess with its key (strcmp, a call through the object's GOT)
# and makes N calls of weak functions no object defines, whose relocations
# ld.so mostly processes after strcmp's; and builds DIR/libpad0..63.so,
# tiny libraries the vault is to be linked with: each of those lookups
# then searches them all. Together they make ld.so's window, between
# writing strcmp's GOT word and making the GOT read-only (RELRO), long
# (an object with many imports and dependencies).
import os, subprocess, sys
n, out, clang = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(os.path.join(out, "gv.c"), "w") as f:
    w = lambda s: f.write(s + "\n")
    w('#include <bulkhead.h>\n#include <string.h>')
    w('BULKHEAD_DATA(vault) static char key[32] = "TOP-SECRET-VAULT-KEY";')
    w('BULKHEAD_ENTRY(vault) int vault_check(const char *guess) {')
    w('  return strcmp(guess, key) == 0;')
    w('}')
    for i in range(n):
        w('extern void __attribute__((weak)) review14_pad%d(void);' % i)
    w('void review14_padding(int on) {')
    w('  if (!on)\n    return;')
    for i in range(n):
        w('  review14_pad%d();' % i)
    w('}')
for k in range(64):
    src = os.path.join(out, "pad%d.c" % k)
    with open(src, "w") as f:
        f.write("int review14_lib%d(void) { return %d; }\n" % (k, k))
    subprocess.check_call([clang, "-fPIC", "-shared", "-O2", src, "-o",
                           os.path.join(out, "libpad%d.so" % k)])
