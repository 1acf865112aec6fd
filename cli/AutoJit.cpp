#include "AutoJit.h"

#include "Jit.h"
#include "Scheduler.h"

namespace aeroflow::cli {

AutoJit::AutoJit(std::shared_ptr<const compiler::Program> program, int optLevel, uint64_t after, bool wait)
    : m_program(std::move(program)), m_optLevel(optLevel), m_after(after), m_wait(wait)
{
}

AutoJit::~AutoJit()
{
    if (m_thread.joinable())
        m_thread.join();
}

void AutoJit::afterStep(engine::Scheduler& scheduler)
{
    if (m_installed)
        return;
    ++m_steps;
    if (!m_started) {
        if (m_steps < m_after)
            return;
        m_started = true;
        // The program is immutable once compiled; the engine only reads it too.
        m_thread = std::thread([this] {
            // A small program compiles whole here; a larger one per function,
            // in the background, as the engine first enters each: the run
            // never waits for LLVM.
            JitPolicy policy;
            policy.background = true;
            auto compiled = NativeJit::compile(*m_program, m_optLevel, policy);
            if (compiled)
                m_native = std::move(*compiled);
            else
                m_error = compiled.error();
            m_ready.store(true, std::memory_order_release);
        });
        if (!m_wait)
            return;
        m_thread.join();
    }
    if (!m_ready.load(std::memory_order_acquire))
        return;
    m_installed = true;
    m_installedAt = m_steps;
    if (m_native)
        scheduler.setNative(m_native.get());
}

std::string AutoJit::report() const
{
    if (!m_started)
        return "interpreter only (the run ended before " + std::to_string(m_after) + " deliveries)";
    if (!m_installed)
        return "interpreter only (the run ended while the JIT compiled)";
    if (!m_native)
        return "interpreter only (JIT unavailable: " + m_error + ")";
    // "JIT -ON: k of n functions compiled ...; interpreted: ..."
    std::string details = m_native->report();
    details = details.substr(details.find(": ") + 2);
    return "native code (JIT -O" + std::to_string(m_optLevel) + ") from delivery " + std::to_string(m_installedAt) +
           ": " + details;
}

} // namespace aeroflow::cli
