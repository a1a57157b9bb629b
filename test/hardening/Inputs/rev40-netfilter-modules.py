"""Copies the netfilter modules attacks-rev40-proc-net-dac.c loads (and
what they need) for every kernel under /lib/modules into OUT/<release>/,
so that the loader in the guest (or natively) finds its kernel's."""
import glob
import os
import shutil
import sys

MODULES = ["crypto/crc32c_generic.ko", "lib/libcrc32c.ko",
           "net/ipv4/netfilter/nf_defrag_ipv4.ko",
           "net/ipv6/netfilter/nf_defrag_ipv6.ko",
           "net/netfilter/nf_conntrack.ko", "net/netfilter/x_tables.ko",
           "net/ipv4/netfilter/ip_tables.ko"]

out = sys.argv[1]
for release in glob.glob("/lib/modules/*"):
    paths = [os.path.join(release, "kernel", m) for m in MODULES]
    if all(os.path.exists(p) for p in paths):
        dest = os.path.join(out, os.path.basename(release))
        os.makedirs(dest, exist_ok=True)
        for p in paths:
            shutil.copy(p, dest)
