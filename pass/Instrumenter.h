// Instrumenter.h - the state of one run of the Bulkhead pass over a module,
// shared by the files that implement its transformations, each named for
// what it does: CompartmentPass.cpp (the pass and the order of its phases),
// Compartments.cpp (descriptors, data sections), Entries.cpp (bodies and
// thunks), HelperCopies.cpp (each compartment's copies of helpers),
// Wrappers.cpp (function-pointer wrappers), CallGates.cpp (gates at calls),
// Stacks.cpp (-bulkhead-stacks trampolines), Share.cpp (sharing policies),
// LibcTls.cpp and ThreadLocals.cpp (thread-local variables in compartment
// code).
// Which domain each function runs in is the domain analysis's
// (DomainAnalysis.h), computed before any of them.
#ifndef BULKHEAD_INSTRUMENTER_H
#define BULKHEAD_INSTRUMENTER_H

#include "../include/bulkhead/abi.h"
#include "Annotations.h"
#include "DomainAnalysis.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bulkhead {

class AsmEmitter;

// The registers a function's result comes back in (SysV x86-64, as clang
// lowers results to IR): rax, then rdx; xmm0, then xmm1. Leaving a
// compartment, the others are cleared. sret returns its pointer in rax.
// SSEBytes[i]: how many low bytes of xmm i carry the value (a float 4, a
// double 8); the bits above are cleared too (review 79a). GPRBytes[i]
// likewise for rax and rdx: an integer's bytes (an aggregate of 1-7 bytes
// comes back as i8-i56: review 81a), which the way back keeps, the bits
// above zeroed (a char, short or _Bool result too: on x86-64 its caller
// extends it, not the callee; reviews 80b, 81b). X87s: st0, then st1 (a
// long double result, a _Complex long double's two parts); arguments
// never come in x87 registers (a long double goes in memory).
struct ResultRegs {
  unsigned GPRs = 2, SSEs = 2;
  unsigned char SSEBytes[8] = {16, 16, 16, 16, 16, 16, 16, 16};
  unsigned char GPRBytes[2] = {8, 8};
  unsigned X87s = 2;
};
// "" if every kept register is kept whole, else ".w" and each kept
// register's byte count (rax, rdx, then xmm0...), joined by "_": for names
// of trampolines that differ only there.
std::string widthSuffix(const ResultRegs &R);
ResultRegs resultRegs(const llvm::Function &F);

class Instrumenter {
public:
  // Info: the domain analysis of M, made before anything is rewritten.
  Instrumenter(llvm::Module &M, const Annotations &A, DomainInfo &Info)
      : M(M), A(A), Info(Info) {}
  void run();

private:
  Domain domainOf(const llvm::Function &F) const { return Info.domainOf(F); }
  std::string symbolFor(const Domain &D);
  llvm::GlobalVariable *getOrCreateDescriptor(llvm::StringRef Compartment);
  void markCompartments();
  void guardVariadicEntry(llvm::Function &F);
  llvm::Constant *getOrCreateNameString(llvm::StringRef Compartment);
  // Compartment's crossing counters (BH_SYM_STATS_PREFIX, BH_STATS_*).
  llvm::GlobalVariable *getOrCreateStats(llvm::StringRef Compartment);
  // A call from From into To: To's entries and From's calls out.
  void countCrossing(AsmEmitter &E, const Domain &From, const Domain &To);
  void placeData(llvm::GlobalVariable &GV, llvm::StringRef Compartment,
                 bool Claimed);
  void padDataSections();
  void probeStackFrames();
  void boundDynamicAllocas(llvm::Function &F, bool OnCompartmentStack);
  void gateCalls(llvm::Function &F);
  // The landing pads gateCalls gated, with their domain's descriptor;
  // ByStack: one whose hand-over and gate insertExceptionArrivals makes,
  // skipped in a compartment's own activation.
  struct LandingPad {
    llvm::BasicBlock *BB;
    std::string Symbol;
    bool ByStack;
  };
  std::vector<LandingPad> LandingPads;
  void insertExceptionArrivals();
  void gate(llvm::CallBase &Call, const Domain &Caller, const Domain &Callee);
  void markDefaultFunctions();
  void cloneHelpersForCompartments();
  // Helpers' originals a pointer may reach (a vtable's, or called by one):
  // any domain may run them. After wrapAddressTaken.
  void findHelpersRunByAnyDomain();
  llvm::SmallPtrSet<const llvm::Function *, 8> RunByAnyDomain;
  void rewriteLibcTlsAccessors(); // LibcTls.cpp
  void rewriteOwnThreadLocals();  // ThreadLocals.cpp
  llvm::GlobalVariable *importOf(llvm::StringRef Function);
  bool toCheckedSharedHeap(llvm::CallBase &Call, llvm::Function &Callee);
  void gateIfDefaultElsewhere(llvm::CallBase &Call, llvm::Function &Callee,
                              const Domain &Caller);
  llvm::Value *isDefaultElsewhere(llvm::IRBuilderBase &B,
                                  llvm::GlobalValue &Callee);
  void gateIntoDefault(llvm::CallInst &Gated, llvm::StringRef Name,
                       const Domain &Caller);
  llvm::CallBase *gateIfReplaced(llvm::CallBase &Call, llvm::GlobalValue &Name,
                                 const Domain &Caller);
  llvm::Function *getOrCreateByName(llvm::GlobalValue &Name,
                                    llvm::CallBase &Like);
  Domain domainOfData(const llvm::GlobalVariable &GV) const;
  std::optional<Domain> onlyUserDomain(const llvm::GlobalVariable &GV);
  llvm::Function *newGateway(llvm::Function &Target, const llvm::Twine &Name,
                             llvm::GlobalValue::LinkageTypes Linkage);
  llvm::Function *getOrCreateWrapper(llvm::Function &F, const Domain &Creator);
  static bool wrapsDeclaration(const llvm::Function &F);
  llvm::Function *getOrCreateDeclWrapper(llvm::Function &F,
                                         const Domain &Creator);
  llvm::Function *getOrCreateForwarder(llvm::Function &F);
  llvm::BasicBlock *ifHolding(llvm::BasicBlock *&At, const Domain &D,
                              llvm::StringRef Then, llvm::StringRef Else);
  // Declared: F may be libc or another object's; no warning, and calls
  // through the run-time-chosen trampoline reach it by a local forwarder.
  void switchingWrapperBody(llvm::Function &F, llvm::Function &W,
                            const Domain &Creator, const Domain &Target,
                            llvm::BasicBlock *At, bool Declared);
  void gatedWrapperBody(llvm::Function &F, llvm::Function &W,
                        const Domain &Creator, const Domain &Target,
                        llvm::BasicBlock *At);
  bool isStrictInternal(const llvm::Function &F) const {
    return Info.isStrictInternal(F);
  }
  void internalWrapper(llvm::Function &F, llvm::Function &W);
  void checkInternalStores();
  void insertGatesAround(llvm::CallInst *Call, const Domain &Target,
                         const Domain &Back, bool FromCompartment);
  void splitEntries();
  llvm::Function *makeThunk(llvm::Function &F, const llvm::Twine &Name,
                            llvm::GlobalValue::LinkageTypes Linkage);
  void redirectAliases();
  void refuseAsmAliases();
  void shareAllocations(); // Share.cpp
  void recordSharingCompartment(llvm::StringRef C);
  llvm::Constant *
  wrapFunctionsIn(llvm::Constant *C, const Domain &Creator,
                  llvm::function_ref<void(const llvm::Twine &)> Error,
                  bool WrapDeclarations = true);
  void wrapAddressTaken();
  llvm::GlobalVariable *getOrCreateStackSlot(const Domain &D);
  llvm::GlobalVariable *getOrCreateArgBuffer();
  llvm::Function *getOrCreateSlotAddressFunction(llvm::StringRef Compartment);
  void markStackMode(llvm::StringRef Compartment);
  struct AnyTrampoline {
    llvm::Function *Tr = nullptr;
    Domain To{Domain::Default, ""};
    ResultRegs Result; // the callees' results come back in these
    ResultRegs Args;   // into the default domain: the callees' arguments
    llvm::SmallVector<llvm::Function *, 8> Targets; // its callees, by index
  };
  std::map<std::string, AnyTrampoline> AnyTrampolines;
  AnyTrampoline &getOrCreateAnyTrampoline(const Domain &To, ResultRegs Result,
                                          ResultRegs Args);
  void callThroughAny(llvm::CallInst &Call, const Domain &To);
  void finishAnyTrampolines();
  llvm::Function *getOrCreateTrampoline(llvm::Function &Callee,
                                        llvm::FunctionType *FT,
                                        const Domain &From, const Domain &To,
                                        uint64_t StackBytes,
                                        unsigned CallGPRs = 0,
                                        llvm::StringRef CallStackLive = "");
  void keepStackSlots(llvm::CallBase &SetjmpCall);
  void stopWithError(llvm::Instruction *Before, const std::string &Msg);
  llvm::SmallVector<llvm::CallBase *, 4> SetjmpCalls;
  llvm::Function *finishTrampoline(llvm::Function *Tr, llvm::Function *Callee,
                                   const Domain &From, const Domain &To,
                                   uint64_t StackBytes);
  bool leaveForPointerCall(llvm::CallInst &Call, const Domain &From);
  llvm::Function *getOrCreateIndirectTrampoline(llvm::CallInst &Call,
                                                const Domain &From,
                                                uint64_t StackBytes);
  std::map<std::pair<llvm::FunctionType *, std::pair<std::string, uint64_t>>,
           llvm::Function *>
      IndirectTrampolines;
  std::map<std::pair<std::string, llvm::FunctionType *>, llvm::Function *>
      Trampolines; // by name and call type
  bool switchStacks(llvm::CallBase &Call, llvm::Function &Callee,
                    const Domain &From, const Domain &To);

  llvm::Module &M;
  const Annotations &A;
  llvm::StringMap<llvm::GlobalVariable *> Descriptors;
  llvm::StringMap<bool> DataSections; // compartments with data in this module
  llvm::StringMap<llvm::Function *> Wrappers;
  // A compartment function's gateway for callers by an alias's name: an
  // entry's thunk or guard, or one redirectAliases made.
  llvm::MapVector<llvm::Function *, llvm::Function *> Gateways; // in order
  // (wrapper, internal function) for checkInternalStores
  llvm::SmallVector<std::pair<llvm::Function *, llvm::Function *>, 4>
      InternalWrappers;
  DomainInfo &Info;
};

inline constexpr llvm::StringRef WrapperAttr = "bulkhead-wrapper";
inline constexpr llvm::StringRef BodyPrefix = BH_SYM_BODY_PREFIX;
// Gateways under an alias of compartment code (Entries.cpp), local.
inline constexpr llvm::StringRef ThunkPrefix = "__bulkhead_thunk.";
inline constexpr llvm::StringRef AliasGatewayPrefix = "__bulkhead_alias.";

// The name through which V (a callee or an address) may reach another
// object's definition, found at link or load time: V, or an alias on its
// way to a function, if it is interposable (weak) or, in a shared object,
// preemptible. None when the module's definition is the one.
const llvm::GlobalValue *replaceableName(const llvm::Value *V);

// A function's name as the user wrote it.
inline llvm::StringRef sourceName(const llvm::Function &F) {
  llvm::StringRef Name = F.getName();
  Name.consume_front(BodyPrefix);
  return Name;
}

// Appends to W's block BB a call of Target with W's arguments and the
// return of its result; returns the call (CompartmentPass.cpp).
llvm::CallInst *forwardCall(llvm::BasicBlock *BB, llvm::Function &Target,
                            llvm::Function &W);

// The points where control continues after `Call` returns or unwinds.
llvm::SmallVector<llvm::Instruction *, 2> afterCall(llvm::CallBase &Call);

// -bulkhead-stacks (Stacks.cpp).
extern llvm::cl::opt<bool> StackSwitching;

// The bytes of stack arguments a trampoline from From to To copies for
// Call (SysV x86-64 rules), or nothing, with Why saying why no trampoline
// can pass them.
std::optional<uint64_t> switchableStackBytes(const llvm::CallBase &Call,
                                             const Domain &From,
                                             const Domain &To,
                                             std::string &Why);

} // namespace bulkhead

#endif
