#include "TimelineDataSource.h"

#include "FrameBuilder.h"
#include "Sqlite.h"

#include <QMetaObject>

#include <chrono>

namespace aeroflow::timeline {

TimelineDataSource::TimelineDataSource(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<std::shared_ptr<const FrameList>>();
    qRegisterMetaType<OutsideRef>();
}

TimelineDataSource::~TimelineDataSource()
{
    close();
}

bool TimelineDataSource::open(const QString& tracePath, QString* error, uint64_t bucketSize,
    const std::function<bool(debugger::TraceReader&, QString*)>& withReader)
{
    close();
    const std::string path = tracePath.toStdString();
    // The builder validates the file (TraceReader::open) before any thread starts.
    auto builder = FrameBuilder::open(path, nullptr);
    if (!builder) {
        if (error)
            *error = QString::fromStdString(builder.error());
        return false;
    }
    if (withReader && !withReader((*builder)->reader(), error))
        return false;
    m_hasWorld = (*builder)->hasWorld();
    m_extent = (*builder)->extent();
    m_pyramid = std::make_shared<DensityPyramid>(m_extent, bucketSize);
    (*builder)->setPyramid(m_pyramid);
    m_stop = false;
    m_cancel = false;
    m_pyramidFinished = false;
    m_frameThread = std::thread(&TimelineDataSource::frameLoop, this, std::move(*builder));
    m_pyramidThread = std::thread(&TimelineDataSource::pyramidLoop, this, path);
    return true;
}

void TimelineDataSource::close()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_pending.reset();
        m_navigation.clear();
    }
    m_cancel = true;
    m_wake.notify_all();
    if (m_frameThread.joinable())
        m_frameThread.join();
    if (m_pyramidThread.joinable())
        m_pyramidThread.join();
    m_pyramid.reset();
    m_extent = {};
    m_hasWorld = false;
}

void TimelineDataSource::requestFrame(const FrameRequest& request)
{
    {
        std::lock_guard lock(m_mutex);
        m_pending = request;
    }
    m_wake.notify_all();
}

void TimelineDataSource::requestNavigation(Navigation kind, uint64_t seq, uint32_t actor)
{
    {
        std::lock_guard lock(m_mutex);
        m_navigation.push_back({ kind, seq, actor, {} });
    }
    m_wake.notify_all();
}

void TimelineDataSource::requestOutsideNavigation(Navigation kind, OutsideRef from, uint64_t seq)
{
    {
        std::lock_guard lock(m_mutex);
        m_navigation.push_back({ kind, seq, 0, from });
    }
    m_wake.notify_all();
}

void TimelineDataSource::answerOutside(FrameBuilder& builder, const NavRequest& nav)
{
    OutsideRef to;
    uint64_t seq = 0, fromSeq = 0;
    WorldFrameBuilder* wb = builder.world();
    debugger::TraceWorld* world = wb ? &wb->world() : nullptr;
    auto positionOf = [&](OutsideRef ref) -> uint64_t {
        if (ref.output) {
            auto o = world->output(ref.row);
            return o && *o ? (*o)->seq : 0;
        }
        auto i = world->input(ref.row);
        return i && *i ? (*i)->seq : 0;
    };
    if (world) {
        switch (nav.kind) {
        case Navigation::NextOutside:
        case Navigation::PreviousOutside: {
            const bool forward = nav.kind == Navigation::NextOutside;
            debugger::Result<std::optional<uint64_t>> r = std::optional<uint64_t>();
            // request_done inputs are drawn on their response (or as a
            // timeout among the outputs), not as inputs: steps skip them.
            if (nav.outside.isNull())
                r = world->inputNearSeq(forward ? nav.seq + 1 : nav.seq, forward, false);
            else if (nav.outside.output)
                r = world->stepOutput(nav.outside.row, forward);
            else
                r = world->stepInput(nav.outside.row, forward, false);
            if (r && *r) {
                to = { nav.outside.output, **r };
                seq = positionOf(to);
            }
            break;
        }
        case Navigation::Cause: { // a delivery from outside: its input
            fromSeq = nav.seq;
            auto r = world->inputOfDelivery(nav.seq);
            if (r && *r) {
                to = { false, **r };
                seq = positionOf(to);
            }
            break;
        }
        case Navigation::DeliveryOf: {
            // An input: the delivery it queued; an output: the one that sent it.
            uint64_t delivered = 0;
            if (nav.outside.output) {
                auto out = world->output(nav.outside.row);
                delivered = out && *out ? (*out)->seq : 0;
            } else {
                auto in = world->input(nav.outside.row);
                delivered = in && *in ? (*in)->deliveredSeq.value_or(0) : 0;
            }
            QMetaObject::invokeMethod(
                this, [this, from = nav.seq, delivered] { Q_EMIT navigated(Navigation::DeliveryOf, from, delivered); },
                Qt::QueuedConnection);
            return;
        }
        default:
            break;
        }
    }
    const Navigation kind = nav.kind;
    QMetaObject::invokeMethod(
        this, [this, kind, fromSeq, to, seq] { Q_EMIT outsideNavigated(kind, fromSeq, to, seq); },
        Qt::QueuedConnection);
}

bool TimelineDataSource::waitForPyramid(int timeoutMs)
{
    if (!m_pyramid)
        return false;
    std::unique_lock lock(m_doneMutex);
    return m_done.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
        return m_pyramid->complete() || !m_pyramid->error().empty();
    }) && m_pyramid->complete();
}

void TimelineDataSource::frameLoop(std::unique_ptr<FrameBuilder> builder)
{
    for (;;) {
        std::optional<FrameRequest> request;
        std::optional<NavRequest> nav;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_pending || !m_navigation.empty(); });
            if (m_stop)
                return;
            if (!m_navigation.empty()) {
                nav = m_navigation.front();
                m_navigation.pop_front();
            } else {
                request = std::move(m_pending);
                m_pending.reset();
            }
        }
        if (nav
            && (nav->kind == Navigation::NextOutside || nav->kind == Navigation::PreviousOutside
                || nav->kind == Navigation::DeliveryOf)) {
            answerOutside(*builder, *nav);
            continue;
        }
        if (nav) {
            std::optional<uint64_t> answer;
            switch (nav->kind) {
            case Navigation::NextOnLane:
                answer = builder->stepOnLane(nav->actor, nav->seq, true);
                break;
            case Navigation::PreviousOnLane:
                answer = builder->stepOnLane(nav->actor, nav->seq, false);
                break;
            case Navigation::Cause:
                answer = builder->causeOf(nav->seq);
                if (!answer && builder->hasWorld()) {
                    answerOutside(*builder, *nav); // from outside: its input
                    continue;
                }
                break;
            case Navigation::FirstEffect:
                answer = builder->firstEffectOf(nav->seq);
                break;
            default:
                break;
            }
            const Navigation kind = nav->kind;
            const uint64_t from = nav->seq, seq = answer.value_or(0);
            QMetaObject::invokeMethod(
                this, [this, kind, from, seq] { Q_EMIT navigated(kind, from, seq); }, Qt::QueuedConnection);
            continue;
        }
        auto frame = std::make_shared<const FrameList>(builder->build(*request));
        QMetaObject::invokeMethod(
            this, [this, frame] { Q_EMIT frameReady(frame); }, Qt::QueuedConnection);
    }
}

void TimelineDataSource::pyramidLoop(std::string path)
{
    debugger::Database db;
    if (!db.open(path, debugger::Database::Mode::ReadOnly)) {
        const QString message = QString::fromStdString(db.lastError());
        QMetaObject::invokeMethod(
            this, [this, message] { Q_EMIT failed(message); }, Qt::QueuedConnection);
        return;
    }
    const auto pyramid = m_pyramid;
    const uint64_t total = pyramid->bucketCount();
    auto last = std::chrono::steady_clock::now();
    const bool ok = pyramid->build(db, m_cancel, [&] {
        // Report at most ~10 times a second (the view re-requests its frame).
        const auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::milliseconds(100) && !pyramid->complete())
            return;
        last = now;
        const uint64_t ready = pyramid->readyBuckets();
        QMetaObject::invokeMethod(
            this, [this, ready, total] { Q_EMIT pyramidProgress(ready, total); }, Qt::QueuedConnection);
    });
    {
        std::lock_guard lock(m_doneMutex);
    }
    m_done.notify_all();
    if (!m_cancel) {
        // One last report on the GUI thread: what the scan found damaged,
        // then "finished" (pyramidFinished()), in that order.
        const QString damage = QString::fromStdString(pyramid->damage());
        const uint64_t ready = pyramid->readyBuckets();
        QMetaObject::invokeMethod(
            this,
            [this, pyramid, damage, ready, total] {
                if (pyramid != m_pyramid)
                    return; // another trace opened meanwhile
                if (!damage.isEmpty())
                    Q_EMIT damageFound(damage);
                m_pyramidFinished = true;
                Q_EMIT pyramidProgress(ready, total);
            },
            Qt::QueuedConnection);
    }
    if (!ok && !m_cancel) {
        const QString message = QString::fromStdString(pyramid->error());
        QMetaObject::invokeMethod(
            this, [this, message] { Q_EMIT failed(message); }, Qt::QueuedConnection);
    }
}

} // namespace aeroflow::timeline
