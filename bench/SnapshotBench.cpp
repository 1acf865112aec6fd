// `aeroflow-benchmark snapshot`: save and restore speed of `.afs` images
// (issue 3: save a 100 MB state at >= 1 GB/s; restore <= 1 ms without and
// <= 20 ms with checksum verification). The state is built by AeroFlow code
// in one actor, in two shapes: many small values (a list of ints) and fewer
// large ones (a list of 1 KiB strings). The peer is memcpy of the same number
// of bytes on this machine: the floor any snapshot writer pays.

#include "SnapshotBench.h"

#include "Compiler.h"
#include "Scheduler.h"
#include "Snapshot.h"
#include "Timing.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace aeroflow::bench {

namespace {

struct Shape {
    const char* name;
    const char* source;
};

// Each program leaves one Holder actor whose state is about `N` bytes.
const Shape kShapes[] = {
    {"ints", R"(
let N = __N__
actor Holder {
    state data = []
    on Fill(n) {
        mut i = 0
        while i < n {
            data.push(i)
            i += 1
        }
    }
}
let h = spawn(Holder)
send(h, Fill(N / 16))
)"},
    {"strings", R"(
let N = __N__
actor Holder {
    state data = []
    on Fill(n) {
        mut s = "x"
        mut k = 0
        while k < 10 {
            s = s + s
            k += 1
        }
        mut i = 0
        while i < n {
            data.push(s + str(i))
            i += 1
        }
    }
}
let h = spawn(Holder)
send(h, Fill(N / 1100))
)"},
};

double seconds(const Stopwatch& w) { return w.elapsed().wall; }

std::string load()
{
    std::ifstream f("/proc/loadavg");
    std::string a;
    f >> a;
    return a.empty() ? "?" : a;
}

} // namespace

bool runSnapshotBench(int repeat, int64_t bytes)
{
    std::printf("aeroflow-benchmark snapshot: %d repetitions, medians (load average %s)\n", repeat, load().c_str());
    std::printf("%-8s %10s %10s %10s %9s %12s %12s %10s %10s\n", "state", "heap MB", "image MB", "save ms", "save GB/s",
        "restore ms", "+verify ms", "check ms", "memcpy ms");
    bool ok = true;
    for (const Shape& shape : kShapes) {
        std::string src = shape.source;
        src.replace(src.find("__N__"), 5, std::to_string(bytes));
        auto r = compiler::compile(std::string("snapshot_") + shape.name + ".aefl", src, {true, false});
        if (!r.program) {
            std::fprintf(stderr, "aeroflow-benchmark: %s", r.formatDiagnostics(false).c_str());
            return false;
        }
        engine::RunOptions o;
        o.fuel = 4'000'000'000ull;
        o.memoryLimit = 8ll << 30;
        engine::Scheduler s(r.program, o, {});
        s.start();
        while (s.step()) {
        }
        std::vector<double> save, restore, verify, check, copy;
        std::string image;
        for (int i = 0; i < repeat; ++i) {
            Stopwatch w;
            image = engine::saveSnapshot(s, {false, {}});
            save.push_back(seconds(w));
            Stopwatch w2;
            auto a = engine::restoreSnapshot(image, r.program, o, {}, false);
            restore.push_back(seconds(w2));
            if (!a) {
                std::fprintf(stderr, "aeroflow-benchmark: restore failed: %s\n", a.error().c_str());
                return false;
            }
            a->reset(); // destruction is not part of restoring
            Stopwatch w3;
            auto b = engine::restoreSnapshot(image, r.program, o, {}, true);
            verify.push_back(seconds(w3));
            ok = ok && b.has_value();
            b->reset();
            Stopwatch w4;
            volatile uint64_t sum = engine::snapshotChecksum(image);
            (void)sum;
            check.push_back(seconds(w4));
            std::string dst(image.size(), '\0');
            Stopwatch w5;
            std::memcpy(dst.data(), image.data(), image.size());
            copy.push_back(seconds(w5));
        }
        const double mb = double(image.size()) / 1e6;
        const double stateMb = double(bytes) / 1e6;
        const double saveS = summarize(save).median;
        std::printf("%-8s %10.1f %10.1f %10.1f %9.2f %12.1f %12.1f %10.1f %10.1f\n", shape.name, stateMb, mb,
            saveS * 1e3, stateMb / 1e3 / saveS, summarize(restore).median * 1e3, summarize(verify).median * 1e3,
            summarize(check).median * 1e3, summarize(copy).median * 1e3);
        s.finish();
    }
    std::printf("heap MB: the state's size as the program built it (N); image MB: the .afs size.\n"
                "save GB/s: heap bytes per second. restore: without section checksums; +verify: with them.\n"
                "goals: save >= 1 GB/s; restore <= 1 ms; restore with verification <= 20 ms (for 100 MB).\n");
    return ok;
}

} // namespace aeroflow::bench
