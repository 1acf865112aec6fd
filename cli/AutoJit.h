#pragma once
// `aeroflow run` without --jit / --no-jit: the JIT where it pays. A run
// starts on the interpreter (no libLLVM to load: short programs finish in
// milliseconds); once it has delivered `after` messages it is a long run, so
// the plug-in is loaded on a background thread, which compiles a small
// program whole, and the native code is installed at the first step boundary
// after it is ready (Scheduler::setNative). A larger program is compiled per
// function, on NativeJit's background thread, as the engine enters each
// function; the interpreter runs them meanwhile. Native and interpreted runs are identical, so
// where the switch happens changes the speed only, never the output, trace
// or message-log hash (tests/cli checks that).

#include "NativeJit.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace aeroflow::compiler {
struct Program;
}
namespace aeroflow::engine {
class Scheduler;
}

namespace aeroflow::cli {

class AutoJit {
public:
    /// Must outlive the scheduler it serves (declare it first).
    /// `wait`: compile on the engine thread at the threshold instead, so the
    /// switch happens exactly at delivery `after` (--jit-wait; tests).
    AutoJit(std::shared_ptr<const compiler::Program> program, int optLevel, uint64_t after, bool wait = false);
    ~AutoJit();
    AutoJit(const AutoJit&) = delete;
    AutoJit& operator=(const AutoJit&) = delete;

    /// Call after every step: starts the compile at the threshold, installs
    /// the native code once it is ready.
    void afterStep(engine::Scheduler& scheduler);
    /// One line for --verbose: when native code took over, or why not.
    std::string report() const;

private:
    std::shared_ptr<const compiler::Program> m_program;
    int m_optLevel;
    uint64_t m_after;
    uint64_t m_steps = 0;
    uint64_t m_installedAt = 0;
    bool m_wait = false;
    bool m_started = false, m_installed = false;
    std::thread m_thread;
    std::atomic<bool> m_ready{false};
    std::unique_ptr<NativeJit> m_native; ///< written by the thread before m_ready
    std::string m_error;                 ///< likewise
};

} // namespace aeroflow::cli
