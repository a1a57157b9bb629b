/* llvmdis.c: see llvmdis.h.
 *
 * Built with BULKHEAD_SCAN_LIBLLVM (the path of the shared libLLVM), the
 * library is opened with dlopen the first time a hit needs decoding:
 * loading and initialising libLLVM costs a process more CPU time than
 * searching a hundred megabytes of code, and most files have no hit in
 * code at all. Without it (LLVM linked statically, or the fuzz target) the
 * linked functions are used. */
#include "llvmdis.h"

#include <llvm-c/Target.h>
#include <stddef.h>

#ifdef BULKHEAD_SCAN_LIBLLVM
#include <dlfcn.h>
#include <stdio.h>

const struct llvm_dis *llvm_dis(const char **why)
{
    static struct llvm_dis api;
    static int state; /* 0 not tried, 1 loaded, -1 failed */
    static char error[512];
    if (state == 0) {
        state = -1;
        void *lib = dlopen(BULKHEAD_SCAN_LIBLLVM, RTLD_LAZY | RTLD_LOCAL);
        const char *init_names[] = {"LLVMInitializeX86TargetInfo", "LLVMInitializeX86TargetMC",
                                    "LLVMInitializeX86Disassembler"};
        void (*init[3])(void) = {0};
        for (int i = 0; lib && i < 3; i++)
            *(void **)&init[i] = dlsym(lib, init_names[i]);
        if (lib) {
            *(void **)&api.create = dlsym(lib, "LLVMCreateDisasm");
            *(void **)&api.set_options = dlsym(lib, "LLVMSetDisasmOptions");
            *(void **)&api.disasm = dlsym(lib, "LLVMDisasmInstruction");
            *(void **)&api.dispose = dlsym(lib, "LLVMDisasmDispose");
        }
        if (lib && init[0] && init[1] && init[2] && api.create && api.set_options && api.disasm && api.dispose) {
            for (int i = 0; i < 3; i++)
                init[i]();
            state = 1;
        } else {
            const char *e = dlerror();
            snprintf(error, sizeof error, "%s", e ? e : BULKHEAD_SCAN_LIBLLVM ": symbols missing");
        }
    }
    if (state < 0) {
        *why = error;
        return NULL;
    }
    return &api;
}

#else

const struct llvm_dis *llvm_dis(const char **why)
{
    static const struct llvm_dis api = {LLVMCreateDisasm, LLVMSetDisasmOptions, LLVMDisasmInstruction,
                                        LLVMDisasmDispose};
    static int initialised;
    (void)why;
    if (!initialised) {
        LLVMInitializeX86TargetInfo();
        LLVMInitializeX86TargetMC();
        LLVMInitializeX86Disassembler();
        initialised = 1;
    }
    return &api;
}

#endif
