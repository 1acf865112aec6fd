#pragma once
// The bridge between the engine and the LLVM backend (`aeroflow run --jit`):
// hands the engine's runtime helpers and Value layout to codegen::Jit and
// serves the compiled entries to the engine as a NativeCode
// (RunOptions::native). The CLI may depend on both; they may not depend on
// each other (DESIGN.md). codegen is reached through its plug-in
// (compiler/codegen/JitPlugin.h), loaded on first use.
//
// Functions are compiled one at a time (docs/CODEGEN.md "Compiling per
// function"): a small program all before the run; a larger one function by
// function when the engine first enters each, on the engine thread for a
// short function and on a background thread for a long one, which the
// interpreter runs meanwhile. Whether a frame runs natively or interpreted
// changes the speed only, never a result (the determinism contract).

#include "NativeCode.h"

#include "Jit.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}
namespace aeroflow::codegen {
struct AotObject;
}

namespace aeroflow::cli {

/// When functions are compiled, and the limits of the JIT.
struct JitPolicy {
    /// A program of at most this many bytecode instructions (all functions)
    /// is compiled whole by compile(); a larger one per function on first use.
    uint64_t eagerProgramInstructions = 5'000;
    /// On first use, a function of at most this many instructions is
    /// compiled on the engine thread before it runs (unless a background
    /// compile is busy); a longer one in the background.
    uint32_t syncFunctionInstructions = 2'000;
    /// Every on-demand compile in the background: the run never waits (the
    /// switch to native code in the middle of a run, AutoJit).
    bool background = false;
    codegen::JitLimits limits;
};

class NativeJit final : public engine::NativeCode {
public:
    enum class State : uint8_t {
        NotCompiled, ///< not entered yet (or the program is empty)
        Queued,      ///< waiting for or in a background compile; interpreted meanwhile
        Native,      ///< has native code
        Interpreted, ///< never compiled: over a limit, or LLVM failed (report() says why)
    };

    ~NativeJit() override;
    /// Prepares native code for `program` at `optLevel` (0..3): everything
    /// now for a small program, else on first use (JitPolicy). `program`
    /// must outlive the result, which must outlive the runs it is installed in.
    static std::expected<std::unique_ptr<NativeJit>, std::string> compile(const compiler::Program& program,
                                                                          int optLevel, JitPolicy policy = {});
    /// `aeroflow build`: the object of `program` for `target` (codegen::aotTargets()),
    /// with `sourceName`/`sourceText` embedded for the runtime.
    static std::expected<codegen::AotObject, std::string> emitObject(const compiler::Program& program,
                                                                     const std::string& target, int optLevel,
                                                                     const std::string& sourceName,
                                                                     const std::string& sourceText);
    /// The engine thread only: may compile `function` first (or queue it).
    engine::NativeEntry entry(uint32_t function) const override;
    codegen::CompileStats stats() const;
    State state(uint32_t function) const;
    /// Waits until no compile is queued or running (tests, benchmarks).
    void waitIdle() const;
    /// One line for --verbose: what was compiled, what stays interpreted and why.
    std::string report() const;

private:
    NativeJit() = default;
    void request(uint32_t function) const;
    void record(uint32_t function, const codegen::FunctionResult& result) const;
    void compileNow(const std::vector<uint32_t>& functions) const;
    void backgroundLoop() const;

    const compiler::Program* m_program = nullptr;
    int m_optLevel = 0;
    JitPolicy m_policy;
    codegen::Jit* m_jit = nullptr; ///< owned; freed by the plug-in
    uint32_t m_count = 0;
    std::unique_ptr<std::atomic<uint8_t>[]> m_state; ///< State per function
    /// One compile at a time: the engine thread only tries it (a busy
    /// background compile sends its function to the queue instead).
    mutable std::mutex m_compiling;
    mutable std::mutex m_mutex; ///< guards everything below
    mutable std::condition_variable m_wake, m_idle;
    mutable std::deque<uint32_t> m_queue;
    mutable bool m_busy = false;
    mutable std::thread m_thread;
    mutable std::atomic<bool> m_stop{false};
    mutable std::map<uint32_t, std::string> m_interpreted; ///< function -> why
};

} // namespace aeroflow::cli
