#pragma once
// The LLVM backend's JIT (docs/CODEGEN.md): compiles every function of a
// Program to native code with ORC LLJIT. The generated code works on the
// interpreter's own data (register file, frames, fuel), so it needs the
// engine's runtime helpers and Value layout; both come in as plain data
// (JitOptions), since codegen must not depend on the engine. No LLVM type
// appears in this header (DESIGN.md "Layers and folders").

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::codegen {

/// A runtime helper the generated code calls by name (the engine's table).
struct RuntimeSymbol {
    std::string name;
    void* address = nullptr;
};

/// The engine's Value/Fiber layout, as engine::NativeLayout describes it.
struct ValueLayout {
    uint32_t valueSize = 16;
    uint32_t tagOffset = 0;
    uint32_t payloadOffset = 8;
    uint32_t fiberFuelOffset = 0;
    uint8_t tagNil = 0, tagBool = 1, tagInt = 2, tagFloat = 3;
    uint8_t tagFirstObject = 4;
    uint8_t tagActor = 8;
};

struct JitOptions {
    /// 0: no IR optimisation, fast instruction selection (quick compiles);
    /// 1..3: the LLVM -O1..-O3 pipelines and code generation levels.
    int optLevel = 2;
    ValueLayout layout;
    /// Must define the helpers of engine/JitRuntime.h (af_exec, af_call_push, ...).
    std::vector<RuntimeSymbol> runtime;
    /// Keep the optimised IR text (Jit::ir(); costs compile time).
    bool keepIr = false;
};

/// `int32_t entry(void* vm, Fiber* fiber, uint32_t entryPc)`: engine::NativeEntry.
using NativeFunction = int32_t (*)(void* context, void* fiber, uint32_t entryPc);

/// Where the compile time went (wall clock; benchmarks and reports only,
/// never an input to a run).
struct CompileStats {
    uint32_t functions = 0;          ///< functions given native code
    uint32_t instructions = 0;       ///< bytecode instructions lowered
    uint32_t inlinedInstructions = 0;///< of those, with an inline fast path
    uint32_t pureFunctions = 0;      ///< functions that also got a pure-tier version (af_pure_N)
    double lowerMs = 0;              ///< bytecode -> LLVM IR
    double optimizeMs = 0;           ///< IR passes
    double codegenMs = 0;            ///< instruction selection, linking, lookups
    double totalMs() const { return lowerMs + optimizeMs + codegenMs; }
};

class Jit {
public:
    ~Jit();
    Jit(const Jit&) = delete;
    Jit& operator=(const Jit&) = delete;

    /// Compiles the whole program. `program` must outlive nothing here (the
    /// code embeds no pointer into it). Errors (a malformed program, a
    /// missing runtime symbol, an LLVM failure) come back as text; nothing
    /// aborts.
    static std::expected<std::unique_ptr<Jit>, std::string> compile(const compiler::Program& program,
                                                                    const JitOptions& options);

    /// Native entry of function `index`, or nullptr (interpret it). Inline,
    /// like stats() and ir(): callable through the plug-in (JitPlugin.h).
    NativeFunction entry(uint32_t index) const { return index < m_entries.size() ? m_entries[index] : nullptr; }
    const CompileStats& stats() const { return m_stats; }
    /// The optimised LLVM IR of the module (empty unless JitOptions::keepIr).
    const std::string& ir() const { return m_ir; }

private:
    Jit();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::vector<NativeFunction> m_entries;
    CompileStats m_stats;
    std::string m_ir;
};

} // namespace aeroflow::codegen
