// aeroflow-trace-benchmark: the recording debugger's figures (issue 4), with
// the raw SQLite insert rate of the same rows as the peer (the limit).
//
//   aeroflow-trace-benchmark [--messages N] [--seeks K] [--dir DIR] [--keep]
//
// 1. ping-pong of N messages: plain run vs recorded run (wall and process CPU),
//    messages written per second, bytes per message;
// 2. peer: N rows of the same shape inserted by one thread with the recorder's
//    settings (WAL, synchronous=NORMAL, 64-row prepared INSERTs, 8,192-row
//    transactions), no engine;
// 3. open + summary time of the trace; K seeks to random ticks (p50/p99/max).

#include "Compiler.h"
#include "Recorder.h"
#include "Sqlite.h"
#include "TimeTravel.h"
#include "TraceReader.h"
#include "TraceSchema.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace aeroflow;

namespace {

double clockNow(clockid_t c)
{
    timespec ts{};
    clock_gettime(c, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Timer {
    double wall = clockNow(CLOCK_MONOTONIC), cpu = clockNow(CLOCK_PROCESS_CPUTIME_ID);
    double wallSince() const { return clockNow(CLOCK_MONOTONIC) - wall; }
    double cpuSince() const { return clockNow(CLOCK_PROCESS_CPUTIME_ID) - cpu; }
};

std::string pingPong(uint64_t n)
{
    std::ifstream in(std::string(AEROFLOW_BENCH_DIR) + "/programs/pingpong.aefl");
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const std::string from = "let N = 10000000";
    const size_t at = text.find(from);
    if (at != std::string::npos)
        text.replace(at, from.size(), "let N = " + std::to_string(n));
    return text;
}

uint64_t fileBytes(const std::string& path)
{
    std::error_code ec;
    uint64_t n = 0;
    for (const char* s : {"", "-wal"}) {
        const auto b = std::filesystem::file_size(path + s, ec);
        if (!ec)
            n += b;
    }
    return n;
}

/// The peer: N message rows of ping-pong's shape, inserted like the writer does.
double rawInsertRate(const std::string& path, uint64_t n)
{
    std::error_code ec;
    for (const char* s : {"", "-wal", "-shm"})
        std::filesystem::remove(path + s, ec);
    debugger::Database db;
    db.open(path, debugger::Database::Mode::ReadWriteCreate);
    db.exec("PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-4096;"
            "PRAGMA wal_autocheckpoint=4096;");
    debugger::createTraceSchema(db);
    std::string sql = "INSERT INTO messages VALUES ";
    for (int r = 0; r < 64; ++r)
        sql += r ? ",(?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?)";
    debugger::Statement st = db.prepare(sql, true);
    const char payload[3] = {1, 3, 4};
    uint64_t hash = 0x9E3779B97F4A7C15ull;
    Timer t;
    for (uint64_t seq = 1; seq + 63 <= n;) {
        db.exec("BEGIN");
        for (int b = 0; b < 8192 / 64 && seq + 63 <= n; ++b) {
            for (int r = 0; r < 64; ++r, ++seq) {
                hash = hash * 6364136223846793005ull + 1442695040888963407ull;
                const int c = r * 9 + 1;
                st.bind(c, int64_t(seq));
                st.bind(c + 1, int64_t(seq));
                st.bind(c + 2, int64_t(1 + (seq & 1)));
                st.bind(c + 3, int64_t(2 - (seq & 1)));
                st.bind(c + 4, int64_t(seq & 1));
                st.bindBlob(c + 5, std::string_view(payload, 3), false);
                st.bind(c + 6, int64_t(seq - 1));
                st.bind(c + 7, int64_t(hash));
                st.bind(c + 8, 0);
            }
            st.step();
            st.reset();
        }
        db.exec("COMMIT");
    }
    const double secs = t.wallSince();
    return double(n) / secs;
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

} // namespace

int main(int argc, char** argv)
{
    uint64_t n = 1'000'000;
    int seeks = 1000;
    std::string dir = std::filesystem::temp_directory_path().string();
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--messages" && i + 1 < argc)
            n = std::stoull(argv[++i]);
        else if (a == "--seeks" && i + 1 < argc)
            seeks = std::stoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--keep")
            keep = true;
        else {
            std::fprintf(stderr, "usage: aeroflow-trace-benchmark [--messages N] [--seeks K] [--dir DIR] [--keep]\n");
            return 2;
        }
    }
    const std::string text = pingPong(n);
    auto compiled = compiler::compile("pingpong.aefl", text, {true, false});
    if (!compiled.ok()) {
        std::fprintf(stderr, "%s", compiled.formatDiagnostics().c_str());
        return 1;
    }
    engine::RunOptions options;
    options.maxMessages = n + 16;
    auto quiet = [](engine::Stream, std::string_view) {};
    std::printf("ping-pong, %llu messages\n", static_cast<unsigned long long>(n));

    // 1. plain vs recorded.
    Timer plainT;
    const auto plain = engine::runProgram(compiled.program, options, quiet);
    const double plainWall = plainT.wallSince(), plainCpu = plainT.cpuSince();
    const std::string trace = dir + "/aeroflow-bench.aftrace";
    Timer recT;
    auto rec = debugger::Recorder::create(trace, compiled.program, text, options);
    if (!rec) {
        std::fprintf(stderr, "%s\n", rec.error().c_str());
        return 1;
    }
    engine::RunOptions ro = options;
    ro.observer = rec->get();
    engine::Scheduler s(compiled.program, ro, quiet);
    debugger::Recorder& r = **rec;
    r.attach(s);
    s.start();
    while (!r.failed() && s.step())
        r.afterStep();
    const auto recorded = s.finish();
    const double loopWall = recT.wallSince();
    Timer closeT;
    r.finish(recorded);
    const double closeWall = closeT.wallSince();
    const double recWall = recT.wallSince(), recCpu = recT.cpuSince();
    if ((*rec)->failed() || recorded.messagesDelivered != plain.messagesDelivered) {
        std::fprintf(stderr, "recording failed: %s\n", (*rec)->error().c_str());
        return 1;
    }
    const uint64_t bytes = fileBytes(trace);
    std::printf("  %-34s %8.3f s wall %8.3f s cpu  %6.2f M msg/s\n", "run (no recording)", plainWall, plainCpu,
                double(n) / plainWall / 1e6);
    std::printf("  %-34s %8.3f s wall %8.3f s cpu  %6.2f M msg/s written\n", "run --record", recWall, recCpu,
                double(n) / recWall / 1e6);
    std::printf("  %-34s %8.3f s until the run ends, %.3f s to drain the queue and close\n", "  of which", loopWall,
                closeWall);
    std::printf("  %-34s %8.2fx wall %8.2fx cpu\n", "recording overhead", recWall / plainWall, recCpu / plainCpu);
    std::printf("  %-34s %8.1f bytes/message (%llu bytes, %llu checkpoints)\n", "trace size",
                double(bytes) / double(n), static_cast<unsigned long long>(bytes),
                static_cast<unsigned long long>((*rec)->checkpointsTaken()));

    // 2. the peer.
    const std::string raw = dir + "/aeroflow-bench-raw.db";
    const double rate = rawInsertRate(raw, n);
    std::printf("  %-34s %8.2f M rows/s (recorder / peer: %.2f)\n", "peer: raw SQLite insert, same rows", rate / 1e6,
                double(n) / recWall / rate);

    // 3. open + summary, seeks.
    Timer openT;
    auto reader = debugger::TraceReader::open(trace);
    const double openSecs = openT.wallSince();
    if (!reader) {
        std::fprintf(stderr, "%s\n", reader.error().c_str());
        return 1;
    }
    std::printf("  %-34s %8.1f ms\n", "open + summary", openSecs * 1e3);
    auto tt = debugger::TimeTravel::open(trace);
    if (!tt) {
        std::fprintf(stderr, "%s\n", tt.error().c_str());
        return 1;
    }
    std::mt19937_64 rng(42);
    std::vector<double> ms;
    const uint64_t lastTick = (*reader)->info().finalTick;
    for (int k = 0; k < seeks; ++k) {
        const uint64_t tick = rng() % (lastTick + 1);
        Timer t;
        auto r = (*tt)->seekTick(tick);
        ms.push_back(t.wallSince() * 1e3);
        if (!r) {
            std::fprintf(stderr, "seek: %s\n", r.error().c_str());
            return 1;
        }
    }
    std::printf("  %-34s p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
                ("seek to " + std::to_string(seeks) + " random ticks").c_str(), percentile(ms, 0.5),
                percentile(ms, 0.99), percentile(ms, 1.0));
    if (!keep) {
        std::error_code ec;
        for (const std::string& p : {trace, raw})
            for (const char* s : {"", "-wal", "-shm"})
                std::filesystem::remove(p + s, ec);
    }
    return 0;
}
