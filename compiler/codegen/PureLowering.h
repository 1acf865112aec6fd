#pragma once
// Private to aeroflow_codegen (LLVM types): the speculative "pure tier".
//
// A plain function (no actor, no captures) whose bytecode uses only scalar
// instructions (loads of int/float/bool/nil, moves, arithmetic, compares,
// jumps, int for-loops, returns and CALLs of other such functions) also gets
// a second LLVM function
//
//   { i8 tag, i64 payload, i64 fuel } af_pure_N(ptr state, i64 fuel, i32 room, i32 base,
//                                              i8 t0, i64 p0, ...)
//
// working on (tag, payload) pairs in SSA values: no register file, no frame,
// no helper call. `fuel` goes in and comes back (as Fiber::fuel counts it);
// `state` points to a PureState (highest register need, the lowest stack
// address pure frames may use); `room` is how many more frames may be
// pushed below it; `base` its frame's register base relative to the first
// pure frame. Every place where the
// interpreter would take another path (a non-scalar operand, an overflow, a
// division by zero, fuel, call depth or C stack running out) returns an
// abort tag instead: the caller then discards everything and runs the CALL
// again the ordinary way, which repeats the work exactly as the interpreter
// does. Nothing a pure function does is observable, so the repetition is not.
// kPureAbortInterpret (the run will fail in there, or recurses deeper than
// pure frames may): the callee runs on the interpreter, whose frames are on
// the heap, so deep recursion does not retry the pure tier at every level.
// kPureAbort (float `%`, which only the engine computes): the ordinary
// native CALL.

#include "Jit.h"
#include "Program.h"

#include <llvm/IR/IRBuilder.h>

#include <cstdint>
#include <string>
#include <vector>

namespace aeroflow::codegen {

/// The tags af_pure_N returns to abort (no engine ValueType has them); an
/// abort tag from a callee is passed on unchanged.
constexpr uint8_t kPureAbort = 0xff;
constexpr uint8_t kPureAbortInterpret = 0xfe;

/// A jump the pure tier lowers (the block structure of both files).
inline bool isPureBranch(compiler::Op op)
{
    using compiler::Op;
    return op == Op::JMP || op == Op::JMPIF || op == Op::JMPIFNOT || op == Op::FORPREP || op == Op::FORLOOP;
}

/// Which functions of one program qualify (computed once per program).
struct PureSet {
    std::vector<uint8_t> pure; ///< per function index: 1 = has af_pure_N
};

/// The functions of `program` that qualify for the pure tier (a fixpoint:
/// a function calling one that does not qualify does not qualify either).
/// Malformed bytecode (registers, jumps, constants out of range) never does.
std::vector<uint8_t> findPureFunctions(const compiler::Program& program);

/// `{ i64 need, i64 spare, i64 stackLimit }`: the highest register need
/// (base + max(numRegs, arity) + 1, relative) of the pure call, kept by the
/// callers; then what af_call_room writes (at field 1):
/// the registers the file already has above the caller, and the stack
/// address under which a pure function aborts (bounds the C stack whatever
/// the frame sizes).
llvm::StructType* pureStateType(llvm::LLVMContext& ctx);

/// `{ i8 tag, i64 payload, i64 fuel }`: the result of af_pure_N.
llvm::StructType* pureResultType(llvm::LLVMContext& ctx);

/// af_pure_N of function `index` (declared, fastcc, on first use); with `intArgs`, af_purei_N: the version for int arguments only,
/// which takes their payloads alone (i64 p0, ...), its tags being known.
llvm::Function* pureFunction(llvm::Module& module, const compiler::Program& program, uint32_t index,
                             bool intArgs = false);

/// Emits a pure call of `callee` at `b`'s insertion point: af_purei_N when
/// every tag is int, else af_pure_N. Returns the `{ i8, i64, i64 }` result.
llvm::Value* emitPureCallSite(llvm::IRBuilder<>& b, llvm::Module& module, const compiler::Program& program,
                              uint32_t callee, const ValueLayout& layout, llvm::Value* state, llvm::Value* fuel,
                              llvm::Value* room, llvm::Value* base, const std::vector<llvm::Value*>& tags,
                              const std::vector<llvm::Value*>& payloads);

/// Emits the bodies of af_pure_N and af_purei_N (for functions with
/// arguments). Only for functions findPureFunctions accepts.
/// Returns false with `error` set on an internal failure (invalid IR).
bool lowerPure(llvm::Module& module, const compiler::Program& program, uint32_t index, const ValueLayout& layout,
               std::string& error);

} // namespace aeroflow::codegen
