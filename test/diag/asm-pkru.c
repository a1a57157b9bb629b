// Inline assembly that writes PKRU (wrpkru, xrstor, xrstors by name, or
// their bytes in data directives) is an error at its line, unless the asm
// allowlist (-bulkhead-asm-allow=FILE, the driver's -fpkey-asm-allow) names
// its function, FILE:LINE (with -g) or FILE:* with a reason.
// RUN: not %clang_bh -c -o /dev/null %s 2>&1 | FileCheck %s
// RUN: not %clang_bh -g -c -o /dev/null %s 2>&1 | FileCheck %s

// By function name, and by the asm statement's line (debug info): only the
// file-scope asm is left, and FILE:* allows that too.
// RUN: %python -c "import sys; n=[i+1 for i,l in enumerate(open(sys.argv[1])) if l.rstrip().endswith('// LINE-KEY')][0]; print('# reviewed\nset_pkru  test: a raw WRPKRU on purpose\nspelled_bytes\tthe bytes on purpose\nrestore   test\nrestores  test\nstring_bytes test\nasm-pkru.c:%%d  test: by line' %% n)" %s > %t.allow
// RUN: not %clang_bh -g -mllvm -bulkhead-asm-allow=%t.allow -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=ALLOWED
// ALLOWED-NOT: error: bulkhead: inline
// ALLOWED: error: {{.*}}asm-pkru.c: bulkhead: file-scope assembly writes PKRU: XRSTORS in its data bytes (0f c7 1f)
// ALLOWED-NOT: error: bulkhead: inline
// RUN: cp %t.allow %t.allow2 && echo 'diag/asm-pkru.c:*  test: all of this file' >> %t.allow2
// RUN: %clang_bh -g -mllvm -bulkhead-asm-allow=%t.allow2 -c -o /dev/null %s
// Without -g the line is not known: the FILE:LINE entry allows nothing.
// RUN: not %clang_bh -mllvm -bulkhead-asm-allow=%t.allow -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=NOLINE
// NOLINE: error: bulkhead: inline assembly in 'by_line' writes PKRU

// The pass's own gates record their WRPKRU in .bulkhead.gates, where
// bulkhead-scan checks it at link time: not an error here.
// RUN: %opt -load-pass-plugin=%plugin -passes=bulkhead,bulkhead-asm-check -S %S/../pass/opt-ir.ll 2>&1 | FileCheck %s --check-prefix=GATES
// GATES-NOT: error
// GATES: wrpkru
// GATES-NOT: error

// An entry needs a reason; a key is FUNCTION, FILE:LINE or FILE:*.
// RUN: echo 'set_pkru' > %t.bad1
// RUN: not %clang_bh -mllvm -bulkhead-asm-allow=%t.bad1 -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=BAD1
// BAD1: error: bulkhead: asm allowlist: {{.*}}.bad1:1: entry 'set_pkru' has no reason: say why this asm may write PKRU
// RUN: echo 'a.c:x why' > %t.bad2
// RUN: not %clang_bh -mllvm -bulkhead-asm-allow=%t.bad2 -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=BAD2
// BAD2: error: bulkhead: asm allowlist: {{.*}}.bad2:1: 'a.c:x' is not FUNCTION, FILE:LINE or FILE:*
// RUN: not %clang_bh -mllvm -bulkhead-asm-allow=%t.none -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: bulkhead: asm allowlist: cannot read {{.*}}.none

void set_pkru(unsigned v) {
  __asm__ volatile("wrpkru" ::"a"(v), "c"(0), "d"(0) : "memory");
  // CHECK: asm-pkru.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: inline assembly in 'set_pkru' writes PKRU: WRPKRU ('wrpkru'); only Bulkhead's checked gates may (if this one must, list it with a reason in -fpkey-asm-allow=FILE)
}

// The line where the bytes complete the pattern.
void spelled_bytes(void) {
  __asm__ volatile("nop\n"
                   ".byte 0x0f, 0x01\n"
                   ".byte 0xef\n");
  // CHECK: asm-pkru.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: inline assembly in 'spelled_bytes' writes PKRU: WRPKRU in its data bytes (0f 01 ef)
}

void restore(void *p) {
  __asm__ volatile("lock; rex64 xrstor (%0)" ::"r"(p) : "memory");
  // CHECK: asm-pkru.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: inline assembly in 'restore' writes PKRU: XRSTOR ('xrstor')
}

void restores(void *p) {
  __asm__ volatile("1: XRSTORS64 (%0)" ::"r"(p) : "memory");
  // CHECK: asm-pkru.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: inline assembly in 'restores' writes PKRU: XRSTORS ('XRSTORS64')
}

void string_bytes(void) {
  __asm__ volatile(".ascii \"\\x0f\\001\\357\"");
  // CHECK: asm-pkru.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: inline assembly in 'string_bytes' writes PKRU: WRPKRU in its data bytes (0f 01 ef)
}

void by_line(void) {
  __asm__ volatile(".short 0x010f, 0x28ef"); // LINE-KEY
  // CHECK: asm-pkru.c:[[@LINE-1]]:{{[0-9]+}}: error: bulkhead: inline assembly in 'by_line' writes PKRU: WRPKRU in its data bytes (0f 01 ef)
}

// Not PKRU writers: reading it, LFENCE (0F AE E8), XSAVE (0F AE /4), the
// name in a string, a value only an expression knows.
void fine(void) {
  __asm__ volatile("rdpkru; lfence; .byte 0x0f, 0xae, 0xe8, 0x0f, 0xae, 0x27\n"
                   ".ascii \"wrpkru\"; .byte 0x0f, 0x01, 1+0xee" ::: "eax", "ecx", "edx");
}

__asm__(".pushsection .text.x\n.byte 0x0f, 0xc7, 0x1f\n.popsection");
// CHECK: error: {{.*}}asm-pkru.c: bulkhead: file-scope assembly writes PKRU: XRSTORS in its data bytes (0f c7 1f)
// CHECK-NOT: error:
// CHECK: 7 errors generated
