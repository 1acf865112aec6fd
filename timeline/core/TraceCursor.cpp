#include "TraceCursor.h"

#include "TraceReader.h"

#include <algorithm>

namespace aeroflow::timeline {

TraceCursor::TraceCursor(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<OutsideRef>();
}

TraceCursor::~TraceCursor() = default;

bool TraceCursor::open(const QString& tracePath, QString* error)
{
    close();
    auto reader = debugger::TraceReader::open(tracePath.toStdString());
    if (!reader) {
        if (error)
            *error = QString::fromStdString(reader.error());
        return false;
    }
    auto extent = (*reader)->extent();
    if (!extent) {
        if (error)
            *error = QString::fromStdString(extent.error());
        return false;
    }
    m_reader = std::move(*reader);
    m_path = tracePath;
    m_endSeq = extent->messages;
    m_endTick = extent->finalTick;
    m_damage = QString::fromStdString(extent->damage);
    m_seq = 0;
    m_tick = 0;
    Q_EMIT opened();
    Q_EMIT extentChanged(m_endSeq, m_endTick);
    Q_EMIT positionChanged(m_seq, m_tick);
    return true;
}

void TraceCursor::close()
{
    if (!m_reader)
        return;
    m_reader.reset();
    m_path.clear();
    m_damage.clear();
    m_seq = m_tick = m_endSeq = m_endTick = 0;
    m_actor = -1;
    m_message = 0;
    m_outside = {};
    Q_EMIT closed();
}

bool TraceCursor::isOpen() const
{
    return m_reader != nullptr;
}

void TraceCursor::refresh()
{
    if (!m_reader)
        return;
    if (!m_reader->refresh())
        return;
    auto extent = m_reader->extent();
    if (!extent || extent->messages == m_endSeq)
        return;
    m_endSeq = extent->messages;
    m_endTick = extent->finalTick;
    Q_EMIT extentChanged(m_endSeq, m_endTick);
}

uint64_t TraceCursor::tickOf(uint64_t seq) const
{
    if (!m_reader || seq == 0)
        return 0;
    auto tick = m_reader->tickOf(std::min(seq, m_endSeq));
    return tick ? *tick : 0;
}

uint64_t TraceCursor::seqAtTick(uint64_t tick) const
{
    if (!m_reader)
        return 0;
    auto seq = m_reader->seqAtTick(tick, m_endSeq);
    return seq ? std::min(*seq, m_endSeq) : 0;
}

void TraceCursor::setSeq(uint64_t seq)
{
    if (!m_reader)
        return;
    seq = std::min(seq, m_endSeq);
    if (seq == m_seq)
        return;
    m_seq = seq;
    m_tick = tickOf(seq);
    Q_EMIT positionChanged(m_seq, m_tick);
}

void TraceCursor::setTick(uint64_t tick)
{
    setSeq(seqAtTick(tick));
}

void TraceCursor::selectActor(int64_t actor)
{
    if (actor < -1)
        actor = -1;
    if (actor == m_actor)
        return;
    m_actor = actor;
    Q_EMIT actorSelected(m_actor);
}

void TraceCursor::selectMessage(uint64_t seq)
{
    seq = std::min(seq, m_endSeq);
    if (seq == m_message)
        return;
    m_message = seq;
    if (seq != 0 && !m_outside.isNull()) {
        m_outside = {};
        Q_EMIT outsideSelected(m_outside);
    }
    Q_EMIT messageSelected(m_message);
}

void TraceCursor::selectOutside(OutsideRef ref)
{
    if (ref == m_outside)
        return;
    m_outside = ref;
    if (!ref.isNull() && m_message != 0) {
        m_message = 0;
        Q_EMIT messageSelected(0);
    }
    Q_EMIT outsideSelected(m_outside);
}

} // namespace aeroflow::timeline
