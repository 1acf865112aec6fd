#pragma once
// Rows on their way from the engine thread to the trace writer. A batch is
// filled by the Recorder, handed over whole, written in one transaction and
// recycled. Plain data; no SQLite here.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace aeroflow::debugger {

struct MessageRow {
    uint64_t seq = 0, tick = 0;
    int64_t sender = 0;          ///< -1: from outside
    uint32_t receiver = 0;
    int32_t handler = -1;        ///< message id; -1 stores NULL (a value emitted to main)
    uint32_t payloadOffset = 0;  ///< into TraceBatch::payloads
    uint32_t payloadSize = 0;
    uint64_t causeSeq = 0;
    uint64_t stateHash = 0;
    uint8_t outcome = 0;
};

struct ActorRow {
    uint32_t id = 0;
    int64_t type = -1;
    std::string name;
    int64_t spawnedBy = -1;      ///< -1 stores NULL (the main program)
    uint64_t spawnedAtSeq = 0;
};

/// outputs(seq, stream, text), effects(seq, kind, value), crashes(seq, actor, error).
struct OutputRow {
    uint64_t seq = 0;
    uint8_t stream = 0;
    std::string text;  ///< stream 3 (outputs to the world): bytes, stored as a BLOB
};
struct EffectRow {
    uint64_t seq = 0;
    std::string kind, value;
    bool blob = false; ///< an input from the world: bytes, stored as a BLOB
};
struct CrashRow {
    uint64_t seq = 0;
    uint32_t actor = 0;
    std::string error;
};
struct CheckpointRow {
    uint64_t seq = 0, tick = 0;
    std::string image;
};

struct TraceBatch {
    std::vector<std::pair<std::string, std::string>> meta; ///< INSERT OR REPLACE
    std::vector<ActorRow> spawns;
    std::vector<std::pair<uint32_t, uint64_t>> stops;     ///< (actor, seq)
    std::vector<MessageRow> messages;
    std::string payloads;                                 ///< bytes of every message's payload
    std::vector<OutputRow> outputs;
    std::vector<EffectRow> effects;
    std::vector<CrashRow> crashes;
    std::vector<CheckpointRow> checkpoints;
    /// input_links(seq, effect): a delivery from outside and the effects
    /// rowid of the input (UI event, request, frame, call answer, timer) that queued it.
    std::vector<std::pair<uint64_t, uint64_t>> links;

    bool empty() const
    {
        return meta.empty() && spawns.empty() && stops.empty() && messages.empty() && outputs.empty() &&
               effects.empty() && crashes.empty() && checkpoints.empty() && links.empty();
    }
    size_t rows() const
    {
        return meta.size() + spawns.size() + stops.size() + messages.size() + outputs.size() + effects.size() +
               crashes.size() + checkpoints.size() + links.size();
    }
    /// Empties every vector but keeps their capacity for the next round.
    void clear()
    {
        meta.clear();
        spawns.clear();
        stops.clear();
        messages.clear();
        payloads.clear();
        outputs.clear();
        effects.clear();
        crashes.clear();
        checkpoints.clear();
        links.clear();
    }
};

} // namespace aeroflow::debugger
