#pragma once
// Native code for a Studio Run: the LLVM JIT (cli::NativeJit, which loads
// the plug-in libaeroflow_jit.so on first use) behind the engine's
// NativeCode interface, plus what the Studio shows about it (functions
// compiled, compile time, how often the engine entered native code).
//
// Threads: compile() and preload() block for as long as LLVM works (the
// first call in a process also loads libLLVM, ~0.2-0.5 s): call them on the
// engine thread or a background thread, never on the GUI thread. Compiles
// are serialised by a process-wide lock. entry() is called by the engine on
// the thread that runs the program.

#include "NativeCode.h"

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

namespace aeroflow::cli {
class NativeJit;
}
namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::studio {

class NativeProgram final : public engine::NativeCode {
public:
    ~NativeProgram() override;
    NativeProgram(const NativeProgram&) = delete;
    NativeProgram& operator=(const NativeProgram&) = delete;

    /// Compiles every function of `program` at `optLevel` (0..3). The error
    /// says why there is no native code (plug-in missing, LLVM refused the
    /// program, an injected test failure); the caller then interprets. The
    /// result must outlive every run it is installed in (RunOptions::native).
    static std::expected<std::unique_ptr<NativeProgram>, std::string> compile(const compiler::Program& program,
                                                                             int optLevel);

    /// Loads the plug-in and initialises LLVM by compiling a tiny program,
    /// so that the first Run does not pay for it. Blocking; idempotent.
    /// Returns the error when the JIT is unavailable.
    static std::string preload();
    /// preload() on a background thread (QtConcurrent), once per process.
    static void preloadInBackground();
    /// preload() has finished (successfully or not).
    static bool preloaded();

    /// Test hook: while `reason` is non-empty every compile() fails with it,
    /// as if the plug-in were missing. Not thread-safe against running compiles.
    static void setFailureForTesting(const std::string& reason);

    engine::NativeEntry entry(uint32_t function) const override;

    int optLevel() const { return m_optLevel; }
    /// Functions given native code.
    uint32_t functions() const { return m_functions; }
    /// Wall time of the compile in milliseconds (the first compile in a
    /// process includes loading the plug-in and LLVM). Shown to the user
    /// only, never an input to a run.
    double compileMs() const { return m_compileMs; }
    /// Wall time spent waiting for another compile (the start-up preload) first.
    double waitMs() const { return m_waitMs; }
    /// Times the engine entered a function through native code (entry()
    /// lookups that found code; native-to-native calls are not counted).
    uint64_t nativeEntries() const { return m_entries.load(std::memory_order_relaxed); }

private:
    NativeProgram() = default;

    std::unique_ptr<cli::NativeJit> m_jit;
    int m_optLevel = 0;
    uint32_t m_functions = 0;
    double m_compileMs = 0;
    double m_waitMs = 0;
    /// One writer (the engine thread); readers may be elsewhere.
    mutable std::atomic<uint64_t> m_entries{0};
};

} // namespace aeroflow::studio
