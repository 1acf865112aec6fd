// aeroflow-graph-benchmark: the actor graph's figures (issue 6).
//
//  1. Layout: Graphviz time for the graphs of recorded runs of a generated
//     tree program (~1,000 and ~10,000 actors of 4 types: spawn tree plus
//     sibling links), one node per actor (sfdp) and aggregated by type.
//     Also the time to paint that graph (fitted into 1280x800) at mid-run.
//  2. Cursor update: the frame at a random position (counts up to it from the
//     sparse prefix sums, spawned/alive, active nodes) on a large trace of a
//     token ring (default 10,000,000 messages), p50 / p99.
//
// Usage: aeroflow-graph-benchmark [--messages N] [--actors N] [--repeats R]
//                                 [--updates U] [--dir DIR] [--keep]
#include "../Timing.h"

#include "ActorGraphModel.h"
#include "ActorGraphScene.h"
#include "Compiler.h"
#include "GraphLayoutEngine.h"
#include "Recorder.h"
#include "TraceReader.h"

#include <QGuiApplication>
#include <QImage>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace aeroflow;
using bench::Stopwatch;

namespace {

std::string loadAverage()
{
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

/// Four actor types; each node spawns three children of the next type,
/// starts them growing and links them in a ring of siblings (Peer -> Hello).
std::string treeProgram(int depth)
{
    std::string s;
    for (int t = 0; t < 4; ++t) {
        const std::string self = "Branch" + std::to_string(t), child = "Branch" + std::to_string((t + 1) % 4);
        s += "actor " + self + " {\n"
             "    state peer: Actor\n"
             "    on Grow(d) {\n"
             "        if d > 0 {\n"
             "            let a = spawn(" + child + ")\n"
             "            let b = spawn(" + child + ")\n"
             "            let c = spawn(" + child + ")\n"
             "            send(a, Grow(d - 1))\n"
             "            send(b, Grow(d - 1))\n"
             "            send(c, Grow(d - 1))\n"
             "            send(a, Peer(b))\n"
             "            send(b, Peer(c))\n"
             "            send(c, Peer(a))\n"
             "        }\n"
             "    }\n"
             "    on Peer(p) {\n"
             "        peer = p\n"
             "        send(p, Hello(1))\n"
             "    }\n"
             "    on Hello(k) { }\n"
             "}\n";
    }
    s += "send(spawn(Branch0), Grow(" + std::to_string(depth) + "))\n";
    return s;
}

/// `actors` actors of 4 types in a ring; `tokens` tokens run `hops` hops each,
/// every 16th hop also pings the actor's tree parent.
std::string ringProgram(uint64_t actors, uint64_t tokens, uint64_t hops)
{
    std::string s;
    for (int t = 0; t < 4; ++t) {
        s += "actor Ring" + std::to_string(t) + " {\n"
             "    state next: Actor\n"
             "    state up: Actor\n"
             "    state seen = 0\n"
             "    on Link(n, u) {\n"
             "        next = n\n"
             "        up = u\n"
             "    }\n"
             "    on Token(k) {\n"
             "        seen += 1\n"
             "        if k > 0 {\n"
             "            send(next, Token(k - 1))\n"
             "            if k % 16 == 0 { send(up, Ping(k)) }\n"
             "        }\n"
             "    }\n"
             "    on Ping(k) { seen += 1 }\n"
             "}\n";
    }
    const std::string n = std::to_string(actors);
    s += "mut all = []\n"
         "for i in range(" + n + ") {\n"
         "    if i % 4 == 0 { all.push(spawn(Ring0)) }\n"
         "    else if i % 4 == 1 { all.push(spawn(Ring1)) }\n"
         "    else if i % 4 == 2 { all.push(spawn(Ring2)) }\n"
         "    else { all.push(spawn(Ring3)) }\n"
         "}\n"
         "for i in range(" + n + ") { send(all[i], Link(all[(i + 1) % " + n + "], all[i / 3])) }\n"
         "for i in range(" + std::to_string(tokens) + ") { send(all[i * 7 % " + n + "], Token(" +
         std::to_string(hops) + ")) }\n";
    return s;
}

bool record(const std::string& name, const std::string& text, const std::string& path, uint64_t maxMessages)
{
    auto compiled = compiler::compile(name, text, {true, false});
    if (!compiled.ok()) {
        std::fprintf(stderr, "%s", compiled.formatDiagnostics().c_str());
        return false;
    }
    std::filesystem::remove(path);
    engine::RunOptions ro;
    ro.maxMessages = maxMessages;
    auto rec = debugger::Recorder::create(path, compiled.program, text, ro);
    if (!rec) {
        std::fprintf(stderr, "%s\n", rec.error().c_str());
        return false;
    }
    ro.observer = rec->get();
    engine::Scheduler s(compiled.program, ro, [](engine::Stream, std::string_view) {});
    debugger::Recorder& r = **rec;
    r.attach(s);
    s.start();
    while (!r.failed() && s.step())
        r.afterStep();
    if (!r.finish(s.finish())) {
        std::fprintf(stderr, "recording failed: %s\n", r.error().c_str());
        return false;
    }
    return true;
}

double median(std::vector<double> v)
{
    return bench::summarize(std::move(v)).median;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

/// Median process CPU time and wall time (the machine is shared: wall time
/// includes waiting for the others) to paint the graph of `model` (fitted into 1280x800, at the
/// middle of the run) into an image, as the view's paintEvent does.
std::pair<double, double> paintMilliseconds(const timeline::ActorGraphModel::Ptr& model, debugger::TraceReader& reader, bool aggregated,
                         int repeats)
{
    timeline::ActorGraphScene scene;
    scene.setGraph(model, aggregated);
    auto layout = timeline::GraphLayoutEngine::layout(model->topology(aggregated));
    auto frame = model->frameAt(reader, model->endSeq() / 2, aggregated);
    if (!layout || !frame)
        return {-1, -1};
    scene.setLayout(*layout);
    scene.setFrame(std::move(*frame));
    QImage image(1280, 800, QImage::Format_ARGB32_Premultiplied);
    const QRectF b = scene.bounds();
    const double scale = std::min(1.6, std::min(1240 / std::max(1.0, b.width()), 760 / std::max(1.0, b.height())));
    // Process CPU time: Qt's raster engine may spread work over threads.
    auto processCpu = [] {
        timespec ts {};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
    };
    std::vector<double> ms, wall;
    for (int i = 0; i < repeats; ++i) {
        Stopwatch sw;
        const double cpu0 = processCpu();
        image.fill(scene.palette().background);
        QPainter p(&image);
        scene.paint(p, b.topLeft(), scale, QSizeF(image.size()));
        p.end();
        ms.push_back((processCpu() - cpu0) * 1e3);
        wall.push_back(sw.elapsed().wall * 1e3);
    }
    return {median(ms), median(wall)};
}

bool layoutFigures(const std::string& dir, int depth, int repeats)
{
    const std::string trace = dir + "/graph-tree-" + std::to_string(depth) + ".aftrace";
    if (!record("tree.aefl", treeProgram(depth), trace, 10'000'000))
        return false;
    auto reader = debugger::TraceReader::open(trace);
    if (!reader) {
        std::fprintf(stderr, "%s\n", reader.error().c_str());
        return false;
    }
    Stopwatch build;
    auto model = timeline::ActorGraphModel::build(**reader);
    const double buildSeconds = build.elapsed().wall;
    if (!model) {
        std::fprintf(stderr, "%s\n", model.error().c_str());
        return false;
    }
    const auto& fine = (*model)->topology(false);
    const auto& types = (*model)->topology(true);
    std::printf("tree depth %d: %zu actors, %zu edges, %llu messages; model built in %.3f s\n", depth,
                fine.nodes.size(), fine.edges.size(), static_cast<unsigned long long>((*model)->endSeq()),
                buildSeconds);
    for (bool aggregated : {false, true}) {
        const auto& t = aggregated ? types : fine;
        std::vector<double> wall, cpu;
        timeline::LayoutAlgorithm algo = timeline::LayoutAlgorithm::Auto;
        for (int i = 0; i < repeats; ++i) {
            Stopwatch sw;
            auto layout = timeline::GraphLayoutEngine::layout(t);
            const auto e = sw.elapsed();
            if (!layout) {
                std::fprintf(stderr, "%s\n", layout.error().c_str());
                return false;
            }
            algo = (*layout)->algorithm;
            wall.push_back(e.wall);
            cpu.push_back(e.cpu);
        }
        std::printf("  layout %-10s %5zu nodes %5zu edges  %-4s  median %.3f s wall, %.3f s cpu (min %.3f s, %d runs)\n",
                    aggregated ? "by type" : "per actor", t.nodes.size(), t.edges.size(),
                    algo == timeline::LayoutAlgorithm::Dot ? "dot" : "sfdp", median(wall), median(cpu),
                    bench::summarize(wall).min, repeats);
        const auto [paintCpu, paintWall] = paintMilliseconds(*model, **reader, aggregated, repeats * 4);
        std::printf("  paint  %-10s fitted into 1280x800 at mid-run: median %.2f ms cpu (process), %.2f ms wall\n",
                    aggregated ? "by type" : "per actor", paintCpu, paintWall);
    }
    return true;
}

bool cursorFigures(const std::string& dir, uint64_t messages, uint64_t actors, int updates)
{
    const uint64_t tokens = 64;
    const uint64_t hops = std::max<uint64_t>(1, (messages - std::min(messages, actors)) * 16 / 17 / tokens + 1);
    const std::string trace = dir + "/graph-ring-" + std::to_string(messages) + ".aftrace";
    Stopwatch rec;
    if (!record("ring.aefl", ringProgram(actors, tokens, hops), trace, messages))
        return false;
    std::printf("ring trace: %llu actors, recorded in %.1f s\n", static_cast<unsigned long long>(actors),
                rec.elapsed().wall);
    auto reader = debugger::TraceReader::open(trace);
    if (!reader) {
        std::fprintf(stderr, "%s\n", reader.error().c_str());
        return false;
    }
    Stopwatch build;
    auto model = timeline::ActorGraphModel::build(**reader);
    const double buildSeconds = build.elapsed().wall;
    if (!model) {
        std::fprintf(stderr, "%s\n", model.error().c_str());
        return false;
    }
    const auto& m = **model;
    std::printf("  %llu messages, %zu actors, %zu edges; model built in %.2f s; prefix stride %llu, %.1f MiB\n",
                static_cast<unsigned long long>(m.endSeq()), m.topology(false).nodes.size(),
                m.topology(false).edges.size(), buildSeconds, static_cast<unsigned long long>(m.stride()),
                double(m.prefixBytes()) / (1 << 20));
    uint64_t x = 0x9E3779B97F4A7C15ull; // fixed seed: the same positions every run
    auto next = [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    for (bool aggregated : {true, false}) {
        std::vector<double> frame, counts;
        for (int i = 0; i < updates; ++i) {
            const uint64_t seq = next() % (m.endSeq() + 1);
            Stopwatch sw;
            auto c = m.countsAt(**reader, seq);
            counts.push_back(sw.elapsed().wall);
            Stopwatch fw;
            auto f = m.frameAt(**reader, seq, aggregated);
            frame.push_back(fw.elapsed().wall);
            if (!c || !f) {
                std::fprintf(stderr, "query failed\n");
                return false;
            }
        }
        std::printf("  cursor update (%s, %d random positions): frame p50 %.2f ms, p99 %.2f ms; counts alone p50 "
                    "%.2f ms, p99 %.2f ms\n",
                    aggregated ? "by type" : "per actor", updates, percentile(frame, 0.5) * 1e3,
                    percentile(frame, 0.99) * 1e3, percentile(counts, 0.5) * 1e3, percentile(counts, 0.99) * 1e3);
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    // Painting needs fonts: a GUI application, on the offscreen platform.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    uint64_t messages = 10'000'000, actors = 1000;
    int repeats = 5, updates = 1000;
    std::string dir = std::filesystem::temp_directory_path().string();
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : "0"; };
        if (a == "--messages")
            messages = std::strtoull(value(), nullptr, 10);
        else if (a == "--actors")
            actors = std::max<uint64_t>(4, std::strtoull(value(), nullptr, 10));
        else if (a == "--repeats")
            repeats = std::max(1, std::atoi(value()));
        else if (a == "--updates")
            updates = std::max(1, std::atoi(value()));
        else if (a == "--dir")
            dir = value();
        else if (a == "--keep")
            keep = true;
        else {
            std::fprintf(stderr, "usage: aeroflow-graph-benchmark [--messages N] [--actors N] [--repeats R] "
                                 "[--updates U] [--dir DIR] [--keep]\n");
            return 2;
        }
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // progress shows when redirected
    std::printf("aeroflow-graph-benchmark; load average at start: %s\n", loadAverage().c_str());
    bool ok = layoutFigures(dir, 6, repeats) && layoutFigures(dir, 8, std::max(1, repeats / 2));
    ok = ok && cursorFigures(dir, messages, actors, updates);
    std::printf("load average at end: %s\n", loadAverage().c_str());
    if (!keep) {
        for (const char* f : {"/graph-tree-6.aftrace", "/graph-tree-8.aftrace"})
            std::filesystem::remove(dir + f);
        std::filesystem::remove(dir + "/graph-ring-" + std::to_string(messages) + ".aftrace");
    }
    return ok ? 0 : 1;
}
