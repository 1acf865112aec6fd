#pragma once
// Reads a trace file (read-only; the Studio may read while a recorder is
// still writing, WAL allows it). Opening checks that the file is an AeroFlow
// trace of a schema version this build reads; anything else (another SQLite
// file, a truncated or corrupted file, not SQLite at all) gives a clear
// error, never a crash. Every later query reports SQLite errors as values.
//
// Not thread-safe: one reader per thread (each owns its connection).

#include "Payload.h"
#include "Sqlite.h"
#include "TraceSchema.h"

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aeroflow::debugger {

struct TraceInfo {
    int schemaVersion = 0;
    std::string engineVersion;
    uint64_t programHash = 0;
    uint64_t seed = 0;
    std::string sourceName;
    std::string startTime;
    uint64_t maxMessages = 0, fuel = 0, maxCallDepth = 0;
    int64_t memoryLimit = 0;
    bool servingLiftsLimit = true;  ///< meta.serving_lifts_limit
    bool complete = false;          ///< the recording ended normally (not killed)
    std::optional<int> exitCode;    ///< when complete
    uint64_t messages = 0;          ///< last seq (seqs are 1..messages)
    uint64_t finalTick = 0;         ///< tick of the last message
    uint64_t actors = 0, crashes = 0, outputs = 0, effects = 0, checkpoints = 0;
    uint64_t worldOutputs = 0;      ///< outputs rows of stream 3 (not in `outputs`)
    uint64_t deadLetters = 0;       ///< meta.dead_letters (written when the recording ends)
    uint64_t fileBytes = 0;         ///< the file plus its WAL
};

struct TraceMessage {
    uint64_t seq = 0, tick = 0;
    int64_t sender = 0;             ///< -1: from outside (a UI event)
    uint32_t receiver = 0;
    std::optional<int64_t> handler; ///< message id; none: a value emitted to main
    std::string payload;            ///< encoded (Payload.h)
    uint64_t causeSeq = 0;
    uint64_t stateHash = 0;
    uint8_t outcome = 0;            ///< TraceOutcome
};

struct TraceActor {
    uint32_t id = 0;
    int64_t type = -1;
    std::string name;
    std::optional<uint32_t> spawnedBy;
    uint64_t spawnedAtSeq = 0;
    std::optional<uint64_t> stoppedAtSeq;
};

struct TraceOutput {
    uint64_t seq = 0;
    uint8_t stream = 0; ///< TraceStream
    std::string text;
};

struct TraceEffect {
    uint64_t seq = 0;
    std::string kind, value;
};

struct TraceCrash {
    uint64_t seq = 0;
    uint32_t actor = 0;
    std::string error;
};

struct TraceCheckpoint {
    uint64_t seq = 0, tick = 0;
};

template <typename T> using Result = std::expected<T, std::string>;

/// What a view of a trace may size its structures by: the trace's own counts,
/// checked against each other, never a single number stored in a row. A
/// forged or damaged row (an actor id past the actors table, a message
/// numbered far past its predecessor, a tick past the last one a run can
/// reach) is named in `damage`, and the counts are clamped to the part of
/// the trace that is consistent. Cheap: a few point lookups and one pass over
/// the actors table (TraceReader::extent()).
struct TraceExtent {
    uint64_t messages = 0;  ///< views show deliveries 1..messages
    uint64_t finalTick = 0; ///< tick of delivery `messages`
    uint64_t actors = 0;    ///< rows of `actors`: valid actor ids are 0..actors-1
    std::string damage;     ///< "" or "this trace looks damaged: …" (the first finding)

    bool isActor(int64_t id) const { return id >= 0 && uint64_t(id) < actors; }
    /// An actor, or -1 (from outside the program).
    bool isSender(int64_t id) const { return id == kTraceOutsideSender || isActor(id); }
    /// "message 40 names receiver 2147483647 but the trace has 5 actors".
    std::string badActor(uint64_t seq, std::string_view role, int64_t id) const;
};

/// "this trace looks damaged: " + `what`: the words every reader of the trace
/// uses for a value that does not fit the trace's own counts.
std::string damagedTrace(std::string_view what);

/// The actors table as views show it: rows with valid ids only (see
/// TraceExtent), names cut to a bounded size.
struct TraceActorTable {
    std::vector<TraceActor> actors; ///< by id
    uint64_t skipped = 0;           ///< rows left out (ids outside 0..count-1)
    std::string damage;             ///< "" or the first row left out, as damagedTrace()
};

/// One printed line as the Studio's Output shows it (TraceReader::outputTail).
struct TraceOutputLine {
    uint64_t row = 0;   ///< outputs rowid (`aeroflow query` finds the whole line by it)
    uint64_t seq = 0;
    uint8_t stream = 0;
    std::string text;   ///< the line, or its first bytes (cut at a UTF-8 boundary)
    uint64_t bytes = 0; ///< the whole line's size; text.size() < bytes when cut
};

/// The last lines of what a run printed (streams 0-2), bounded in lines, in
/// bytes per line and in bytes overall, whatever the trace holds.
struct TraceOutputTail {
    std::vector<TraceOutputLine> lines; ///< in the order they were printed
    uint64_t leftOut = 0;               ///< earlier lines not read
};

class TraceReader {
public:
    static Result<std::unique_ptr<TraceReader>> open(const std::string& path);

    const TraceInfo& info() const { return m_info; }
    const std::string& path() const { return m_path; }
    /// Re-reads the summary (a live recording grows).
    Result<TraceInfo> refresh();

    /// The program's source as compile() takes it: the one file's text, or
    /// for a program of several files a bundle of them (Project.h).
    Result<std::string> sourceText();
    /// Every stored source file in order (the entry file first): display
    /// name and text. A trace of a one-file program has one.
    Result<std::vector<std::pair<std::string, std::string>>> sourceFiles();
    Result<std::vector<TraceActor>> actors();
    /// The trace's extent, checked (see TraceExtent); computed once per
    /// reader (refresh() computes it again).
    Result<TraceExtent> extent();
    /// The actors with valid ids, names cut to `maxNameBytes` (cutText).
    Result<TraceActorTable> viewActors(size_t maxNameBytes = 200);
    /// The last printed lines: at most `maxLines`, each cut to
    /// `maxLineBytes`, at most `maxBytes` in all (the last line always
    /// counts, however long). Reads at most `maxLines` rows.
    Result<TraceOutputTail> outputTail(size_t maxLines, size_t maxLineBytes, size_t maxBytes);
    /// Names for printing payloads (from the trace's own type tables).
    const PayloadNames& names() const { return m_names; }

    Result<std::optional<TraceMessage>> message(uint64_t seq);
    /// Messages with first <= seq <= last, at most `limit`.
    Result<std::vector<TraceMessage>> messages(uint64_t first, uint64_t last, size_t limit = SIZE_MAX);
    /// Streams messages first..last in seq order; `visit` returns false to stop.
    Result<void> forEachMessage(uint64_t first, uint64_t last, const std::function<bool(const TraceMessage&)>& visit);
    Result<std::vector<TraceOutput>> outputsUpTo(uint64_t seq);
    /// Effects with seq >= first, in the order they happened.
    Result<std::vector<TraceEffect>> effectsFrom(uint64_t first);
    Result<std::vector<TraceCrash>> crashes();
    Result<std::vector<TraceCheckpoint>> checkpoints();
    /// The checkpoint at or before `seq`, if any.
    Result<std::optional<TraceCheckpoint>> checkpointAtOrBefore(uint64_t seq);
    Result<std::string> checkpointImage(uint64_t seq);

    /// The seq after which the run had reached `tick`: the last message with
    /// tick <= `tick` (0 when none). Binary search over seq: ticks never
    /// decrease along seq, so no tick index is needed.
    Result<uint64_t> seqAtTick(uint64_t tick);
    /// The same over deliveries 1..lastSeq only (views pass their checked
    /// TraceExtent::messages, so a forged last seq is never searched).
    Result<uint64_t> seqAtTick(uint64_t tick, uint64_t lastSeq);
    /// Tick of message `seq` (0 for seq 0).
    Result<uint64_t> tickOf(uint64_t seq);

    /// The delivery at or before `seq` after which `actor`'s state hash has
    /// stayed what it is at `seq`; nullopt when the actor had no message by then.
    /// `sinceFirst` tells that no earlier change was recorded (the state may
    /// date from the actor's start).
    struct Change {
        uint64_t seq = 0;
        bool sinceFirst = false;
    };
    Result<std::optional<Change>> lastStateChange(uint32_t actor, uint64_t seq);
    /// seq, its cause, the cause's cause, ... back to a message sent by
    /// top-level code (cause 0); at most `maxLength` entries.
    Result<std::vector<uint64_t>> causalChain(uint64_t seq, size_t maxLength = 10'000);

    /// Whether the file was checked for damage (PRAGMA quick_check) when it
    /// opened, or by checkIntegrity(). Files up to kIntegrityCheckLimit are
    /// checked on open (once per process and file version); larger ones are
    /// not, since the check reads the whole file (~10 ms per MiB): callers say
    /// so, or call checkIntegrity() where the whole file is read anyway.
    bool integrityChecked() const { return m_integrityChecked; }
    /// Runs PRAGMA quick_check over the whole file now, whatever its size;
    /// an error says what is damaged.
    Result<void> checkIntegrity();
    static constexpr uint64_t kIntegrityCheckLimit = 16ull << 20;

    Database& database() { return m_db; }

private:
    TraceReader() = default;
    Result<void> validate();
    Result<TraceInfo> readInfo();
    std::string fail(std::string_view what) const;

    std::string m_path;
    Database m_db;
    TraceInfo m_info;
    PayloadNames m_names;
    std::optional<TraceExtent> m_extent;
    Statement m_tickBySeq;
    Statement m_messageBySeq;
    bool m_integrityChecked = false;
};

/// Records that the trace at `path`, as it is on disk now, is sound, so that
/// TraceReader::open in this process skips PRAGMA quick_check for it until
/// the file changes (size or modification time of the file or its WAL).
/// TraceWriter calls it after closing a trace it wrote; opening a file runs
/// the check once and remembers the result the same way.
void markTraceChecked(const std::string& path);

/// Reads one message row from a statement selecting
/// seq, tick, sender, receiver, handler, payload, cause_seq, state_hash, outcome.
TraceMessage readMessageRow(const Statement& st);

/// `text` if it has at most `maxBytes` bytes; else its first bytes (cut at a
/// UTF-8 character boundary) and "… (N bytes)" with its whole size, so a
/// message that quotes recorded text stays readable whatever was recorded.
std::string clipText(std::string_view text, size_t maxBytes);

/// `text`, the first bytes of a stored value of `wholeBytes` bytes, cut to
/// at most `maxBytes` at a UTF-8 character boundary, with "…" when anything
/// was left out.
std::string cutText(std::string text, uint64_t wholeBytes, size_t maxBytes);

/// The columns selected for TraceMessage rows.
inline constexpr const char* kMessageColumnsSql =
    "seq, tick, sender, receiver, handler, payload, cause_seq, state_hash, outcome";

} // namespace aeroflow::debugger
