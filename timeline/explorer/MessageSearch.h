#pragma once
// Search over every message of a trace (issue 6; the timeline binds Ctrl+F
// to it): a message matches when its handler name, sender or receiver name,
// or printed payload contains the text (ASCII case-insensitive). Payloads
// are decoded on a worker thread, streaming in seq order; matches arrive in
// batches (resultsChanged), at most kMaxResults of them (then hasMore()). A
// new search or cancel() stops the running one.
//
// next() / previous() walk the matches from the cursor (its selected
// message, else its position), wrapping around, and move the cursor there.

#include <QObject>
#include <QPointer>

#include "TraceCursor.h"
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace aeroflow::timeline {

class TraceLabels;

class MessageSearch : public QObject {
    Q_OBJECT
public:
    static constexpr size_t kMaxResults = 10'000;

    explicit MessageSearch(QObject* parent = nullptr);
    /// Cancels a running search and waits for its thread.
    ~MessageSearch() override;

    /// The trace to search (each search opens its own read connection).
    void setTracePath(const QString& tracePath) { m_path = tracePath; }
    void setCursor(TraceCursor* cursor) { m_cursor = cursor; }

    /// Starts searching for `text` (empty: clears the results).
    void search(const QString& text);
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }
    QString text() const { return m_text; }

    /// Matching seqs so far, ascending.
    const std::vector<uint64_t>& results() const { return m_results; }
    /// More messages matched than kMaxResults.
    bool hasMore() const { return m_more; }
    /// Index into results() of the current match (-1: none yet).
    int currentIndex() const { return m_current; }

    /// Goes to the next / previous match; returns its seq (0: none).
    uint64_t next();
    uint64_t previous();

    /// The test a message passes: `needle` lower-case ASCII.
    static bool matches(const std::string& handler, const std::string& sender, const std::string& receiver,
        const std::string& payload, const std::string& needle);

Q_SIGNALS:
    void resultsChanged();
    /// The search ended (all scanned, capped, cancelled, or failed: error).
    void finished(const QString& error);
    void current(quint64 seq, int index);

private:
    void stopThread();
    void addBatch(uint64_t generation, std::vector<uint64_t> seqs, bool more);
    void done(uint64_t generation, const QString& error);
    uint64_t go(bool forward);

    QString m_path, m_text;
    QPointer<TraceCursor> m_cursor;
    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    uint64_t m_generation = 0;
    std::vector<uint64_t> m_results;
    bool m_more = false;
    int m_current = -1;
};

} // namespace aeroflow::timeline
