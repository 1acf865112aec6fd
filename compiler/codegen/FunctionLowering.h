#pragma once
// Private to aeroflow_codegen (LLVM types): lowers one bytecode function to
// one LLVM function `i32 (ptr vm, ptr fiber, i32 entryPc)`. See
// docs/CODEGEN.md for the block structure, fuel and the fast paths.

#include "Jit.h"

#include <memory>
#include <string>

namespace llvm {
class Function;
class Module;
}

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::codegen {

struct PureSet;

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
    /// The pure-tier functions of the program being lowered (PureLowering.h),
    /// computed by the first lowerFunction of a program.
    std::shared_ptr<PureSet> pure;
};

RuntimeDecls declareRuntime(llvm::Module& module);

/// The LLVM function of bytecode function `index` (declared on first use).
llvm::Function* nativeFunction(llvm::Module& module, uint32_t index);

/// Emits function `index` as `name` into `module`, and its pure version
/// af_pure_N when it qualifies (PureLowering.h). Counts into `stats`.
/// Returns the function, or nullptr with `error` set.
llvm::Function* lowerFunction(llvm::Module& module, const RuntimeDecls& runtime, const compiler::Program& program,
                              uint32_t index, const ValueLayout& layout, CompileStats& stats, std::string& error);

} // namespace aeroflow::codegen
