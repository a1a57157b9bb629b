# lit configuration for Bulkhead. Every tool is pinned to the LLVM the pass
# was built for: a plugin loads only into the clang of its own major.
import os
import subprocess

import lit.formats

config.name = "Bulkhead (LLVM %s)" % config.llvm_major
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".ll", ".test", ".s", ".cpp"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in", "pku-probe.c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.bulkhead_prefix, "test-out")

prefix = config.bulkhead_prefix
llvm_bin = config.llvm_bin
config.environment["PATH"] = os.pathsep.join([llvm_bin, config.environment.get("PATH", "/usr/bin:/bin")])
for var in os.environ:
    if var in ("HOME", "TMPDIR") or var.startswith("BULKHEAD_VM_") or var == "BULKHEAD_TEST_VM":
        config.environment[var] = os.environ[var]

plugin = os.path.join(prefix, "lib", "bulkhead", "BulkheadPass.so")
vm_run = os.path.join(config.bulkhead_src, "test", "vm", "pku-vm-run")
include = os.path.join(prefix, "include")
config.substitutions += [
    # clang with the pass loaded directly, bypassing the driver: pass tests.
    # %clang_bh builds what the driver ships (per-compartment stacks, the
    # pass's default too); %clang_bh_shared what -fno-pkey-compartment-stacks
    # builds. Both load the plugin early, so -mllvm -bulkhead-* options parse.
    # Neither asks for the debug info the driver adds for record layouts
    # (pass/record-layouts.c tests that through the driver).
    ("%clang_bh_shared", "%s -Xclang -load -Xclang %s -fpass-plugin=%s -I%s -D__BULKHEAD__=1 -mllvm -bulkhead-stacks=false" % (os.path.join(llvm_bin, "clang"), plugin, plugin, include)),
    ("%clang_bh", "%s -Xclang -load -Xclang %s -fpass-plugin=%s -I%s -D__BULKHEAD__=1" % (os.path.join(llvm_bin, "clang"), plugin, plugin, include)),
    # opt with the pass, likewise for both modes.
    ("%opt_bh_shared", "%s -load %s -load-pass-plugin=%s -bulkhead-stacks=false" % (os.path.join(llvm_bin, "opt"), plugin, plugin)),
    ("%opt_bh", "%s -load %s -load-pass-plugin=%s" % (os.path.join(llvm_bin, "opt"), plugin, plugin)),
    ("%bulkhead_clangxx", os.path.join(prefix, "bin", "bulkhead-clang++")),
    ("%bulkhead_clang", os.path.join(prefix, "bin", "bulkhead-clang")),
    ("%bulkhead_scan", os.path.join(prefix, "bin", "bulkhead-scan")),
    ("%clangxx", os.path.join(llvm_bin, "clang++")),
    ("%clang", os.path.join(llvm_bin, "clang")),
    ("%opt", os.path.join(llvm_bin, "opt")),
    ("%plugin", plugin),
    ("%llvm_bin", llvm_bin),
    ("%prefix", prefix),
    ("%src", config.bulkhead_src),
    ("%python", "python3"),
    ("%vm_run", vm_run),
]
# The runtime's source files by name (runtime/*.c, patterns/*.c, all linked
# into the runtime): attacks-runtime-state.c checks the data of each, so a
# new file is covered without a list to keep.
import glob
config.substitutions.append(("%bh_runtime_files", " ".join(sorted(
    os.path.basename(f) for d in ("runtime", "patterns")
    for f in glob.glob(os.path.join(config.bulkhead_src, d, "*.c"))))))
config.available_features.add("llvm%s" % config.llvm_major)

# Tests that need real protection keys run natively where pkey_alloc works,
# else inside a QEMU guest whose emulated CPU has PKU (test/vm), else they
# are UNSUPPORTED, and we say why.
probe = os.path.join(prefix, "test-bin", "bulkhead-pku-probe")
status = subprocess.run([probe], capture_output=True, text=True).stdout.strip()
run_prefix = None
if status == "pku: yes":
    # Reports death by a signal as the guest's runner does (its name on
    # stderr), so a test expects the same output in both places.
    run_prefix = os.path.join(config.bulkhead_src, "test", "vm", "pku-native-run")
    config.available_features.add("pku-native")
else:
    lit_config.note("this host has no usable protection keys: %s" % status)
    if os.environ.get("BULKHEAD_TEST_VM", "1") != "0" and os.access(vm_run, os.X_OK):
        vm = subprocess.run([vm_run, "--probe"], capture_output=True, text=True)
        if vm.stdout.strip() == "pku: yes":
            run_prefix = vm_run + " --"
            config.available_features.add("pku-vm")
            lit_config.note("PKU tests run in a QEMU guest with emulated PKU (test/vm)")
        else:
            lit_config.note("QEMU PKU guest unavailable: %s %s" % (vm.stdout.strip(), vm.stderr.strip()[-300:]))
# Tests of the AVX-512 state the scrubs clear run natively (registers do
# not depend on keys being enforced; the guest has no AVX-512).
with open("/proc/cpuinfo") as cpuinfo:
    flags = next((l.split() for l in cpuinfo if l.startswith("flags")), [])
if "avx512f" in flags and "avx512bw" in flags:
    config.available_features.add("avx512")
else:
    lit_config.note("this host has no AVX-512: the evex scrub test is UNSUPPORTED")
if run_prefix is not None:
    config.available_features.add("pku")
else:
    lit_config.note("tests that REQUIRE pku are UNSUPPORTED: no protection keys here")
config.substitutions.append(("%run", run_prefix if run_prefix is not None else "false"))

if os.path.exists("/usr/lib/llvm-%s/lib/clang" % config.llvm_major):
    import glob
    if glob.glob("/usr/lib/llvm-%s/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" % config.llvm_major):
        config.available_features.add("libfuzzer")

# The zlib case study (test/casestudy) builds zlib from Debian's source
# package, fetched once into the build tree, never committed.
zlib_cache = os.path.join(prefix, "casestudy-cache")
try:
    fetch = subprocess.run([os.path.join(config.bulkhead_src, "examples", "zlib", "fetch-zlib.sh"), zlib_cache],
                           capture_output=True, text=True, timeout=300)
    why = fetch.stderr.strip() if fetch.returncode else None
except subprocess.TimeoutExpired:
    why = "fetching it took over 300 s"
if why is None:
    config.available_features.add("zlib-source")
    config.environment["BULKHEAD_ZLIB_CACHE"] = zlib_cache
else:
    lit_config.note("zlib case study UNSUPPORTED: no zlib source: %s" % why)

# Real projects (test/realworld): Debian 12 source packages at the versions
# of bookworm's main archive (the security archive serves only its newest),
# fetched once into the build tree like zlib, built unmodified by their own
# build systems. Feature NAME-source and substitution %NAME_src per project;
# one that cannot be fetched is UNSUPPORTED, and we say so. They take ~10
# minutes per LLVM on two cores, most of it building SQLite and running the
# suites in the TCG guest; the pass is the same source for both LLVMs, so
# they run against LLVM 19 only, unless BULKHEAD_REALWORLD=all.
if config.llvm_major == "19" or os.environ.get("BULKHEAD_REALWORLD") == "all":
    config.available_features.add("realworld")
    for name, package, version in [("sqlite3", "sqlite3", "3.40.1-2+deb12u2"),
                                   ("libpng", "libpng1.6", "1.6.39-2+deb12u5"),
                                   ("json-c", "json-c", "0.16-2"),
                                   ("xz", "xz-utils", "5.4.1-1+deb12u1"),
                                   ("jsoncpp", "libjsoncpp", "1.9.5-4")]:
        try:
            fetch = subprocess.run([os.path.join(config.bulkhead_src, "scripts", "fetch-source.sh"),
                                    package, version, zlib_cache],
                                   capture_output=True, text=True, timeout=300)
            why = fetch.stderr.strip() if fetch.returncode else None
        except subprocess.TimeoutExpired:
            why = "fetching it took over 300 s"
        if why is None:
            config.available_features.add(name + "-source")
            config.substitutions.append(("%%%s_src" % name.replace("-", "_"), fetch.stdout.strip()))
            if name == "libpng":  # the libpng case study (test/casestudy) too
                config.environment["BULKHEAD_LIBPNG_CACHE"] = zlib_cache
        else:
            lit_config.warning("test/realworld/%s*.test SKIPPED (UNSUPPORTED): no %s source: %s"
                               % (name, name, why))
else:
    lit_config.note("test/realworld: not run against LLVM %s (LLVM 19 only, unless "
                    "BULKHEAD_REALWORLD=all)" % config.llvm_major)
