#pragma once
// Writes TraceBatches into a trace file on its own thread, one transaction
// per batch (WAL, synchronous=NORMAL, prepared statements). The producer
// never waits on disk unless it runs more than `maxQueued` batches ahead
// (back-pressure). A failure (read-only location, disk full, I/O error) is
// sticky: failed() turns true, error() says why, later batches are dropped,
// and the file keeps every batch committed before it.

#include "Sqlite.h"
#include "TraceBatch.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace aeroflow::debugger {

struct TraceWriterOptions {
    size_t maxQueued = 8;     ///< batches in flight before submit() blocks
    int64_t maxPageCount = 0; ///< > 0: PRAGMA max_page_count (tests simulate a full disk)
};

class TraceWriter {
public:
    TraceWriter() = default;
    ~TraceWriter();
    TraceWriter(const TraceWriter&) = delete;
    TraceWriter& operator=(const TraceWriter&) = delete;

    /// Creates `path` (replacing a file there) with the schema plus whatever
    /// `initialise` writes (in the same transaction), then starts the writer
    /// thread. The file is built under a temporary name and renamed, so
    /// `path` never holds a trace without its schema and meta, even after a
    /// kill. False with `error` set when the file cannot be made.
    bool open(const std::string& path, const TraceWriterOptions& options,
              const std::function<bool(Database&)>& initialise, std::string& error);

    /// Hands a filled batch over (the caller's pointer becomes a fresh empty
    /// batch, recycled from earlier rounds). Blocks only while the queue is full.
    void submit(std::unique_ptr<TraceBatch>& batch);
    /// Waits until every submitted batch is written, stops the thread, builds
    /// the end-of-recording indexes and closes the file. False on any failure.
    bool close(bool buildIndexes = true);

    /// Safe from any thread.
    bool failed() const { return m_failed.load(std::memory_order_acquire); }
    std::string error() const;
    /// Batches committed so far, and the last message seq they hold.
    uint64_t committedBatches() const { return m_committed.load(std::memory_order_acquire); }
    uint64_t committedSeq() const { return m_committedSeq.load(std::memory_order_acquire); }

private:
    void run();
    bool write(const TraceBatch& batch);
    bool writeMessages(const TraceBatch& batch);
    void setError(std::string message);
    bool prepareStatements();

    std::string m_path;
    Database m_db;
    Statement m_insertMeta, m_insertActor, m_stopActor, m_insertMessage, m_insertMessages, m_insertOutput,
        m_insertEffect, m_insertCrash, m_insertCheckpoint, m_insertLink;

    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;      ///< writer: work arrived / stop
    std::condition_variable m_space;     ///< producer: queue has room / drained
    std::deque<std::unique_ptr<TraceBatch>> m_queue;
    std::vector<std::unique_ptr<TraceBatch>> m_free;
    size_t m_maxQueued = 8;
    bool m_busy = false;                 ///< the writer holds a batch
    bool m_stop = false;
    std::atomic<bool> m_failed{false};
    std::atomic<uint64_t> m_committed{0};
    std::atomic<uint64_t> m_committedSeq{0};
    std::string m_error;
};

} // namespace aeroflow::debugger
