#pragma once
// The LLVM backend's JIT (docs/CODEGEN.md): compiles the functions of a
// Program to native code with ORC LLJIT, one function at a time and each in
// modules of its own, so that a function can be compiled when it is first
// called and a huge one costs time in proportion to its size. The generated
// code works on the interpreter's own data (register file, frames, fuel), so
// it needs the engine's runtime helpers and Value layout; both come in as
// plain data (JitOptions), since codegen must not depend on the engine. No
// LLVM type appears in this header (DESIGN.md "Layers and folders").

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
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

/// What bounds the JIT's time and memory (docs/CODEGEN.md "Size limits").
/// Sizes are in bytecode instructions.
struct JitLimits {
    /// A longer function is not compiled: it runs on the interpreter.
    uint32_t maxFunctionInstructions = 250'000;
    /// One LLVM function holds at most this many (longer bytecode functions
    /// are split into regions, FunctionPlan.h).
    uint32_t maxRegionInstructions = 1'000;
    /// A longer function is compiled as at -O0 whatever the level: -O2
    /// costs about 0.5 ms per instruction (-O0 a tenth of that), which a
    /// function that size, mostly straight-line code, does not pay back.
    /// Its regions outside loops also do without inline fast paths
    /// (FunctionLowering.h RegionStyle), which halves the -O0 time again.
    /// (At most a region: optimised code is never split.)
    uint32_t maxOptimisedInstructions = 1'000;
    /// Memory all compiled code may take (CompileStats::codeBytes); once
    /// reached, further functions run on the interpreter.
    uint64_t maxCodeBytes = uint64_t(256) << 20;
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
    JitLimits limits;
};

/// `int32_t entry(void* vm, Fiber* fiber, uint32_t entryPc)`: engine::NativeEntry.
using NativeFunction = int32_t (*)(void* context, void* fiber, uint32_t entryPc);

/// What compiling one function gave.
enum class CompileOutcome : uint8_t {
    Native,    ///< it has native code (entry() is set)
    TooLarge,  ///< longer than JitLimits::maxFunctionInstructions: interpreted
    CodeLimit, ///< JitLimits::maxCodeBytes reached: interpreted
    Cancelled, ///< the caller's cancel flag was set: nothing added
    Failed,    ///< LLVM failed (the error says how): interpreted
};

struct FunctionResult {
    CompileOutcome outcome = CompileOutcome::Failed;
    std::string error; ///< Failed only
};

/// Where the compile time and memory went (wall clock; benchmarks and
/// reports only, never an input to a run). Counts are cumulative over every
/// compileFunction of a Jit.
struct CompileStats {
    uint32_t functions = 0;          ///< functions given native code
    uint32_t instructions = 0;       ///< bytecode instructions lowered
    uint32_t inlinedInstructions = 0;///< of those, with an inline fast path
    uint32_t pureFunctions = 0;      ///< functions that also got a pure-tier version (af_pure_N)
    uint32_t regions = 0;            ///< LLVM functions of those functions (one per region)
    uint32_t modules = 0;            ///< LLVM modules compiled (each its own context, freed after)
    uint32_t unoptimised = 0;        ///< functions compiled as at -O0 for their size
    uint32_t compactRegions = 0;     ///< regions without inline fast paths (straight-line code of big functions)
    uint32_t tooLarge = 0;           ///< functions left to the interpreter: maxFunctionInstructions
    uint32_t overCodeLimit = 0;      ///< functions left to the interpreter: maxCodeBytes
    uint32_t failed = 0;             ///< functions LLVM failed on
    /// Memory of the code handed to the linker: each object's size in whole
    /// pages plus two (an estimate from above; JitLimits::maxCodeBytes bounds it)
    uint64_t codeBytes = 0;
    /// IR instructions of the largest module compiled: what one compile
    /// holds in memory at a time grows with it (bounded by the regions).
    uint64_t largestModuleInstructions = 0;
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

    /// Checks the program and the options and sets up the JIT; compiles
    /// nothing. `program` must outlive the Jit (compileFunction reads it).
    /// Errors (a malformed program, a missing runtime symbol, an LLVM
    /// failure) come back as text; nothing aborts.
    static std::expected<std::unique_ptr<Jit>, std::string> create(const compiler::Program& program,
                                                                   const JitOptions& options);
    /// create(), then compileFunction() for every function; an LLVM failure
    /// is an error, a function over a limit is not (it stays interpreted).
    static std::expected<std::unique_ptr<Jit>, std::string> compile(const compiler::Program& program,
                                                                    const JitOptions& options);

    /// Compiles function `index` (and the pure-tier versions its calls
    /// need) unless it already has native code, then publishes its entry.
    /// Any thread; compiles run one at a time (a second caller waits).
    /// `cancel`, when set, is polled between modules.
    FunctionResult compileFunction(uint32_t index, const std::atomic<bool>* cancel = nullptr);
    /// compileFunction for several at once: short functions share modules
    /// (LLVM's fixed cost per module is paid once for many). Results in the
    /// order of `indices`. A cancelled or failed batch adds nothing.
    std::vector<FunctionResult> compileFunctions(const std::vector<uint32_t>& indices,
                                                 const std::atomic<bool>* cancel = nullptr);

    /// Native entry of function `index`, or nullptr (interpret it). Any
    /// thread. Inline, like stats() and ir(): callable through the plug-in
    /// (JitPlugin.h).
    NativeFunction entry(uint32_t index) const
    {
        return index < m_count ? m_entries[index].load(std::memory_order_acquire) : nullptr;
    }
    uint32_t functionCount() const { return m_count; }
    /// A copy: compiles on another thread may update them meanwhile.
    CompileStats stats() const
    {
        std::lock_guard lock(m_statsMutex);
        return m_stats;
    }
    /// The optimised LLVM IR of every module so far (empty unless
    /// JitOptions::keepIr). Read it while no compile runs.
    const std::string& ir() const { return m_ir; }

private:
    Jit();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    /// The entry table: the generated code reads it too (af_native_entries).
    std::unique_ptr<std::atomic<NativeFunction>[]> m_entries;
    uint32_t m_count = 0;
    mutable std::mutex m_statsMutex;
    CompileStats m_stats;
    std::string m_ir;
};

} // namespace aeroflow::codegen
