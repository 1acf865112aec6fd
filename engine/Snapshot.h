#pragma once
// `.afs` snapshots: the whole runtime state of a Scheduler between two
// deliveries (actors and their state, queued messages, PRNG states, clocks,
// the main program's suspended stack), written as a versioned, checksummed,
// little-endian image. docs/SNAPSHOT_FORMAT.md is the specification.
//
// Restoring gives a Scheduler that continues exactly as the uninterrupted run
// would have: same deliveries, same output, same state hashes.

#include "Scheduler.h"

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

namespace aeroflow::engine {

struct SnapshotOptions {
    /// Embed the program's source text so the image resumes on its own
    /// (`aeroflow resume`). Checkpoints inside a trace leave it out.
    bool includeSource = true;
    std::string sourceText; ///< required when includeSource
};

/// What the header of an image says (readable without restoring).
struct SnapshotInfo {
    uint32_t version = 0;
    uint64_t programHash = 0;
    uint64_t seed = 0;
    uint64_t time = 0;        ///< logical time at the snapshot
    uint64_t delivered = 0;   ///< deliveries before the snapshot
    uint32_t actors = 0;
    uint64_t queued = 0;
    std::string sourceName;
    std::string sourceText;   ///< empty when not embedded
};

/// The checksum of `.afs` sections (64 bits, four lanes; see the format doc).
uint64_t snapshotChecksum(std::string_view bytes);

/// Serialises `scheduler`: started (start() or step()), not finish()ed, and
/// between deliveries (never from inside an observer callback).
std::string saveSnapshot(const Scheduler& scheduler, const SnapshotOptions& options = {});

/// Reads and checks the header (magic, version, size, header checksum).
std::expected<SnapshotInfo, std::string> readSnapshotInfo(std::string_view image);

/// Rebuilds a scheduler from an image. `program` may be null: the embedded
/// source is compiled then. With `verify`, every section checksum is checked
/// first. `options` supplies limits, effects and observer for the continued
/// run; its seed is replaced by the image's. A damaged, truncated or foreign
/// image, or a program whose hash differs, gives an error message.
std::expected<std::unique_ptr<Scheduler>, std::string> restoreSnapshot(
    std::string_view image, std::shared_ptr<const compiler::Program> program, RunOptions options, OutputFn output,
    bool verify = true);

} // namespace aeroflow::engine
