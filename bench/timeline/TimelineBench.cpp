// aeroflow-timeline-benchmark: the timeline view's figures (issue 6).
//
//   aeroflow-timeline-benchmark [--dir DIR] [--messages N] [--frames K] [--width W] [--height H]
//
// 1. creates (once; reused when present) a trace of about N messages
//    (default 10,000,000) in DIR (default: the temp directory), recorded by
//    the engine from TraceGenerator's program (500 workers in a ring);
// 2. opens it in an offscreen TimelineView: open to first painted frame;
//    then how long the background density pyramid takes;
// 3. K viewports (default 500): zooms from the whole run to single ticks at
//    several positions, then pans at several scales; for each, the paint time
//    right after the change (old frame scaled), the time until the prepared
//    frame for that viewport arrives, and the paint time with it;
// 4. peak RSS. Prints a table with p50 / p99 / max.

#include "TraceGenerator.h"

#include "TimelineView.h"
#include "TraceCursor.h"
#include "TraceReader.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace aeroflow;
using namespace aeroflow::timeline;

namespace {

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

long peakRssKiB()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stol(line.substr(6));
    return -1;
}

/// Runs the event loop until the view paints a frame prepared for its current viewport.
bool waitForCurrentFrame(QApplication& app, TimelineView& view, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        auto f = view.frame();
        if (f && f->viewport == view.viewport())
            return true;
        app.processEvents(QEventLoop::WaitForMoreEvents, 5);
    }
    return false;
}

double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

/// Wall time of one paint of the whole view into `image`; `cpu` gets the
/// GUI thread's CPU time for it (what the paint costs without waiting for a
/// core on a loaded machine).
double paintMs(TimelineView& view, QImage& image, double* cpu = nullptr)
{
    QElapsedTimer t;
    t.start();
    const double c0 = threadCpuMs();
    QPainter p(&image);
    view.render(&p);
    p.end();
    if (cpu)
        *cpu = threadCpuMs() - c0;
    return double(t.nsecsElapsed()) / 1e6;
}

void row(const char* what, const std::vector<double>& v)
{
    std::printf("  %-44s %9.2f %9.2f %9.2f   (%zu)\n", what, percentile(v, 0.5), percentile(v, 0.99),
        v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()), v.size());
}

} // namespace

int main(int argc, char** argv)
{
    std::string dir = std::filesystem::temp_directory_path().string();
    uint64_t messages = 10'000'000;
    int frames = 500, width = 1600, height = 900;
    std::string saveDir; // --save DIR: a few frames as PNGs, to look at
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--messages" && i + 1 < argc)
            messages = std::stoull(argv[++i]);
        else if (a == "--frames" && i + 1 < argc)
            frames = std::stoi(argv[++i]);
        else if (a == "--width" && i + 1 < argc)
            width = std::stoi(argv[++i]);
        else if (a == "--height" && i + 1 < argc)
            height = std::stoi(argv[++i]);
        else if (a == "--save" && i + 1 < argc)
            saveDir = argv[++i];
        else {
            std::fprintf(stderr,
                "usage: aeroflow-timeline-benchmark [--dir DIR] [--messages N] [--frames K] "
                "[--width W] [--height H] [--save DIR]\n");
            return 2;
        }
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    // 1. The trace, generated once.
    const std::string trace = dir + "/timeline-bench-" + std::to_string(messages) + ".aftrace";
    bool reuse = false;
    if (std::filesystem::exists(trace))
        if (auto r = debugger::TraceReader::open(trace); r && (*r)->info().complete)
            reuse = true;
    if (!reuse) {
        std::printf("recording %llu messages into %s ...\n", static_cast<unsigned long long>(messages), trace.c_str());
        QElapsedTimer t;
        t.start();
        const std::string error = bench::recordTimelineBenchTrace(trace, messages, 500);
        if (!error.empty()) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        std::printf("  recorded in %.1f s\n", double(t.elapsed()) / 1000);
    }
    uint64_t endTick = 0, actors = 0, total = 0, bytes = std::filesystem::file_size(trace);
    {
        auto r = debugger::TraceReader::open(trace);
        if (!r) {
            std::fprintf(stderr, "%s\n", r.error().c_str());
            return 1;
        }
        endTick = (*r)->info().finalTick;
        actors = (*r)->info().actors;
        total = (*r)->info().messages;
    }
    std::printf("trace: %llu messages, %llu actors, final tick %llu, %.0f MB%s\n",
        static_cast<unsigned long long>(total), static_cast<unsigned long long>(actors),
        static_cast<unsigned long long>(endTick), double(bytes) / 1e6, reuse ? " (reused)" : "");

    // 2. Open to first paint.
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    QElapsedTimer open;
    open.start();
    TraceCursor cursor;
    TimelineView view;
    view.resize(width, height);
    if (!cursor.open(QString::fromStdString(trace))) {
        std::fprintf(stderr, "cannot open the trace\n");
        return 1;
    }
    QElapsedTimer blocked;
    blocked.start();
    view.setCursor(&cursor); // opens the view's readers on the GUI thread
    const double setCursorMs = double(blocked.nsecsElapsed()) / 1e6;
    if (!waitForCurrentFrame(app, view, 30'000)) {
        std::fprintf(stderr, "no first frame\n");
        return 1;
    }
    paintMs(view, image);
    const double firstPaint = double(open.nsecsElapsed()) / 1e6;
    const bool estimated = view.frame()->estimated;
    view.dataSource()->waitForPyramid(600'000);
    const double pyramid = double(open.nsecsElapsed()) / 1e6;
    app.processEvents();

    // 3. Zooms and pans.
    struct Span {
        double first, last;
    };
    std::vector<Span> plan;
    const double E = double(endTick + 1);
    const int zoomSteps = std::max(1, frames / 10);
    for (double pos : { 0.1, 0.3, 0.5, 0.7, 0.9 }) // 5 zooms from the whole run to ~2 ticks
        for (int i = 0; i < zoomSteps; ++i) {
            const double span = E * std::pow(2.0 / E, double(i) / (zoomSteps - 1));
            plan.push_back({ pos * E - span / 2, pos * E + span / 2 });
        }
    const int panSteps = std::max(1, (frames - int(plan.size())) / 4);
    for (double span : { E / 10, 500.0, 50.0, 5.0 }) // pans across the run at 4 scales
        for (int i = 0; i < panSteps; ++i) {
            const double start = (E - span) * double(i) / std::max(1, panSteps - 1);
            plan.push_back({ start, start + span });
        }
    std::vector<double> stalePaint, freshPaint, freshCpu, latency;
    size_t directFrames = 0, aggregateFrames = 0;
    for (const Span& s : plan) {
        QElapsedTimer t;
        t.start();
        view.showTicks(s.first, s.last);
        stalePaint.push_back(paintMs(view, image));
        if (!waitForCurrentFrame(app, view, 30'000)) {
            std::fprintf(stderr, "frame timed out\n");
            return 1;
        }
        latency.push_back(double(t.nsecsElapsed()) / 1e6);
        double cpu = 0;
        freshPaint.push_back(paintMs(view, image, &cpu));
        freshCpu.push_back(cpu);
        (view.frame()->mode == FrameList::Mode::Direct ? directFrames : aggregateFrames)++;
        const size_t index = size_t(&s - plan.data());
        if (!saveDir.empty()
            && (index % size_t(zoomSteps) == 0 || index % size_t(zoomSteps) == size_t(zoomSteps) * 2 / 3
                || index + 1 == plan.size())
            && index < size_t(zoomSteps) * 2)
            image.save(QString::fromStdString(saveDir + "/timeline-bench-" + std::to_string(index) + ".png"));
    }

    std::printf("\ntimeline view, %dx%d offscreen, %zu viewports (%zu direct, %zu aggregate frames)\n", width, height,
        plan.size(), directFrames, aggregateFrames);
    std::printf("  %-44s %9s %9s %9s\n", "ms", "p50", "p99", "max");
    std::printf("  %-44s %9.1f   (first frame %s)\n", "open to first paint", firstPaint,
        estimated ? "sampled while the pyramid builds" : "exact");
    std::printf("  %-44s %9.1f\n", "  of which GUI thread in setCursor (open)", setCursorMs);
    std::printf("  %-44s %9.1f\n", "open to density pyramid complete", pyramid);
    row("paint, old frame scaled (right after change)", stalePaint);
    row("paint, prepared frame (wall)", freshPaint);
    row("paint, prepared frame (GUI thread CPU)", freshCpu);
    row("viewport change -> prepared frame arrives", latency);
    std::printf("  %-44s %9.1f MB\n", "peak RSS", double(peakRssKiB()) / 1024);
    return 0;
}
