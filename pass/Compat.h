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

#endif
