// LibcTls.cpp - compartment code reaches libc's thread-local variables
// (errno, h_errno, the ctype tables) without the thread pointer at %fs:0.
//
// glibc's __errno_location() and its kin add a variable's offset to the
// word at %fs:0, the TCB's pointer to itself: key-0 memory that the default
// domain can rewrite, which turns a compartment's `errno = 0` into a write
// of the attacker's choosing with the compartment's rights (threat-model.md,
// "errno and the thread pointer"). In compartment code (entries' bodies,
// internal functions, whole-library code and the compartment's copies of
// helpers) every use of such an accessor changes:
//  - a call whose result is only loaded from or stored to becomes an
//    %fs-relative access (address space 257) at the variable's offset from
//    the runtime's read-only table BH_SYM_TLS_OFFSETS: `movl $0,
//    %fs:(%rax)`, no call, no thread pointer;
//  - any other use (the address escapes, a pointer to the accessor) calls
//    the runtime's accessor instead, which adds the offset to the FS base
//    the CPU reports (RDFSBASE, or arch_prctl where the kernel does not
//    enable it; runtime/tls.c).
// Default-domain code keeps libc's accessors: it already holds every right
// such a write could use.
#include "../include/bulkhead/abi.h"
#include "Instrumenter.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"

using namespace llvm;

namespace bulkhead {

namespace {
struct LibcTlsAccessor {
  StringRef Libc, Ours;
  unsigned Index;
};
constexpr LibcTlsAccessor Accessors[] = {
#define ACCESSOR(i, libc, ours) {#libc, #ours, i},
    BH_TLS_ACCESSORS(ACCESSOR)
#undef ACCESSOR
};
constexpr unsigned FsAddressSpace = 257; // x86: %fs-relative

// Whether the call's result is only the address of loads and stores.
bool onlyLoadedOrStored(const CallInst &Call) {
  for (const User *U : Call.users()) {
    if (auto *Ld = dyn_cast<LoadInst>(U);
        Ld && Ld->getPointerOperand() == &Call)
      continue;
    if (auto *St = dyn_cast<StoreInst>(U); St &&
                                           St->getPointerOperand() == &Call &&
                                           St->getValueOperand() != &Call)
      continue;
    return false;
  }
  return true;
}
} // namespace

// The variable's %fs-relative address: its offset, read from the runtime's
// table, which is fixed before any compartment code runs.
static Value *fsRelativeAddress(IRBuilder<> &B, Module &M, unsigned Index) {
  LLVMContext &Ctx = M.getContext();
  auto *I64 = Type::getInt64Ty(Ctx);
  auto *TableTy = ArrayType::get(I64, BH_TLS_ACCESSOR_COUNT);
  auto *Table =
      cast<GlobalVariable>(M.getOrInsertGlobal(BH_SYM_TLS_OFFSETS, TableTy));
  Table->setVisibility(GlobalValue::HiddenVisibility);
  LoadInst *Offset =
      B.CreateLoad(I64, B.CreateConstInBoundsGEP2_32(TableTy, Table, 0, Index),
                   "tls.offset");
  Offset->setMetadata(LLVMContext::MD_invariant_load, MDNode::get(Ctx, {}));
  return B.CreateIntToPtr(Offset, PointerType::get(Ctx, FsAddressSpace),
                          "tls.fs");
}

void Instrumenter::rewriteLibcTlsAccessors() {
  for (const LibcTlsAccessor &Acc : Accessors) {
    Function *Libc = M.getFunction(Acc.Libc);
    if (!Libc || !Libc->isDeclaration())
      continue;
    SmallVector<Use *, 8> Uses;
    for (Use &U : Libc->uses())
      Uses.push_back(&U);
    for (Use *U : Uses) {
      auto *I = dyn_cast<Instruction>(U->getUser());
      if (!I)
        continue; // in a constant: no compartment's code
      Function *F = I->getFunction();
      Domain D = domainOf(*F);
      if (D.kind != Domain::Compartment || F->hasFnAttribute(WrapperAttr))
        continue;
      // The table is the runtime's: a module with compartment code
      // already needs it (markCompartments), and now does for sure.
      getOrCreateDescriptor(D.name);
      auto *Call = dyn_cast<CallInst>(I);
      if (Call && Call->isCallee(U) && onlyLoadedOrStored(*Call)) {
        IRBuilder<> B(Call);
        Value *Address = fsRelativeAddress(B, M, Acc.Index);
        for (User *UU : SmallVector<User *, 4>(Call->users())) {
          if (auto *Ld = dyn_cast<LoadInst>(UU))
            Ld->setOperand(Ld->getPointerOperandIndex(), Address);
          else
            cast<StoreInst>(UU)->setOperand(StoreInst::getPointerOperandIndex(),
                                            Address);
        }
        Call->eraseFromParent();
        continue;
      }
      FunctionCallee Ours = M.getOrInsertFunction(
          Acc.Ours, Libc->getFunctionType(), Libc->getAttributes());
      cast<Function>(Ours.getCallee())
          ->setVisibility(GlobalValue::HiddenVisibility);
      U->set(Ours.getCallee());
    }
  }
}

} // namespace bulkhead
