/* llvmdis.h: LLVM's disassembler C API, with the X86 target initialised,
 * loaded on first use. */
#ifndef BULKHEAD_LLVMDIS_H
#define BULKHEAD_LLVMDIS_H

#include <llvm-c/Disassembler.h>

struct llvm_dis {
    LLVMDisasmContextRef (*create)(const char *triple, void *info, int tag_type, LLVMOpInfoCallback op_info,
                                   LLVMSymbolLookupCallback lookup);
    int (*set_options)(LLVMDisasmContextRef dc, uint64_t options);
    size_t (*disasm)(LLVMDisasmContextRef dc, uint8_t *bytes, uint64_t size, uint64_t pc, char *out, size_t out_size);
    void (*dispose)(LLVMDisasmContextRef dc);
};

/* The API, or NULL with *WHY saying why it cannot be loaded. */
const struct llvm_dis *llvm_dis(const char **why);

#endif
