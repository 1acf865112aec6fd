#pragma once
// Every delivery of a trace as a table (issue 6), lazy: rowCount() is the
// number of messages (or of filter matches) and rows are read 100 at a time
// when a view asks for them, kept in a small LRU of pages. A filter runs as
// one SQL query on a worker thread and yields the matching seqs only; rows
// are then read by seq. Nothing ever loads all rows.

#include "TimelinePalette.h"
#include "TraceLabels.h"

#include <QAbstractTableModel>
#include <QPointer>

#include "TraceCursor.h"

#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

namespace aeroflow::timeline {

/// What the table keeps. Names match exactly (case-insensitive); when none
/// does, every name containing the text matches. `text` matches handler or
/// actor names containing it, or payload bytes containing it (SQL instr:
/// strings and keys inside payloads, not numbers — use MessageSearch for
/// the printed payload).
struct MessageFilter {
    QString actor, handler, text;
    bool isEmpty() const { return actor.isEmpty() && handler.isEmpty() && text.isEmpty(); }
    /// "actor:Counter#1 handler:Add some text" (each part optional).
    static MessageFilter parse(const QString& line);
};

class MessageTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        SeqColumn,
        TickColumn,
        SenderColumn,
        ReceiverColumn,
        HandlerColumn,
        PayloadColumn,
        OutcomeColumn,
        ColumnCount
    };
    enum Role {
        SeqRole = Qt::UserRole + 1, ///< quint64
        AfterCursorRole, ///< bool: the row is after the cursor (dimmed)
    };
    static constexpr int kPageSize = 100;
    /// Printed payloads are kept up to this size (the rest is cut with its size).
    static constexpr size_t kMaxPayloadBytes = 4096;
    static constexpr size_t kMaxPages = 64;

    explicit MessageTableModel(QObject* parent = nullptr);
    ~MessageTableModel() override;

    /// Opens the trace (a read connection of its own); false with `error`.
    bool open(const QString& tracePath, QString* error = nullptr);
    void setCursor(TraceCursor* cursor);
    void setPalette(const TimelinePalette& palette);

    /// Starts filtering on a worker; filterApplied() when the rows changed.
    /// An empty filter shows every message at once.
    void setFilter(const MessageFilter& filter);
    const MessageFilter& filter() const { return m_filter; }
    bool isFiltered() const { return m_filtered; }
    /// The SQL the filter runs: "SELECT seq FROM messages WHERE … ORDER BY
    /// seq" with `?1` the text (bound as a blob). Names resolve through `labels`.
    static QString filterSql(const MessageFilter& filter, const TraceLabels& labels);

    /// The row showing `seq`; with `nearest`, the last row at or before it
    /// (-1 when none).
    int rowForSeq(uint64_t seq, bool nearest = false) const;
    uint64_t seqAt(int row) const;
    /// Pages read from the trace so far (tests: laziness).
    int pagesRead() const { return m_pagesRead; }
    const TraceLabels& labels() const { return m_labels; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void filterApplied(int rows);
    void failed(const QString& error);

private:
    struct Row {
        uint64_t seq = 0, tick = 0;
        QString sender, receiver, handler, payload, outcome;
    };
    using Page = std::vector<Row>;
    const Page* page(int pageIndex) const;
    void applyFilterResult(uint64_t generation, std::vector<uint64_t> seqs, const QString& error);
    void cursorMoved(uint64_t seq);

    QString m_path;
    std::unique_ptr<debugger::TraceReader> m_reader;
    TraceLabels m_labels;
    QPointer<TraceCursor> m_cursor;
    TimelinePalette m_palette;
    uint64_t m_messages = 0;
    uint64_t m_cursorSeq = UINT64_MAX;
    MessageFilter m_filter;
    bool m_filtered = false;
    std::vector<uint64_t> m_seqs; ///< filter matches, ascending
    uint64_t m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    // Page cache (LRU): page index -> rows; mutable because data() fills it.
    mutable std::unordered_map<int, std::pair<Page, std::list<int>::iterator>> m_pages;
    mutable std::list<int> m_lru;
    mutable int m_pagesRead = 0;
};

} // namespace aeroflow::timeline
