#pragma once
// The timeline's asynchronous data side. When a trace opens it starts two
// threads, each with its own read connection (connections are per thread):
//  - the pyramid builder, which scans the messages once and fills the
//    DensityPyramid (progress reported, the overview grows as it fills);
//  - the frame worker, which owns a FrameBuilder and prepares the newest
//    requested frame (older pending requests are dropped, never built) and
//    answers navigation requests.
// Results come back on the GUI thread as queued signals. The object itself
// lives on the GUI thread; its destructor / close() stops and joins both
// threads.

#include "DensityPyramid.h"
#include "FrameList.h"
#include "TraceReader.h"
#include "TraceCursor.h"

#include <QObject>
#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace aeroflow::timeline {

class FrameBuilder;

class TimelineDataSource : public QObject {
    Q_OBJECT
public:
    /// Cause of a delivery from outside answers with the input that queued
    /// it (outsideNavigated). The outside kinds step through inputs or
    /// outputs (as the `from` ref is one) or follow an input to its delivery.
    enum class Navigation { NextOnLane, PreviousOnLane, Cause, FirstEffect, NextOutside, PreviousOutside, DeliveryOf };
    Q_ENUM(Navigation)

    explicit TimelineDataSource(QObject* parent = nullptr);
    ~TimelineDataSource() override;

    /// Opens `tracePath` (validated synchronously: a damaged or foreign file
    /// gives false and `error`) and starts the threads. `withReader`, when
    /// set, is called first with the frame worker's reader (still on the
    /// calling thread), so the caller needs no reader of its own for the
    /// small tables (actors, names).
    bool open(const QString& tracePath, QString* error = nullptr, uint64_t bucketSize = 1024,
        const std::function<bool(debugger::TraceReader&, QString*)>& withReader = {});
    void close();
    bool isOpen() const { return m_pyramid != nullptr; }

    /// Asks for a frame; replaces any request not yet started.
    void requestFrame(const FrameRequest& request);
    /// Asks a navigation question about `seq` (and `actor` for lanes);
    /// the answer arrives as navigated().
    void requestNavigation(Navigation kind, uint64_t seq, uint32_t actor = 0);
    /// Asks an outside-world question about `from` (NextOutside,
    /// PreviousOutside: the next / previous event of its half, or the first
    /// input after delivery `seq` / the last at or before it when `from` is
    /// null; DeliveryOf: the delivery an input queued, answered by navigated()).
    void requestOutsideNavigation(Navigation kind, OutsideRef from, uint64_t seq);
    /// The trace has inputs from or outputs to the outside world (known once open).
    bool hasWorld() const { return m_hasWorld; }
    /// The open trace's checked extent (what the pyramid and frames are sized by).
    const debugger::TraceExtent& extent() const { return m_extent; }

    std::shared_ptr<const DensityPyramid> pyramid() const { return m_pyramid; }
    /// Blocks until the pyramid is complete or `timeoutMs` passed (tests, bench).
    bool waitForPyramid(int timeoutMs);
    /// The pyramid's build ended and its last report (damage found, final
    /// progress) reached this (GUI) thread.
    bool pyramidFinished() const { return m_pyramidFinished; }

Q_SIGNALS:
    void frameReady(std::shared_ptr<const aeroflow::timeline::FrameList> frame);
    /// `seq` 0: no answer (nothing there).
    void navigated(aeroflow::timeline::TimelineDataSource::Navigation kind, uint64_t from, uint64_t seq);
    /// An outside event `to` (null: none) that arrived after / was sent
    /// during delivery `seq`; `fromSeq` is the message asked about (Cause), 0 otherwise.
    void outsideNavigated(aeroflow::timeline::TimelineDataSource::Navigation kind, uint64_t fromSeq,
        aeroflow::timeline::OutsideRef to, uint64_t seq);
    void pyramidProgress(uint64_t readyBuckets, uint64_t totalBuckets);
    void failed(const QString& message);
    /// The pyramid's scan found a row that does not fit the trace
    /// (DensityPyramid::damage); the timeline goes on without it.
    void damageFound(const QString& message);

private:
    struct NavRequest {
        Navigation kind;
        uint64_t seq;
        uint32_t actor;
        OutsideRef outside;
    };
    void answerOutside(FrameBuilder& builder, const NavRequest& nav);
    void frameLoop(std::unique_ptr<FrameBuilder> builder);
    void pyramidLoop(std::string path);

    std::shared_ptr<DensityPyramid> m_pyramid;
    debugger::TraceExtent m_extent;
    bool m_hasWorld = false;
    bool m_pyramidFinished = false; ///< GUI thread only
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::optional<FrameRequest> m_pending;
    std::deque<NavRequest> m_navigation;
    bool m_stop = false;
    std::atomic<bool> m_cancel { false };
    std::thread m_frameThread, m_pyramidThread;
    std::mutex m_doneMutex;
    std::condition_variable m_done;
};

} // namespace aeroflow::timeline

Q_DECLARE_METATYPE(std::shared_ptr<const aeroflow::timeline::FrameList>)
