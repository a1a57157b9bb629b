// A C program with DWARF: hits carry source file:line; the same results in
// text, JSON and SARIF; an allowlist entry vets one hit, and a vetted hit is
// a suppressed SARIF result.

// RUN: %clang -g -O1 %s -o %t
// RUN: %llvm_bin/llvm-nm %t > %t.nm
// RUN: %python %S/Inputs/rc.py %bulkhead_scan %t > %t.txt
// RUN: cat %t.nm %t.txt | FileCheck %s --check-prefix=TEXT -DFILE=%t -DSRC=%s

// RUN: %python %S/Inputs/rc.py %bulkhead_scan --format=json -o %t.json %t | FileCheck %s --check-prefix=RC1
// RUN: %python %S/Inputs/check_report.py json %t.json > %t.json.digest
// RUN: cat %t.nm %t.json.digest | FileCheck %s --check-prefix=JSON -DSRC=%s

// RUN: %python %S/Inputs/rc.py %bulkhead_scan --format=sarif -o %t.sarif %t | FileCheck %s --check-prefix=RC1
// RUN: %python %S/Inputs/check_report.py sarif %t.sarif > %t.sarif.digest
// RUN: cat %t.nm %t.sarif.digest | FileCheck %s --check-prefix=SARIF

// The allowlist vets leak_imm's hit by exact address; leak_xrstor stays.
// RUN: %python -c "import re,sys; a=[l.split()[0] for l in open(sys.argv[1]) if l.split()[-1]=='leak_imm'][0]; print('# reviewed\n%%s 0x%%x  constant from the spec, never executed' %% (sys.argv[2].rsplit('/',1)[1], int(a,16)+1))" %t.nm %t > %t.allow
// RUN: %python %S/Inputs/rc.py %bulkhead_scan --allow=%t.allow --format=sarif -o %t.a.sarif %t | FileCheck %s --check-prefix=RC1
// RUN: %python %S/Inputs/check_report.py sarif %t.a.sarif > %t.a.digest
// RUN: cat %t.nm %t.a.digest | FileCheck %s --check-prefix=ALLOW

// TEXT-DAG: [[#%x,IMM:]] T leak_imm
// TEXT-DAG: [[#%x,XR:]] T leak_xrstor

// leak_imm: line 28
int leak_imm(void) { return 0x00ef010f; }

// TEXT: [[FILE]]: 0x[[#%x,IMM+1]]: error: unvetted WRPKRU in the immediate of 'movl $0xef010f, %eax' (leak_imm+0x1, [[SRC]]:[[@LINE-2]])
// TEXT-NEXT: section .text, file offset 0x[[#%x,IMM+1]], bytes {{.*}}[0f 01 ef]

// leak_xrstor: line 34
unsigned long long leak_xrstor(void) { return 0x0000002cae0f0000ull; }

// TEXT: [[FILE]]: 0x[[#%x,XR+4]]: error: unvetted XRSTOR in the immediate of 'movabsq $0x2cae0f0000, %rax' (leak_xrstor+0x4, [[SRC]]:[[@LINE-2]])
// TEXT: rc=1

// JSON-DAG: [[#%x,IMM:]] T leak_imm
// JSON-DAG: [[#%x,XR:]] T leak_xrstor
// JSON: finding WRPKRU imm 0x[[#%x,IMM+1]] vetted=false sym=leak_imm+1 src=[[SRC]]:28 insn=movl $0xef010f, %eax
// JSON: finding XRSTOR imm 0x[[#%x,XR+4]] vetted=false sym=leak_xrstor+4 src=[[SRC]]:34 insn=movabsq $0x2cae0f0000, %rax
// JSON: summary unvetted=2 vetted=0 errors=0
// JSON: valid json

// SARIF-DAG: [[#%x,IMM:]] T leak_imm
// SARIF-DAG: [[#%x,XR:]] T leak_xrstor
// SARIF: driver bulkhead-scan
// SARIF: executionSuccessful true
// SARIF: result BH1001 error imm addr=0x[[#%x,IMM+1]] uri={{.*}}report.c region={"startLine": 28}
// SARIF: result BH1002 error imm addr=0x[[#%x,XR+4]] uri={{.*}}report.c region={"startLine": 34}
// SARIF: valid sarif

// ALLOW-DAG: [[#%x,IMM:]] T leak_imm
// ALLOW: result BH1001 error suppressed imm addr=0x[[#%x,IMM+1]]
// ALLOW: result BH1002 error imm
// ALLOW: valid sarif

// RC1: rc=1

int main(void) { return leak_imm() == (int)leak_xrstor(); }
