#pragma once
// The state of every actor at one position of a recorded run as a plain
// value tree (strings only, no engine values): built on the TimeTravel
// worker thread from the live Scheduler, then handed to the GUI thread.
// Printed values are engine::appendRepr text, exactly what
// debugger::TimeTravel::state prints for the top-level fields.

#include <cstdint>
#include <string>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}
namespace aeroflow::engine {
class Scheduler;
}

namespace aeroflow::timeline {

/// One value: a field, a list item, a map entry, a tensor row, ...
struct SnapshotNode {
    std::string name; ///< field name, "[3]", map key, "row 2"
    std::string value; ///< printed (strings quoted), cut past kMaxSnapshotValueBytes with its size
    std::string type; ///< "int", "list", "tensor[2, 3]", ...
    bool changed = false; ///< differs from the compared position (or new there)
    std::vector<SnapshotNode> children;
    uint64_t valueHash = 0; ///< of the whole printed value: a change past the cut still marks
};

/// One actor (main: its globals).
struct ActorSnapshot {
    uint32_t actor = 0;
    std::string name; ///< "main", "Counter#1"
    bool alive = true;
    bool changed = false; ///< some field changed
    std::vector<SnapshotNode> fields;
};

struct SnapshotTree {
    uint64_t seq = 0, tick = 0;
    /// The position changes are relative to (the end of the previous tick);
    /// equal to seq when nothing is compared (position 0).
    uint64_t compareSeq = 0;
    std::vector<ActorSnapshot> actors;
};

/// Children shown per list/map/tensor; the rest fold into one "… N more" row.
inline constexpr size_t kMaxSnapshotChildren = 500;
/// Printed values longer than this are cut (debugger::clipText: the start and the size).
inline constexpr size_t kMaxSnapshotValueBytes = 4096;

/// Every actor of `scheduler` (ids 0..actorCount-1), fields in declaration order.
SnapshotTree buildSnapshot(const engine::Scheduler& scheduler, const compiler::Program& program);

/// Marks in `now` what differs from `before` (by actor id, field position
/// and child name); nodes without a counterpart count as changed.
void markChanges(SnapshotTree& now, const SnapshotTree& before);

} // namespace aeroflow::timeline
