#pragma once
// The message-log hash: one 64-bit digest of everything a run's observer sees
// (spawns, deliveries with their payloads and state hashes, output, crashes,
// effects, stops), in run order. Two runs with the same digest delivered the
// same messages in the same order with the same results. It is built only
// from content (Hash.h), never from addresses, so the interpreter, the JIT
// and every ahead-of-time target must agree on it (`--log-hash`,
// tests/aot's determinism check).

#include "Scheduler.h"

#include <cstdint>

namespace aeroflow::engine {

class LogHasher final : public RunObserver {
public:
    /// `next` (optional, not owned) is told every event too: a recorder can
    /// sit behind the hasher.
    explicit LogHasher(RunObserver* next = nullptr) : m_next(next) {}

    void onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent) override;
    void onDelivered(const DeliveryEvent& event) override;
    void onOutput(uint64_t seq, Stream stream, std::string_view text) override;
    void onCrash(uint64_t seq, uint32_t actor, std::string_view error) override;
    void onEffect(uint64_t seq, std::string_view kind, std::string_view value) override;
    void onStopped(uint64_t seq, uint32_t actor) override;

    /// The digest so far.
    uint64_t digest() const { return m_hash; }
    /// Events folded in so far.
    uint64_t events() const { return m_events; }
    /// "message-log hash 0123456789abcdef (N events)".
    std::string summary() const;

private:
    void fold(uint64_t kind, uint64_t seq);

    RunObserver* m_next = nullptr;
    uint64_t m_hash = 0x6A09E667F3BCC908ull;
    uint64_t m_events = 0;
};

} // namespace aeroflow::engine
