// The recorder: engine events in, batches of rows out (see Recorder.h).

#include "Recorder.h"

#include "Payload.h"
#include "Program.h"
#include "Project.h"
#include "Snapshot.h"
#include "TraceSchema.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace aeroflow::debugger {

namespace {

constexpr int64_t kFlushAfterNs = 50'000'000; // a batch never waits longer than ~50 ms for more rows

int64_t steadyNs()
{
    // Only decides when a batch is handed over; never stored in the trace.
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string hex16(uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace

std::string utcNow()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Recorder::Recorder(std::shared_ptr<const compiler::Program> program, RecorderOptions options)
    : m_program(std::move(program)), m_options(std::move(options)), m_batch(std::make_unique<TraceBatch>())
{
}

Recorder::~Recorder()
{
    // Abandoned without finish(): keep what was recorded, but do not claim
    // the run completed (meta.complete stays absent, as after a kill).
    if (!m_finished) {
        flush();
        m_writer.close(false);
    }
}

std::expected<std::unique_ptr<Recorder>, std::string> Recorder::create(
    const std::string& path, std::shared_ptr<const compiler::Program> program, std::string sourceText,
    const engine::RunOptions& runOptions, RecorderOptions options)
{
    if (!program)
        return std::unexpected("cannot record: no compiled program");
    if (compiler::fnv1a64(sourceText) != program->programHash)
        return std::unexpected("cannot record: the source text is not the one the program was compiled from");
    std::vector<compiler::BundleFile> files;
    if (compiler::isSourceBundle(sourceText)) {
        auto decoded = compiler::decodeSourceBundle(sourceText);
        if (!decoded)
            return std::unexpected("cannot record: " + decoded.error());
        const std::string dir = compiler::sourceDirectory(program->sourceName);
        for (auto& f : *decoded)
            files.push_back({dir + f.path, std::move(f.text)});
        files[0].path = program->sourceName;
    } else {
        files.push_back({program->sourceName, sourceText});
    }
    std::unique_ptr<Recorder> rec(new Recorder(program, std::move(options)));
    const RecorderOptions& o = rec->m_options;
    const std::vector<std::pair<std::string, std::string>> metaRows = {
        {meta::kFormat, std::string(kTraceFormat)},
        {meta::kSchemaVersion, std::to_string(kTraceSchemaVersion)},
        {meta::kEngineVersion, std::string(kEngineVersion)},
        {meta::kProgramHash, hex16(program->programHash)},
        {meta::kSeed, std::to_string(runOptions.seed)},
        {meta::kSourceName, program->sourceName},
        {meta::kStartTime, o.startTime.empty() ? utcNow() : o.startTime},
        {meta::kMaxMessages, std::to_string(runOptions.maxMessages)},
        {meta::kServingLiftsLimit, runOptions.servingLiftsMessageLimit ? "1" : "0"},
        {meta::kFuel, std::to_string(runOptions.fuel)},
        {meta::kMaxCallDepth, std::to_string(runOptions.maxCallDepth)},
        {meta::kMemoryLimit, std::to_string(runOptions.memoryLimit)},
        {meta::kCheckpointPolicy, o.checkpoints ? "min=" + std::to_string(o.minCheckpointInterval) +
                                                      " max=" + std::to_string(o.maxCheckpointInterval) +
                                                      " bytes_per_message=" + std::to_string(o.checkpointBytesPerMessage)
                                                : "off"},
    };
    // Everything needed to re-run the program is in the file before the run
    // starts: meta, the source, the type tables and the main actor.
    auto initialise = [&](Database& db) {
        Statement m = db.prepare("INSERT INTO meta(key, value) VALUES (?, ?)");
        Statement src = db.prepare("INSERT INTO sources(file_id, path, text) VALUES (?, ?, ?)");
        Statement types = db.prepare("INSERT INTO actor_types(type_id, name, kind) VALUES (?, ?, ?)");
        Statement msgs = db.prepare("INSERT INTO message_types(message_id, name, arity) VALUES (?, ?, ?)");
        Statement main = db.prepare("INSERT INTO actors(actor_id, type, name, spawned_by, spawned_at_seq) "
                                    "VALUES (0, -1, 'main', NULL, 0)");
        if (!m.valid() || !src.valid() || !types.valid() || !msgs.valid() || !main.valid())
            return false;
        auto run = [](Statement& st) {
            st.step();
            const bool ok = st.ok();
            st.reset();
            return ok;
        };
        bool ok = run(main);
        for (const auto& [k, v] : metaRows) {
            m.bindText(1, k);
            m.bindText(2, v);
            ok = ok && run(m);
        }
        // One row per file: a program of several files is stored as its
        // files (TraceReader::sourceText() joins them again).
        for (size_t f = 0; ok && f < files.size(); ++f) {
            src.bind(1, int64_t(f));
            src.bindText(2, files[f].path);
            src.bindText(3, files[f].text);
            ok = run(src);
        }
        for (size_t i = 0; ok && i < program->actors.size(); ++i) {
            types.bind(1, int64_t(i));
            types.bindText(2, program->actors[i].name);
            types.bindText(3, compiler::actorKindName(program->actors[i].kind));
            ok = run(types);
        }
        for (size_t i = 0; ok && i < program->messages.size(); ++i) {
            msgs.bind(1, int64_t(i));
            msgs.bindText(2, program->messages[i].name);
            msgs.bind(3, program->messages[i].arity);
            ok = run(msgs);
        }
        return ok;
    };
    std::string error;
    if (!rec->m_writer.open(path, o.writer, initialise, error))
        return std::unexpected(error);
    rec->m_nextCheckpoint = o.minCheckpointInterval;
    rec->m_lastFlushNs = steadyNs();
    return rec;
}

void Recorder::flush()
{
    if (m_batch->empty())
        return;
    m_writer.submit(m_batch);
    m_lastFlushNs = steadyNs();
}

void Recorder::maybeFlush()
{
    const size_t n = m_batch->messages.size();
    if (n >= m_options.batchRows) {
        flush();
    } else if ((n & 1023) == 0 && steadyNs() - m_lastFlushNs > kFlushAfterNs) {
        flush();
    }
}

void Recorder::onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent)
{
    ActorRow row;
    row.id = actor;
    const bool typed = type < m_program->actors.size();
    row.type = typed ? int64_t(type) : -1;
    row.name = actor == 0 ? std::string("main") : (typed ? m_program->actors[type].name : "actor") + "#" + std::to_string(actor);
    row.spawnedBy = actor == 0 ? -1 : int64_t(parent);
    row.spawnedAtSeq = seq;
    m_batch->spawns.push_back(std::move(row));
}

void Recorder::onDelivered(const engine::DeliveryEvent& e)
{
    TraceBatch& b = *m_batch;
    MessageRow row;
    row.seq = e.seq;
    row.tick = e.time;
    row.sender = e.sender == engine::kOutsideSender ? kTraceOutsideSender : int64_t(e.sender);
    row.receiver = e.receiver;
    row.handler = e.message;
    row.payloadOffset = uint32_t(b.payloads.size());
    if (e.payload)
        encodePayload(b.payloads, *e.payload, e.message >= 0, m_program.get());
    row.payloadSize = uint32_t(b.payloads.size() - row.payloadOffset);
    row.causeSeq = e.causeSeq;
    row.stateHash = e.stateHash;
    row.outcome = uint8_t(e.outcome);
    if (e.outcome == engine::DeliveryEvent::Outcome::DeadLetter)
        ++m_deadLetters;
    b.messages.push_back(row);
    if (e.sender == engine::kOutsideSender && !m_pendingLinks.empty()) {
        auto it = m_pendingLinks.find(e.senderSeq);
        if (it != m_pendingLinks.end()) {
            b.links.emplace_back(e.seq, it->second);
            m_pendingLinks.erase(it);
        }
    }
    m_lastSeq = e.seq;
    m_lastTick = e.time;
    maybeFlush();
}

void Recorder::onOutput(uint64_t seq, engine::Stream stream, std::string_view text)
{
    m_batch->outputs.push_back(OutputRow{seq, uint8_t(stream), std::string(text)});
}

void Recorder::onCrash(uint64_t seq, uint32_t actor, std::string_view error)
{
    m_batch->crashes.push_back(CrashRow{seq, actor, std::string(error)});
}

void Recorder::onEffect(uint64_t seq, std::string_view kind, std::string_view value)
{
    // Inputs from the world are bytes (engine::encodeInput).
    const bool blob = engine::inputKindFromName(kind).has_value();
    // A checkpoint after `seq` must not hold an input injected after `seq`
    // (replay injects those again). A live run injects world inputs in the
    // next step, after the checkpoint; a re-recording replay injects them
    // before it: never take one there.
    if (kind == "ui_event" || kind == "ui_input" || blob)
        m_uiEventAt = seq;
    m_batch->effects.push_back(EffectRow{seq, std::string(kind), std::string(value), blob});
    ++m_effectRows; // rowids of a fresh table count from 1 in insertion order
}

void Recorder::onOutsideQueued(uint64_t, uint64_t outsideSeq)
{
    m_pendingLinks[outsideSeq] = m_effectRows;
}

void Recorder::onIdle()
{
    // Waiting for the world: what was recorded so far reaches the file now,
    // not when the next burst of traffic fills the batch.
    flush();
}

void Recorder::onStopped(uint64_t seq, uint32_t actor)
{
    m_batch->stops.emplace_back(actor, seq);
}

void Recorder::afterStep()
{
    if (!m_options.checkpoints || !m_scheduler || m_scheduler->over())
        return;
    const uint64_t delivered = m_scheduler->delivered();
    // Not right after a UI event injected at this seq: a checkpoint holds
    // the events injected before it, and replay re-injects every event
    // recorded at its seq, so the two must not overlap (ReplaySession).
    if (delivered < m_nextCheckpoint || m_uiEventAt == delivered)
        return;
    engine::SnapshotOptions so;
    so.includeSource = false;
    CheckpointRow row{delivered, m_scheduler->now(), engine::saveSnapshot(*m_scheduler, so)};
    // Spacing depends only on the image size, so the same run always gets
    // the same checkpoints.
    const uint64_t interval = std::clamp<uint64_t>(row.image.size() / std::max<uint64_t>(1, m_options.checkpointBytesPerMessage),
                                                   m_options.minCheckpointInterval, m_options.maxCheckpointInterval);
    m_nextCheckpoint = delivered + std::max<uint64_t>(1, interval);
    m_batch->checkpoints.push_back(std::move(row));
    ++m_checkpoints;
}

engine::RunStats Recorder::drive(engine::Scheduler& scheduler)
{
    attach(scheduler);
    scheduler.start();
    while (!failed() && scheduler.step())
        afterStep();
    engine::RunStats stats = scheduler.finish();
    if (!finish(stats) || failed())
        stats.exitCode = 1;
    return stats;
}

bool Recorder::finish(const engine::RunStats& stats)
{
    if (m_finished)
        return !failed();
    m_finished = true;
    m_scheduler = nullptr;
    if (!failed()) {
        m_batch->meta = {
            {meta::kComplete, "1"},
            {meta::kExitCode, std::to_string(stats.exitCode)},
            {meta::kMessages, std::to_string(m_lastSeq)},
            {meta::kFinalTick, std::to_string(std::max(m_lastTick, stats.finalTime))},
            {meta::kDeadLetters, std::to_string(m_deadLetters)},
        };
        flush();
    }
    return m_writer.close(m_options.buildIndexes) && !failed();
}

bool Recorder::finishPaused()
{
    if (m_finished)
        return !failed();
    m_finished = true;
    m_scheduler = nullptr;
    if (!failed())
        flush();
    return m_writer.close(m_options.buildIndexes) && !failed();
}

} // namespace aeroflow::debugger
