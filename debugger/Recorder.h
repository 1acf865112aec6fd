#pragma once
// Records a run into a trace: a RunObserver that turns the engine's events
// into rows and hands them, in batches, to a TraceWriter thread, plus
// periodic checkpoints (.afs images) taken between steps.
//
// Use (engine thread):
//   auto rec = Recorder::create(path, program, sourceText, options);  // file created here
//   options.observer = rec->get();                                    // before the Scheduler
//   engine::Scheduler s(program, options, output);
//   rec->attach(s);
//   engine::RunStats stats = rec->drive(s);   // or: start(); while (!rec->failed() && s.step()) rec->afterStep(); ...
//   if (rec->failed()) report rec->error();
//
// The engine never waits on disk unless the writer falls `maxQueued` batches
// behind. Everything stored is a function of the run except meta.start_time.

#include "TraceBatch.h"
#include "TraceWriter.h"

#include "Scheduler.h"

#include <expected>
#include <map>
#include <memory>
#include <string>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::debugger {

struct RecorderOptions {
    TraceWriterOptions writer;
    size_t batchRows = 8192;            ///< messages per batch (a batch also closes after ~50 ms)
    bool checkpoints = true;
    /// Checkpoint spacing in deliveries: after a checkpoint of B bytes the next
    /// one comes B / checkpointBytesPerMessage deliveries later, clamped to
    /// [minCheckpointInterval, maxCheckpointInterval]. Small states get a
    /// checkpoint every min deliveries (short seeks); big ones are spaced so
    /// checkpoints cost at most ~checkpointBytesPerMessage per message.
    uint64_t minCheckpointInterval = 4096;
    uint64_t maxCheckpointInterval = 65536;
    uint64_t checkpointBytesPerMessage = 4;
    /// Build messages_by_receiver(receiver, seq) when the recording ends.
    /// Off by default: it costs ~13 bytes per message and a sort of the whole
    /// table (measured +35% recording CPU on ping-pong); the queries that
    /// would use it (last state change) scan backwards by seq instead.
    bool buildIndexes = false;
    /// meta.start_time; empty: the current UTC time.
    std::string startTime;
};

class Recorder final : public engine::RunObserver {
public:
    /// Creates the trace file with its schema, meta, source and type tables.
    /// `sourceText` must be the text `program` was compiled from.
    static std::expected<std::unique_ptr<Recorder>, std::string> create(
        const std::string& path, std::shared_ptr<const compiler::Program> program, std::string sourceText,
        const engine::RunOptions& runOptions, RecorderOptions options = {});
    ~Recorder() override;

    /// The scheduler being recorded (for checkpoints). Call before start().
    void attach(engine::Scheduler& scheduler) { m_scheduler = &scheduler; }
    /// Between two steps: takes a checkpoint when one is due.
    void afterStep();
    /// The whole run: start(), step() with afterStep() until the run is over
    /// or the recorder fails, finish(), then finish(stats) of the recorder.
    /// A recorder failure sets stats.exitCode to 1.
    engine::RunStats drive(engine::Scheduler& scheduler);
    /// Flushes, writes the end-of-run meta, indexes and closes the file.
    /// False (see error()) when any write failed.
    bool finish(const engine::RunStats& stats);
    /// The run was paused on purpose (`--stop-at-tick`): flushes and closes
    /// without marking the trace complete, so it verifies up to its last
    /// message (the run did not end there).
    bool finishPaused();

    /// Safe to poll between steps: a write failed, the run should stop.
    bool failed() const { return m_writer.failed(); }
    std::string error() const { return m_writer.error(); }
    uint64_t checkpointsTaken() const { return m_checkpoints; }
    /// The last seq known to be committed to the file (any thread).
    uint64_t committedSeq() const { return m_writer.committedSeq(); }

    // engine::RunObserver
    void onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent) override;
    void onDelivered(const engine::DeliveryEvent& event) override;
    void onOutput(uint64_t seq, engine::Stream stream, std::string_view text) override;
    void onCrash(uint64_t seq, uint32_t actor, std::string_view error) override;
    void onEffect(uint64_t seq, std::string_view kind, std::string_view value) override;
    void onStopped(uint64_t seq, uint32_t actor) override;
    void onIdle() override;
    void onOutsideQueued(uint64_t seq, uint64_t outsideSeq) override;

private:
    Recorder(std::shared_ptr<const compiler::Program> program, RecorderOptions options);
    void flush();
    void maybeFlush();

    std::shared_ptr<const compiler::Program> m_program;
    RecorderOptions m_options;
    TraceWriter m_writer;
    std::unique_ptr<TraceBatch> m_batch;
    engine::Scheduler* m_scheduler = nullptr;
    uint64_t m_lastSeq = 0;
    uint64_t m_lastTick = 0;
    uint64_t m_deadLetters = 0;
    uint64_t m_nextCheckpoint = 0;
    uint64_t m_checkpoints = 0;
    uint64_t m_uiEventAt = UINT64_MAX; ///< seq of the last recorded UI event
    uint64_t m_effectRows = 0;         ///< effects recorded: the rowid of the last one
    std::map<uint64_t, uint64_t> m_pendingLinks; ///< outside seq -> effects rowid, until delivered
    int64_t m_lastFlushNs = 0;
    bool m_finished = false;
};

/// "2026-11-24T00:42:26Z"
std::string utcNow();

} // namespace aeroflow::debugger
