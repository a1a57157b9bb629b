// Compat.h - the differences between the LLVM majors Bulkhead builds against
// (19 and 22), kept in one place.
#ifndef BULKHEAD_COMPAT_H
#define BULKHEAD_COMPAT_H

#include "llvm/Config/llvm-config.h"

#if LLVM_VERSION_MAJOR >= 21
#include "llvm/Plugins/PassPlugin.h" // moved out of llvm/Passes in LLVM 21
#else
#include "llvm/Passes/PassPlugin.h"
#endif

#include "llvm/Analysis/CaptureTracking.h"
#include "llvm/IR/DebugInfoMetadata.h"

namespace bulkhead {
// Whether V's address may escape (stores of it count); the parameter for
// stores went away in LLVM 21.
inline bool mayBeCaptured(const llvm::Value *V) {
#if LLVM_VERSION_MAJOR >= 21
  return llvm::PointerMayBeCaptured(V, /*ReturnCaptures=*/true);
#else
  return llvm::PointerMayBeCaptured(V, /*ReturnCaptures=*/true,
                                    /*StoreCaptures=*/true);
#endif
}

// The DW_LANG_* of Unit, or 0 for a DWARF 6 language name (LLVM 22 keeps
// either).
inline unsigned sourceLanguageOf(const llvm::DICompileUnit &Unit) {
#if LLVM_VERSION_MAJOR >= 22
  llvm::DISourceLanguageName L = Unit.getSourceLanguage();
  return L.hasVersionedName() ? 0 : L.getName();
#else
  return Unit.getSourceLanguage();
#endif
}
} // namespace bulkhead

#endif
