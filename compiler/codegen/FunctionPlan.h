#pragma once
// Private to aeroflow_codegen (no LLVM type): how one bytecode function is
// cut into blocks and regions before lowering (docs/CODEGEN.md "Regions").
//
// LLVM's cost grows faster than linearly with the size of one function (the
// CFG simplifier, register allocation, instruction selection's memory), so a
// long function is lowered as several LLVM functions, each of at most
// `maxRegion` bytecode instructions: a region is a run of consecutive pcs.
// Control that leaves a region returns the target pc to the function's
// dispatcher (FunctionLowering.h), which calls the region holding it. Every
// region starts a block, and a block longer than a region is cut; a cut only
// adds a block boundary, where fuel is charged for the next part, which the
// interpreter's per-instruction charging cannot tell apart.

#include <cstdint>
#include <string>
#include <vector>

namespace aeroflow::compiler {
struct Function;
struct Program;
enum class Op : uint8_t;
}

namespace aeroflow::codegen {

/// Branches: a jump target besides (or instead of) the next pc.
bool isBranch(compiler::Op op);
/// Instructions after which the engine may enter the function again (the
/// next pc is a resume point, the instruction ends a block).
bool isCallLike(compiler::Op op);
/// Instructions that never continue at the next pc.
bool endsFlow(compiler::Op op);

struct FunctionPlan {
    struct Region {
        uint32_t begin = 0, end = 0; ///< pcs [begin, end)
        /// Sorted pcs where control may arrive from outside the region: the
        /// engine's resume points in it, targets of other regions' jumps and
        /// fall-throughs, and `begin`.
        std::vector<uint32_t> entries;
        /// Lies (partly) between a backward jump and its target: loop code,
        /// which may run many times per call.
        bool inLoop = false;
    };
    std::vector<uint8_t> leader;        ///< per pc (size n + 1): a block starts here
    std::vector<uint32_t> blockLen;     ///< per leader pc: instructions in its block
    std::vector<uint32_t> resumePoints; ///< sorted: pc 0, after each call-like instruction, each CALLBUILTIN
    std::vector<Region> regions;        ///< in pc order, covering [0, n)

    /// The region holding `pc` (binary search).
    uint32_t regionOf(uint32_t pc) const;
};

/// The blocks and regions of `fn`, whose bytecode must be well formed
/// (validateFunction). `maxRegion` >= 1.
FunctionPlan planFunction(const compiler::Function& fn, uint32_t maxRegion);

/// Checks what lowering relies on: a final return, valid opcodes, jumps,
/// callees and constants in range. Returns an error text, empty when fine.
/// (Register ranges: compiler::verifyProgram, which the CLI runs first.)
std::string validateFunction(const compiler::Program& program, uint32_t index);

} // namespace aeroflow::codegen
