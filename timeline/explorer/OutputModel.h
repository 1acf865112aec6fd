#pragma once
// The run's output lines (the trace's outputs table) with the cursor: lines
// printed after the cursor's position carry AfterCursorRole (and the
// palette's dimmed colour), so "output up to here" reads at a glance.

#include "TimelinePalette.h"

#include <QAbstractListModel>
#include <QPointer>

#include "TraceCursor.h"

#include <vector>

namespace aeroflow::timeline {

class OutputModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        SeqRole = Qt::UserRole + 1, ///< quint64: the delivery that printed it (0: top-level code)
        StreamRole, ///< int: 0 output, 1 error, 2 warning
        AfterCursorRole, ///< bool
    };
    /// What is kept of the outputs: the last lines, at most this many, each
    /// cut to kMaxLineBytes, kMaxBytes in all; earlier ones are summarised
    /// in one first line, a cut line ends with its size and how to read it.
    static constexpr size_t kMaxLines = 200'000;
    static constexpr size_t kMaxLineBytes = 4096;
    static constexpr size_t kMaxBytes = 16u << 20;

    explicit OutputModel(QObject* parent = nullptr);

    /// Reads the outputs of `tracePath`; false with `error`.
    bool open(const QString& tracePath, QString* error = nullptr);
    void setCursor(TraceCursor* cursor);
    void setPalette(const TimelinePalette& palette);
    /// Lines printed at or before delivery `seq`.
    int linesUpTo(uint64_t seq) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    void cursorMoved(uint64_t seq);

    struct Line {
        uint64_t seq;
        int stream;
        QString text;
    };
    std::vector<Line> m_lines;
    QPointer<TraceCursor> m_cursor;
    TimelinePalette m_palette;
    uint64_t m_cursorSeq = UINT64_MAX;
};

} // namespace aeroflow::timeline
