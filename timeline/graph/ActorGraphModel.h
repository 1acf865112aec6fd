#pragma once
// The actor graph of a recorded run, without a view (STYLE.md: test models
// without a view): actors are nodes, (sender, receiver) pairs that ever
// exchanged a message are edges. Built once per trace by one scan of
// `messages`, which also stores sparse prefix sums of the per-edge counts
// (every `stride` deliveries), so "counts up to the cursor" costs one copy
// plus a bounded query of at most stride/2 rows over seq (the rowid).
//
// The model is immutable after build() and may be shared between threads;
// every query that reads the trace takes the caller's TraceReader (one reader
// per thread, debugger/TraceReader.h).

#include "TraceReader.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace aeroflow::timeline {

/// Pseudo actor id of messages from outside the program (UI events).
inline constexpr int64_t kOutsideActor = -1;
/// Type of the main program's node and of the outside node.
inline constexpr int64_t kMainType = -1;
inline constexpr int64_t kOutsideType = -2;

struct GraphNode {
    int64_t actor = 0;            ///< actor id (-1: outside); aggregated: the first member
    int64_t type = kMainType;     ///< actor_types.type_id; kMainType, kOutsideType
    std::string label;            ///< `Type#id` (actors.name); aggregated: `Type ×N`
    uint32_t members = 1;         ///< actors folded into this node
};

struct GraphEdge {
    uint32_t from = 0, to = 0;    ///< node indexes
    uint64_t total = 0;           ///< messages over the whole run
};

/// One graph: the actors' own (fine) or folded by actor type (aggregated).
struct GraphTopology {
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
    bool aggregated = false;
};

/// What the graph shows at one cursor position.
struct GraphFrame {
    uint64_t seq = 0, tick = 0;
    bool aggregated = false;
    std::vector<uint64_t> edgeCounts;  ///< messages with seq <= `seq`, per edge of the topology
    std::vector<uint32_t> spawned;     ///< per node: members spawned by `seq` (0: not yet, draw hidden)
    std::vector<uint32_t> alive;       ///< per node: spawned and not stopped by `seq`
    std::vector<uint8_t> active;       ///< per node: 1 when it handled a message at `tick`, up to `seq`
};

struct ActorGraphOptions {
    /// First prefix-sum stride (a power of two); doubled while the prefix
    /// table exceeds `prefixBudgetBytes`, up to 65,536.
    uint64_t stride = 4096;
    size_t prefixBudgetBytes = size_t(48) << 20;
    /// Fine graphs with more nodes than this are shown aggregated by default.
    size_t aggregateThreshold = 300;
    /// Polled during the scan; returning true abandons the build.
    std::function<bool()> cancelled;
};

class ActorGraphModel {
public:
    using Ptr = std::shared_ptr<const ActorGraphModel>;

    /// Scans the trace once (on a worker: O(messages)). Errors (not a trace,
    /// SQLite failures, cancellation) come back as messages.
    static debugger::Result<Ptr> build(debugger::TraceReader& reader, const ActorGraphOptions& options = {});

    const GraphTopology& topology(bool aggregated) const { return aggregated ? m_types : m_actors; }
    /// The automatic default: aggregate past the threshold.
    bool defaultAggregated() const { return m_actors.nodes.size() > m_threshold; }
    uint64_t endSeq() const { return m_endSeq; }
    /// What the build found damaged ("this trace looks damaged: message 40
    /// names receiver 2147483647 but the trace has 5 actors"), or empty.
    const std::string& damage() const { return m_damage; }
    /// Messages left out of every count: their sender or receiver is not an
    /// actor of the trace.
    uint64_t skippedMessages() const { return m_skipped; }
    uint64_t programHash() const { return m_programHash; }
    uint64_t stride() const { return m_stride; }
    size_t prefixBytes() const;

    /// Node of `actor` in the chosen topology; -1 when it has none.
    int64_t nodeOfActor(int64_t actor, bool aggregated) const;
    /// The fine edge of `from` -> `to`; -1 when they never exchanged a message.
    int64_t edgeOf(int64_t from, int64_t to) const;

    /// Fine per-edge counts of the deliveries with seq <= `seq` (clamped to the run).
    debugger::Result<std::vector<uint64_t>> countsAt(debugger::TraceReader& reader, uint64_t seq) const;
    /// Folds fine edge counts onto the aggregated edges (sums).
    std::vector<uint64_t> aggregateCounts(const std::vector<uint64_t>& fine) const;
    /// Receivers (actor ids, ascending) of the deliveries handled (not dropped)
    /// at the tick of position `seq`, up to `seq`; at most `limit` rows are read.
    debugger::Result<std::vector<int64_t>> activeActorsAt(debugger::TraceReader& reader, uint64_t seq,
                                                          size_t limit = 200'000) const;
    /// Everything a view draws at position `seq`.
    debugger::Result<GraphFrame> frameAt(debugger::TraceReader& reader, uint64_t seq, bool aggregated) const;

private:
    struct Prefix {
        uint64_t seq = 0;
        std::vector<uint32_t> counts; ///< fine edges known by then; missing ones are 0
    };
    struct ActorLife {
        uint64_t spawnedAt = 0, stoppedAt = UINT64_MAX;
    };

    uint32_t nodeFor(int64_t actor);
    void aggregate(const debugger::PayloadNames& names);

    GraphTopology m_actors, m_types;
    std::vector<ActorLife> m_life;                    ///< per fine node
    std::vector<uint32_t> m_fineToType;               ///< fine node -> aggregated node
    std::vector<uint32_t> m_edgeToType;               ///< fine edge -> aggregated edge
    std::unordered_map<int64_t, uint32_t> m_nodeOf;   ///< actor id -> fine node (lookups only)
    std::unordered_map<uint64_t, uint32_t> m_edgeOf;  ///< (from, to) node pair -> fine edge (lookups only)
    std::vector<Prefix> m_prefix;                     ///< ascending seq; first at 0, last at m_endSeq
    uint64_t m_stride = 4096, m_endSeq = 0, m_programHash = 0;
    uint64_t m_skipped = 0;
    std::string m_damage;
    size_t m_threshold = 300;
};

} // namespace aeroflow::timeline
