#pragma once
// Test support for tests/codegen: runs a program on the interpreter or under
// the JIT and captures everything observable as one comparable text: output,
// errors, exit code and every event a RunObserver sees (spawns, deliveries
// with seq, time, sender, receiver, printed payload, outcome and the state
// hash after each, outputs, crashes, effects), plus the delivery log
// (RunOptions::recordDeliveries).

#include "NativeCode.h"
#include "Print.h"
#include "Program.h"
#include "Scheduler.h"

#include <memory>
#include <string>

namespace aeroflow::testing {

class TraceCapture final : public engine::RunObserver {
public:
    explicit TraceCapture(const compiler::Program* program) : m_program(program) {}
    std::string text;

    void onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent) override
    {
        text += "spawn " + std::to_string(seq) + " " + std::to_string(actor) + " " + std::to_string(type) + " " +
                std::to_string(parent) + "\n";
    }
    void onDelivered(const engine::DeliveryEvent& e) override
    {
        text += "deliver " + std::to_string(e.seq) + " t" + std::to_string(e.time) + " " + std::to_string(e.sender) +
                "->" + std::to_string(e.receiver) + " #" + std::to_string(e.senderSeq) + " cause " +
                std::to_string(e.causeSeq) + " msg " + std::to_string(e.message) + " " +
                (e.payload ? engine::toDisplay(*e.payload, m_program) : std::string("-")) + " outcome " +
                std::to_string(int(e.outcome)) + " hash " + std::to_string(e.stateHash) + "\n";
    }
    void onOutput(uint64_t seq, engine::Stream stream, std::string_view t) override
    {
        text += "out " + std::to_string(seq) + " " + std::to_string(int(stream)) + " " + std::string(t);
    }
    void onCrash(uint64_t seq, uint32_t actor, std::string_view error) override
    {
        text += "crash " + std::to_string(seq) + " " + std::to_string(actor) + " " + std::string(error) + "\n";
    }
    void onEffect(uint64_t seq, std::string_view kind, std::string_view value) override
    {
        text += "effect " + std::to_string(seq) + " " + std::string(kind) + " " + std::string(value) + "\n";
    }
    void onStopped(uint64_t seq, uint32_t actor) override
    {
        text += "stopped " + std::to_string(seq) + " " + std::to_string(actor) + "\n";
    }

private:
    const compiler::Program* m_program;
};

/// Everything a run shows, as text (equal texts = identical runs).
inline std::string captureRun(const std::shared_ptr<const compiler::Program>& program, engine::RunOptions options,
                              const engine::NativeCode* native)
{
    TraceCapture capture(program.get());
    options.observer = &capture;
    options.recordDeliveries = true;
    options.native = native;
    std::string out;
    const engine::RunStats stats = engine::runProgram(program, std::move(options), [&](engine::Stream s, std::string_view t) {
        out += (s == engine::Stream::Output ? "1|" : "2|") + std::string(t);
    });
    std::string r = "== output\n" + out + "== exit " + std::to_string(stats.exitCode) + " delivered " +
                    std::to_string(stats.messagesDelivered) + " time " + std::to_string(stats.finalTime) +
                    " spawned " + std::to_string(stats.actorsSpawned) + " crashes " + std::to_string(stats.crashes) +
                    "\n== deliveries\n";
    for (const auto& d : stats.deliveries)
        r += std::to_string(d.seq) + " t" + std::to_string(d.time) + " " + std::to_string(d.sender) + "->" +
             std::to_string(d.receiver) + " " + d.message + "\n";
    for (const auto& w : stats.warnings)
        r += "warning " + w + "\n";
    return r + "== events\n" + capture.text;
}

} // namespace aeroflow::testing
