// aeroflow-explorer-benchmark: how long the snapshot explorer takes to show
// the state at the cursor while the cursor is dragged (issue 6 goal: under
// 16 ms at the median). Records (or opens) a trace of a few million
// messages with a realistic number of actors, then moves a TraceCursor the
// way a drag does — one step per 16 ms frame — and measures, for every
// move, the time until the SnapshotModel shows that position (or a later
// one). A second pass jumps to random positions one at a time (the cost of
// one seek + tree build with nothing skipped). Prints p50/p99.
//
//   aeroflow-explorer-benchmark [--trace FILE] [--messages N] [--actors A] [--moves K]
// It records the trace first when FILE does not exist (without --trace: into
// a temporary directory).

#include "Compiler.h"
#include "Recorder.h"
#include "Scheduler.h"
#include "SnapshotModel.h"
#include "TimeTravelWorker.h"
#include "TraceCursor.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

using namespace aeroflow;

namespace {

std::string program(uint64_t messages, uint64_t actors)
{
    const uint64_t depth = messages / actors;
    return "actor Worker {\n"
           "    state id = 0\n"
           "    state total = 0\n"
           "    state recent: list[int] = []\n"
           "    state tags = {}\n"
           "    state next = nil\n"
           "    on Init(i, n) { id = i; next = n }\n"
           "    on Work(n) {\n"
           "        total += n % 97\n"
           "        recent = [n % 100, total % 7, id]\n"
           "        tags[\"k\" + (n % 4)] = total\n"
           "        if n > 0 { send(next, Work(n - 1)) }\n"
           "    }\n"
           "}\n"
           "mut ws = []\n"
           "for i in range("
        + std::to_string(actors)
        + ") { ws.push(spawn(Worker)) }\n"
          "for i in range(len(ws)) { send(ws[i], Init(i, ws[(i + 1) % len(ws)])) }\n"
          "for w in ws { send(w, Work("
        + std::to_string(depth) + ")) }\n";
}

bool record(const std::string& path, uint64_t messages, uint64_t actors)
{
    const std::string text = program(messages, actors);
    auto r = compiler::compile("explorer_bench.aefl", text, { true, false });
    if (!r.ok()) {
        std::fprintf(stderr, "benchmark program does not compile\n");
        return false;
    }
    engine::RunOptions ro;
    ro.maxMessages = messages * 2 + actors * 4;
    auto rec = debugger::Recorder::create(path, r.program, text, ro, {});
    if (!rec) {
        std::fprintf(stderr, "%s\n", rec.error().c_str());
        return false;
    }
    ro.observer = rec->get();
    engine::Scheduler s(r.program, ro, [](engine::Stream, std::string_view) {});
    (*rec)->attach(s);
    s.start();
    while (!(*rec)->failed() && s.step())
        (*rec)->afterStep();
    return (*rec)->finish(s.finish());
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

} // namespace

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    std::string tracePath;
    uint64_t messages = 3'000'000, actors = 200, moves = 400;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--trace"))
            tracePath = argv[i + 1];
        else if (!std::strcmp(argv[i], "--messages"))
            messages = std::stoull(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--actors"))
            actors = std::stoull(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--moves"))
            moves = std::stoull(argv[i + 1]);
    }
    QTemporaryDir dir;
    if (tracePath.empty())
        tracePath = dir.filePath(QStringLiteral("bench.aftrace")).toStdString();
    if (!QFileInfo::exists(QString::fromStdString(tracePath))) {
        QElapsedTimer t;
        t.start();
        if (!record(tracePath, messages, actors))
            return 1;
        std::printf("recorded %s in %.1f s\n", tracePath.c_str(), double(t.elapsed()) / 1000);
    }

    timeline::TraceCursor cursor;
    QString error;
    if (!cursor.open(QString::fromStdString(tracePath), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    timeline::TimeTravelWorker worker;
    worker.open(QString::fromStdString(tracePath));
    timeline::SnapshotModel model;
    model.setWorker(&worker);
    QEventLoop wait;
    auto idle = QObject::connect(&worker, &timeline::TimeTravelWorker::idle, &wait, &QEventLoop::quit);
    wait.exec();
    model.setCursor(&cursor);
    wait.exec();
    QObject::disconnect(idle);
    const uint64_t end = cursor.endSeq();
    std::printf("trace: %llu messages, %d actors at the end\n", static_cast<unsigned long long>(end), model.rowCount());

    // Drag: one move per 16 ms frame across the trace from 10% to 90%.
    std::deque<std::pair<uint64_t, QElapsedTimer>> pending;
    std::vector<double> drag, jump;
    std::vector<double>* sink = &drag;
    QObject::connect(&model, &timeline::SnapshotModel::snapshotApplied, [&](quint64 seq) {
        // Every move up to the one at this position is now shown.
        auto last = std::find_if(pending.rbegin(), pending.rend(), [&](const auto& p) { return p.first == seq; });
        if (last == pending.rend())
            return;
        const size_t n = size_t(pending.rend() - last);
        for (size_t k = 0; k < n; ++k) {
            sink->push_back(double(pending.front().second.nsecsElapsed()) / 1e6);
            pending.pop_front();
        }
        if (pending.empty() && sink == &jump)
            wait.quit();
    });
    const uint64_t from = end / 10, span = end * 8 / 10;
    uint64_t k = 0;
    QTimer frame;
    frame.setInterval(16);
    QObject::connect(&frame, &QTimer::timeout, [&] {
        if (k == moves) {
            frame.stop();
            if (pending.empty())
                wait.quit();
            else
                QTimer::singleShot(2000, &wait, &QEventLoop::quit);
            return;
        }
        const uint64_t seq = from + span * k / moves + (k % 7); // uneven steps, as a hand drags
        ++k;
        if (seq == cursor.seq())
            return;
        QElapsedTimer t;
        t.start();
        pending.emplace_back(seq, t);
        cursor.setSeq(seq);
    });
    frame.start();
    wait.exec();
    const uint64_t skippedDrag = model.skipped();

    // Jumps: random positions, one at a time.
    sink = &jump;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (uint64_t j = 0; j < moves / 4; ++j) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const uint64_t seq = 1 + x % end;
        if (seq == cursor.seq())
            continue;
        QElapsedTimer t;
        t.start();
        pending.emplace_back(seq, t);
        cursor.setSeq(seq);
        wait.exec();
    }
    std::printf("drag (%zu moves, one per 16 ms frame, %llu requests skipped as stale): p50 %.2f ms  p99 %.2f ms  max "
                "%.2f ms\n",
        drag.size(), static_cast<unsigned long long>(skippedDrag), percentile(drag, 0.5), percentile(drag, 0.99),
        percentile(drag, 1.0));
    std::printf("random jumps (%zu, one at a time): p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", jump.size(),
        percentile(jump, 0.5), percentile(jump, 0.99), percentile(jump, 1.0));
    return 0;
}
