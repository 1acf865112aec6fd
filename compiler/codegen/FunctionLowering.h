#pragma once
// Private to aeroflow_codegen (LLVM types): lowers bytecode functions to LLVM
// functions `i32 (ptr vm, ptr fiber, i32 entryPc)`. See docs/CODEGEN.md for
// the block structure, fuel, the fast paths and regions.
//
// A function whose plan (FunctionPlan.h) has one region becomes af_fn_N
// itself. A longer one becomes one LLVM function per region, af_fn_N.R
// (never inlined: that would rebuild the long function), and af_fn_N, a
// dispatcher that calls the region holding the entry pc; a region returns
// a NativeStatus, or -1 - pc to continue at a pc of another region.

#include "Jit.h"

#include <memory>
#include <string>

namespace llvm {
class Function;
class FunctionType;
class GlobalVariable;
class LLVMContext;
class Module;
}

namespace aeroflow::compiler {
struct Function;
struct Program;
}

namespace aeroflow::codegen {

struct FunctionPlan;
struct PureSet;

/// How a CALL of a known function reaches the callee's native code.
enum class CallTarget {
    Direct, ///< a direct call of af_fn_N (AOT: every function is in the module)
    Table,  ///< through af_native_entries[N], null while N has no native code (JIT)
};

/// The runtime helpers, declared in one module.
struct RuntimeDecls {
    llvm::Function* exec = nullptr;        ///< i32 af_exec(ptr vm, ptr fiber, ptr R, i64 instr, i32 pc)
    llvm::Function* frameRegs = nullptr;   ///< ptr af_frame_regs(ptr fiber)
    llvm::Function* release = nullptr;     ///< void af_release(ptr value)
    llvm::Function* interpretAt = nullptr; ///< i32 af_interpret_at(ptr fiber, i32 pc)
    llvm::Function* callPush = nullptr;    ///< i32 af_call_push(ptr vm, ptr fiber, ptr R, i64 instr, i32 pc)
    llvm::Function* finishFrame = nullptr; ///< i32 af_finish_frame(ptr vm, ptr fiber)
    llvm::Function* ret = nullptr;         ///< i32 af_return(ptr vm, ptr fiber, ptr R, i64 instr)
    llvm::Function* callRoom = nullptr;    ///< i32 af_call_room(ptr vm, ptr fiber, i32 callerRegs, ptr out)
    llvm::Function* pureGrow = nullptr;    ///< ptr af_pure_grow(ptr fiber, i32 callerRegs, i64 need)
    llvm::Function* callInterpreted = nullptr; ///< i32 af_call_interpreted(ptr vm, ptr fiber, ptr R, i64 instr, i32 pc)
    /// CallTarget::Table: the entry table (an array of code pointers, read
    /// with acquire loads: the JIT publishes entries while code runs).
    llvm::GlobalVariable* entries = nullptr;
    /// The pure-tier functions of the program (PureLowering.h).
    std::shared_ptr<const PureSet> pure;
};

/// Declares the helpers (and, for CallTarget::Table, the entry table) in `module`.
RuntimeDecls declareRuntime(llvm::Module& module, CallTarget calls, std::shared_ptr<const PureSet> pure);

/// `i32 (ptr vm, ptr fiber, i32 entryPc)`, the type of every entry.
llvm::FunctionType* entryType(llvm::LLVMContext& ctx);
/// Declares (or finds) `name` with the entry type, nounwind.
llvm::Function* entryFunction(llvm::Module& module, const std::string& name);
/// optnone (and noinline, which optnone requires).
void markNotOptimised(llvm::Function* f);

/// Symbol names: af_fn_N and its regions af_fn_N.R.
std::string nativeName(uint32_t index);
std::string regionName(uint32_t index, uint32_t region);

/// The LLVM function of bytecode function `index` (declared on first use).
llvm::Function* nativeFunction(llvm::Module& module, uint32_t index);

/// How a region is lowered (Jit.cpp and Aot.cpp choose by size).
struct RegionStyle {
    /// False: optnone (big functions are not worth the optimiser's time).
    bool optimise = true;
    /// False: only jumps and calls inline, every other instruction through
    /// af_exec: a third of the IR, for straight-line code of big functions
    /// that runs once per call and is not worth compiling well.
    bool fastPaths = true;
};

/// The style of region `region` of `fn` at `optLevel`: a function over
/// limits.maxOptimisedInstructions is not optimised, and its regions
/// outside loops lose their fast paths.
RegionStyle regionStyle(const compiler::Function& fn, const FunctionPlan& plan, uint32_t region, int optLevel,
                        const JitLimits& limits);

/// Emits region `region` of function `index`: af_fn_N when the plan has one
/// region, else af_fn_N.R. Counts into `stats`. Returns the function, or
/// nullptr with `error` set.
llvm::Function* lowerRegion(llvm::Module& module, const RuntimeDecls& runtime, const compiler::Program& program,
                            uint32_t index, const FunctionPlan& plan, uint32_t region, const ValueLayout& layout,
                            RegionStyle style, CompileStats& stats, std::string& error);

/// Emits af_fn_N as the dispatcher of a plan with several regions (they may
/// be defined in other modules). Returns nullptr with `error` set on failure.
llvm::Function* lowerDispatcher(llvm::Module& module, uint32_t index, const FunctionPlan& plan, bool optimise,
                                std::string& error);

/// Emits af_fn_N as a function that hands every entry to the interpreter
/// (AOT: a function over the size limit still has a symbol for direct calls).
llvm::Function* lowerInterpreterStub(llvm::Module& module, const RuntimeDecls& runtime, uint32_t index);

} // namespace aeroflow::codegen
