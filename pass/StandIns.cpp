// StandIns.cpp - see StandIns.h and docs/design.md ("Links without the
// runtime").
#include "StandIns.h"
#include "../include/bulkhead/abi.h"
#include "Instrumenter.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace bulkhead {

static void makeStandIn(GlobalObject &GO) {
  // Weak, not weak_odr: the runtime's definition differs, so nothing may
  // inline a stand-in or fold a load from one (enforced = 0 would remove
  // the gates of a program that has the runtime).
  GO.setLinkage(GlobalValue::WeakAnyLinkage);
  GO.setVisibility(GlobalValue::HiddenVisibility);
  GO.setComdat(GO.getParent()->getOrInsertComdat(GO.getName()));
}

// Named and defined only here; the runtime's definitions override them.
static GlobalVariable *standInData(Module &M, StringRef Name, Constant *Init) {
  if (M.getNamedValue(Name))
    return nullptr;
  auto *GV = new GlobalVariable(M, Init->getType(), true,
                                GlobalValue::WeakAnyLinkage, Init, Name);
  makeStandIn(*GV);
  return GV;
}

static Function *standInFunction(Module &M, StringRef Name, FunctionType *FT) {
  // Defined here already, or the name is taken by something else (libtool's
  // configure declares every symbol nm listed as `char NAME;`): no
  // stand-in, the link decides.
  if (GlobalValue *GV = M.getNamedValue(Name)) {
    auto *F = dyn_cast<Function>(GV);
    if (!F || !F->isDeclaration())
      return nullptr;
  }
  auto *F = cast<Function>(M.getOrInsertFunction(Name, FT).getCallee());
  makeStandIn(*F);
  F->addFnAttr(WrapperAttr); // not instrumented
  F->addFnAttr(Attribute::NoUnwind);
  return F;
}

// Called from the pass's assembly with conventions of their own: their
// stand-ins are assembly too.
static void standInAsm(Module &M, StringRef Name, StringRef Body) {
  auto *FT = FunctionType::get(Type::getVoidTy(M.getContext()), false);
  Function *F = standInFunction(M, Name, FT);
  if (!F)
    return;
  F->addFnAttr(Attribute::Naked);
  IRBuilder<> B(BasicBlock::Create(M.getContext(), "", F));
  B.CreateCall(InlineAsm::get(FT, Body, "", true));
  B.CreateUnreachable();
}

static const char *const LibcTlsReplacements[][2] = {
#define PAIR(i, libc, ours) {#libc, #ours},
    BH_TLS_ACCESSORS(PAIR)
#undef PAIR
};

void defineStandIns(Module &M) {
  LLVMContext &Ctx = M.getContext();
  auto *I32 = Type::getInt32Ty(Ctx);
  // The default descriptor's first words (struct bulkhead_domain): enforced
  // is 0, so every gate skips its WRPKRU. A jump straight to one of them
  // passes its check only with this PKRU, which opens key 0 alone.
  // Counting, the owner check and the vector state are 0 too: the count
  // steps and the stacks' owner checks do nothing, the scrubs clear
  // xmm0-15 only.
  auto *Gap =
      ArrayType::get(Type::getInt8Ty(Ctx), BH_DOMAIN_COUNTING - BH_DOMAIN_NAME);
  Constant *Default = ConstantStruct::getAnon(
      {ConstantInt::get(I32, 0xfffffffcu), ConstantInt::get(I32, -1),
       ConstantInt::get(I32, BH_ABI_VERSION), ConstantInt::get(I32, 0),
       ConstantAggregateZero::get(Gap), ConstantInt::get(I32, 0),
       ConstantInt::get(I32, 0), ConstantInt::get(I32, 0)});
  const StructLayout *SL =
      M.getDataLayout().getStructLayout(cast<StructType>(Default->getType()));
  if (SL->getElementOffset(0) != BH_DOMAIN_PKRU ||
      SL->getElementOffset(2) != BH_DOMAIN_ABI_VERSION ||
      SL->getElementOffset(3) != BH_DOMAIN_ENFORCED ||
      SL->getElementOffset(5) != BH_DOMAIN_COUNTING ||
      SL->getElementOffset(6) != BH_DOMAIN_OWNER_CHECK ||
      SL->getElementOffset(7) != BH_DOMAIN_VECTOR_STATE)
    report_fatal_error("bulkhead: the stand-in default descriptor does not "
                       "match include/bulkhead/abi.h (BH_DOMAIN_*)",
                       /*gen_crash_diag=*/false);
  standInData(M, BH_SYM_DOMAIN0, Default);
  // Read only where something is enforced.
  standInData(M, BH_SYM_INDEX_TABLE,
              ConstantAggregateZero::get(ArrayType::get(I32, 1)));
  // After pointer calls: nothing enforced, nothing to put back.
  standInAsm(M, BH_SYM_REENTER_DEFAULT, "ret");
  // Nothing enforced: no exception to hand over (the pad's return point
  // is in r11, CallGates.cpp).
  standInAsm(M, BH_SYM_EXCEPTION_ARRIVES, "jmpq *%r11");
  // Reached only with a compartment's rights, which no gate here installs.
  standInAsm(M, BH_SYM_CALLER_INDEX, "ud2");
  standInAsm(M, BH_SYM_RETURN_TO_INDEX, "ud2");

  // libc's TLS accessors' replacements (pass/LibcTls.cpp), where this
  // module calls them: libc's own, as uninstrumented code would call.
  for (const char *const *Pair : LibcTlsReplacements) {
    Function *Ours = M.getFunction(Pair[1]);
    if (!Ours || !Ours->isDeclaration())
      continue;
    FunctionType *FT = Ours->getFunctionType();
    AttributeList Attrs = Ours->getAttributes();
    FunctionCallee Libc = M.getOrInsertFunction(Pair[0], FT, Attrs);
    standInFunction(M, Pair[1], FT);
    IRBuilder<> B(BasicBlock::Create(Ctx, "", Ours));
    B.CreateRet(B.CreateCall(Libc));
  }

  // The FS base for compartment code's own thread-local addresses
  // (pass/ThreadLocals.cpp), where this module asks for it: the thread
  // pointer, as uninstrumented code would use.
  if (Function *F = M.getFunction(BH_SYM_FS_BASE); F && F->isDeclaration())
    standInAsm(M, BH_SYM_FS_BASE, "movq %fs:0, %rax\nret");

  // A call the pass could not gate (runtime/util.c): say why on stderr
  // and stop. System calls, not libc: the module may define its own write.
  standInAsm(M, BH_SYM_UNSUPPORTED_CALL,
             "movq %rdi, %rsi\n"
             "xorl %edx, %edx\n"
             "1: cmpb $$0, (%rsi,%rdx)\nje 2f\nincq %rdx\njmp 1b\n"
             "2: movl $$2, %edi\nmovl $$1, %eax\nsyscall\n" // write
             "pushq $$10\nmovq %rsp, %rsi\nmovl $$1, %edx\n"
             "movl $$2, %edi\nmovl $$1, %eax\nsyscall\n"
             "movl $$1, %edi\nmovl $$231, %eax\nsyscall\n" // exit_group
             "ud2");
}

Constant *runtimeRequirement(Module &M, GlobalVariable *From) {
  auto *I64 = Type::getInt64Ty(M.getContext());
  auto *Needed = M.getOrInsertGlobal(BH_SYM_RUNTIME_REQUIRED,
                                     Type::getInt8Ty(M.getContext()));
  cast<GlobalValue>(Needed)->setVisibility(GlobalValue::HiddenVisibility);
  // Relative: no relocation left for run time.
  return ConstantExpr::getTrunc(
      ConstantExpr::getSub(ConstantExpr::getPtrToInt(Needed, I64),
                           ConstantExpr::getPtrToInt(From, I64)),
      Type::getInt32Ty(M.getContext()));
}

} // namespace bulkhead
