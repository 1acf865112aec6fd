#pragma once
// Ahead-of-time compilation (`aeroflow build`, docs/CODEGEN.md "AOT"): the
// same lowering as the JIT, emitted as a relocatable object for a target.
// The object defines the native code of every function plus the data the
// runtime's main (runtime/AotMain.cpp) needs: the entry table, the program's
// source (the runtime compiles it again for its constants, types and line
// tables, and checks the program hash) and the layout it was compiled for.
// No LLVM type appears here (DESIGN.md).

#include "Jit.h"

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::codegen {

/// Version of the object <-> runtime contract (the `af_aot_*` symbols).
inline constexpr uint32_t kAotAbiVersion = 1;

struct AotOptions {
    std::string target = "x86_64-linux"; ///< one of aotTargets()
    int optLevel = 2;                    ///< 0..3, as JitOptions::optLevel
    ValueLayout layout;                  ///< the engine's (the same on every target)
    std::string sourceName;              ///< as the program was compiled (error positions)
    std::string sourceText;              ///< embedded; the runtime compiles it again
    /// As for the JIT; a function over maxFunctionInstructions gets a null
    /// entry (the runtime interprets it), maxCodeBytes does not apply.
    JitLimits limits;
};

struct AotObject {
    std::string bytes;   ///< the relocatable object (ELF or wasm)
    std::string triple;  ///< the LLVM target triple it was made for
    CompileStats stats;
};

/// The targets `aeroflow build` knows (inline: the CLI uses them without LLVM).
inline const std::vector<std::string>& aotTargets()
{
    static const std::vector<std::string> targets{"x86_64-linux", "aarch64-linux", "wasm32"};
    return targets;
}

/// LLVM triple of a target name; empty when unknown.
inline std::string aotTriple(std::string_view target)
{
    if (target == "x86_64-linux")
        return "x86_64-pc-linux-gnu";
    if (target == "aarch64-linux")
        return "aarch64-unknown-linux-gnu";
    if (target == "wasm32")
        return "wasm32-unknown-wasi";
    return {};
}

/// Compiles every function of `program` for `options.target`. Errors (an
/// unknown target, a malformed program, an LLVM failure) come back as text.
std::expected<AotObject, std::string> emitObject(const compiler::Program& program, const AotOptions& options);

} // namespace aeroflow::codegen
