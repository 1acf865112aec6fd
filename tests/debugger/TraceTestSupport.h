#pragma once
// Helpers shared by the debugger suites: compile a source, record its run
// in-process into a trace (capturing every actor's state hash after every
// step, the "truth" that seek must reproduce), and generate actor programs.

#include "Compiler.h"
#include "Recorder.h"
#include "Scheduler.h"

#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tracetest {

using namespace aeroflow;

inline std::shared_ptr<const compiler::Program> compileOrNull(const std::string& name, const std::string& text)
{
    auto r = compiler::compile(name, text, {true, false});
    return r.ok() ? r.program : nullptr;
}

struct Recording {
    bool ok = false;
    std::string error;
    std::string output;                               ///< stdout and stderr, in order
    engine::RunStats stats;
    std::vector<std::vector<uint64_t>> hashes;        ///< [position][actor] after each step (0 = after start)
};

struct RecordOptions {
    uint64_t seed = 0;
    uint64_t maxMessages = 200'000;
    debugger::RecorderOptions recorder;
    bool captureHashes = false;
    /// Called after each step with the scheduler (inject UI events here).
    std::function<void(engine::Scheduler&)> betweenSteps;
    std::function<std::optional<std::string>(std::string_view)> env;
    /// The outside world of the run (tests/engine/ScriptedWorld.h), if any.
    engine::OutsideWorld* world = nullptr;
};

inline std::vector<uint64_t> allHashes(const engine::Scheduler& s)
{
    std::vector<uint64_t> h;
    for (size_t a = 0; a < s.actorCount(); ++a)
        h.push_back(s.stateHash(uint32_t(a)));
    return h;
}

inline Recording record(const std::string& name, const std::string& text, const std::string& tracePath,
                        RecordOptions options = {})
{
    Recording out;
    auto program = compileOrNull(name, text);
    if (!program) {
        out.error = "does not compile";
        return out;
    }
    engine::RunOptions ro;
    ro.seed = options.seed;
    ro.maxMessages = options.maxMessages;
    ro.env = options.env;
    ro.world = options.world;
    auto rec = debugger::Recorder::create(tracePath, program, text, ro, options.recorder);
    if (!rec) {
        out.error = rec.error();
        return out;
    }
    ro.observer = rec->get();
    engine::Scheduler s(program, ro, [&](engine::Stream, std::string_view t) { out.output.append(t); });
    debugger::Recorder& r = **rec;
    r.attach(s);
    s.start();
    if (options.betweenSteps)
        options.betweenSteps(s);
    if (options.captureHashes)
        out.hashes.push_back(allHashes(s));
    while (!r.failed() && s.step()) {
        if (options.captureHashes)
            out.hashes.push_back(allHashes(s));
        r.afterStep();
        if (options.betweenSteps)
            options.betweenSteps(s);
    }
    out.stats = s.finish();
    out.ok = r.finish(out.stats);
    if (!out.ok)
        out.error = r.error();
    return out;
}

/// A random actor program: workers that pass work around with timers,
/// random draws, lists and maps in their state, occasional crashes and stops.
inline std::string generateProgram(uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    auto next = [&](uint64_t n) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x % n;
    };
    const uint64_t workers = 2 + next(5), depth = 3 + next(8), k1 = 1 + next(9), k2 = 1 + next(9),
                   k3 = 1 + next(4), crashAt = next(3) == 0 ? 2 + next(5) : 1000;
    std::string s;
    s += "actor Worker {\n"
         "    state total = 0\n"
         "    state seen: list[int] = []\n"
         "    state tags = {}\n"
         "    on Work(n, boss) {\n"
         "        total += n * " + std::to_string(k1) + "\n"
         "        seen.push(n)\n"
         "        tags[\"t\" + (n % 3)] = total\n"
         "        if n == " + std::to_string(crashAt) + " and total % 2 == 0 { let z = 0; print(1 / z) }\n"
         "        if n > 0 {\n"
         "            let r = random_int(0, 9)\n"
         "            if r < " + std::to_string(k2) + " { send(boss, Done(total, \"w\" + r)) }\n"
         "            after(1 + r % " + std::to_string(k3) + ", self, Work(n - 1, boss))\n"
         "        } else {\n"
         "            send(boss, Done(total, \"end\"))\n"
         "            stop()\n"
         "        }\n"
         "    }\n"
         "}\n"
         "actor Boss {\n"
         "    state done = 0\n"
         "    state last = \"\"\n"
         "    on Start(k) { for i in range(k) { send(spawn(Worker), Work(" + std::to_string(depth) + " + i, self)) } }\n"
         "    on Done(t, why) {\n"
         "        done += 1\n"
         "        last = why\n"
         "        if done % 3 == 0 { print(\"done\", done, t, why, time) }\n"
         "        if why == \"end\" { emit([done, t]) }\n"
         "    }\n"
         "}\n"
         "let b = spawn(Boss)\n"
         "send(b, Start(" + std::to_string(workers) + "))\n"
         "let first = recv()\n"
         "print(\"main got\", first)\n";
    return s;
}

inline QString tempPath(const QString& dir, const QString& name)
{
    return dir + QLatin1Char('/') + name;
}

} // namespace tracetest
