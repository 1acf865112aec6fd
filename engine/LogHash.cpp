#include "LogHash.h"

#include "Hash.h"

#include <cstdio>

namespace aeroflow::engine {

void LogHasher::fold(uint64_t kind, uint64_t seq)
{
    ++m_events;
    m_hash = hashWord(hashWord(m_hash, kind), seq);
}

void LogHasher::onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent)
{
    fold(1, seq);
    m_hash = hashWord(m_hash, (uint64_t(actor) << 32) | type);
    m_hash = hashWord(m_hash, parent);
    if (m_next)
        m_next->onSpawn(seq, actor, type, parent);
}

void LogHasher::onDelivered(const DeliveryEvent& e)
{
    fold(2, e.seq);
    m_hash = hashWord(m_hash, e.time);
    m_hash = hashWord(m_hash, (uint64_t(e.sender) << 32) | e.receiver);
    m_hash = hashWord(m_hash, e.senderSeq);
    m_hash = hashWord(m_hash, e.causeSeq);
    m_hash = hashWord(m_hash, uint64_t(int64_t(e.message)));
    m_hash = e.payload ? hashValue(*e.payload, m_hash) : hashWord(m_hash, 0);
    m_hash = hashWord(m_hash, uint64_t(e.outcome));
    m_hash = hashWord(m_hash, e.stateHash);
    if (m_next)
        m_next->onDelivered(e);
}

void LogHasher::onOutput(uint64_t seq, Stream stream, std::string_view text)
{
    fold(3, seq);
    m_hash = hashBytes(hashWord(m_hash, uint64_t(stream)), text);
    if (m_next)
        m_next->onOutput(seq, stream, text);
}

void LogHasher::onCrash(uint64_t seq, uint32_t actor, std::string_view error)
{
    fold(4, seq);
    m_hash = hashBytes(hashWord(m_hash, actor), error);
    if (m_next)
        m_next->onCrash(seq, actor, error);
}

void LogHasher::onEffect(uint64_t seq, std::string_view kind, std::string_view value)
{
    fold(5, seq);
    m_hash = hashBytes(hashBytes(m_hash, kind), value);
    if (m_next)
        m_next->onEffect(seq, kind, value);
}

void LogHasher::onStopped(uint64_t seq, uint32_t actor)
{
    fold(6, seq);
    m_hash = hashWord(m_hash, actor);
    if (m_next)
        m_next->onStopped(seq, actor);
}

std::string LogHasher::summary() const
{
    char buf[80];
    std::snprintf(buf, sizeof buf, "message-log hash %016llx (%llu events)", static_cast<unsigned long long>(m_hash),
                  static_cast<unsigned long long>(m_events));
    return buf;
}

} // namespace aeroflow::engine
