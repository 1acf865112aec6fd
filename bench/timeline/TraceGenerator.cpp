#include "TraceGenerator.h"

#include "Compiler.h"
#include "Recorder.h"
#include "Scheduler.h"

#include <algorithm>
#include <filesystem>

namespace aeroflow::bench {

std::string timelineBenchProgram(uint64_t messages, int workers)
{
    // tokens * hops ~= messages; 2,000 tokens keep a few hundred deliveries
    // per tick, so the run spans tens of thousands of ticks.
    const uint64_t tokens = std::max<uint64_t>(1, std::min<uint64_t>(2000, messages / 50));
    const uint64_t hops = std::max<uint64_t>(1, messages / tokens);
    std::string s;
    s += "let HOPS = " + std::to_string(hops) + "\n";
    s += "let WORKERS = " + std::to_string(workers) + "\n";
    s += "let TOKENS = " + std::to_string(tokens) + "\n";
    s += R"(
actor Auditor {
    state seen = 0
    on Report(k, h) {
        seen += 1
        if seen % 100 == 0 { print("audit", seen, k, h) }
        if seen == 2222 { let z = 0; print(1 / z) }
    }
}

actor Worker {
    state next: Worker
    state auditor: Auditor
    state handled = 0
    on Link(n, a) { next = n; auditor = a }
    on Token(k, h) {
        handled += 1
        if h % 1000 == 999 { send(auditor, Report(k, h)) }
        if h < HOPS { after(1 + (k + h) % 3, next, Token(k, h + 1)) }
    }
}

actor Relay {
    state hopsSeen = 0
    state next: Worker
    on Link(n, a) { next = n }
    on Token(k, h) {
        hopsSeen += 1
        if h < HOPS { send(next, Token(k, h + 1)) }
    }
}

mut auditors = []
for i in range(4) { auditors.push(spawn(Auditor)) }
mut ring = []
for i in range(WORKERS) {
    if i % 10 == 9 { ring.push(spawn(Relay)) } else { ring.push(spawn(Worker)) }
}
for i in range(WORKERS) { send(ring[i], Link(ring[(i + 1) % WORKERS], auditors[i % 4])) }
for t in range(TOKENS) { send(ring[(t * 7) % WORKERS], Token(t, 0)) }
)";
    return s;
}

std::string recordTimelineBenchTrace(const std::string& tracePath, uint64_t messages, int workers)
{
    const std::string text = timelineBenchProgram(messages, workers);
    auto compiled = compiler::compile("timeline_bench.aefl", text, { true, false });
    if (!compiled.ok())
        return compiled.formatDiagnostics();
    std::error_code ec;
    for (const char* suffix : { "", "-wal", "-shm" })
        std::filesystem::remove(tracePath + suffix, ec);
    engine::RunOptions ro;
    ro.maxMessages = messages + messages / 10 + 100'000;
    auto rec = debugger::Recorder::create(tracePath, compiled.program, text, ro);
    if (!rec)
        return rec.error();
    ro.observer = rec->get();
    engine::Scheduler s(compiled.program, ro, [](engine::Stream, std::string_view) {});
    debugger::Recorder& r = **rec;
    r.attach(s);
    s.start();
    while (!r.failed() && s.step())
        r.afterStep();
    const auto stats = s.finish();
    if (!r.finish(stats))
        return r.error();
    return {};
}

} // namespace aeroflow::bench
