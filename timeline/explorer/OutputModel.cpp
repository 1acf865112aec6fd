// Outputs with the cursor (see OutputModel.h).

#include "OutputModel.h"

#include "TraceCursor.h"
#include "TraceReader.h"

#include <algorithm>

namespace aeroflow::timeline {

OutputModel::OutputModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

bool OutputModel::open(const QString& tracePath, QString* error)
{
    beginResetModel();
    m_lines.clear();
    auto reader = debugger::TraceReader::open(tracePath.toStdString());
    std::string why;
    if (reader) {
        // The last lines, bounded in number and bytes whatever the trace holds.
        auto tail = (*reader)->outputTail(kMaxLines, kMaxLineBytes, kMaxBytes);
        if (tail) {
            m_lines.reserve(tail->lines.size() + 1);
            if (tail->leftOut > 0)
                m_lines.push_back({ 0, 2,
                    tr("… %1 earlier lines (see them with `aeroflow query %2 \"SELECT text FROM outputs\"`)")
                        .arg(tail->leftOut)
                        .arg(tracePath) });
            for (const auto& l : tail->lines) {
                QString text = QString::fromStdString(l.text);
                if (text.endsWith(QLatin1Char('\n')))
                    text.chop(1);
                if (l.text.size() < l.bytes)
                    text += tr("… (%1 bytes in all; the whole line: `aeroflow query %2 \"SELECT text FROM outputs "
                               "WHERE rowid = %3\"`)")
                                .arg(l.bytes)
                                .arg(tracePath)
                                .arg(l.row);
                m_lines.push_back({ l.seq, l.stream, text });
            }
        } else {
            why = tail.error();
        }
    } else {
        why = reader.error();
    }
    endResetModel();
    if (!why.empty() && error)
        *error = QString::fromStdString(why);
    return why.empty();
}

void OutputModel::setCursor(TraceCursor* cursor)
{
    if (m_cursor)
        disconnect(m_cursor, nullptr, this, nullptr);
    m_cursor = cursor;
    if (cursor) {
        connect(cursor, &TraceCursor::positionChanged, this, [this](uint64_t seq, uint64_t) { cursorMoved(seq); });
        cursorMoved(cursor->seq());
    }
}

void OutputModel::setPalette(const TimelinePalette& palette)
{
    m_palette = palette;
    if (!m_lines.empty())
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), { Qt::ForegroundRole });
}

int OutputModel::linesUpTo(uint64_t seq) const
{
    auto it
        = std::upper_bound(m_lines.begin(), m_lines.end(), seq, [](uint64_t s, const Line& l) { return s < l.seq; });
    return int(it - m_lines.begin());
}

void OutputModel::cursorMoved(uint64_t seq)
{
    const uint64_t old = m_cursorSeq;
    m_cursorSeq = seq;
    if (m_lines.empty())
        return;
    int first = 0, last = rowCount() - 1;
    if (old != UINT64_MAX) {
        // Only lines between the two positions change side.
        first = linesUpTo(std::min(old, seq));
        last = linesUpTo(std::max(old, seq)) - 1;
    }
    if (first <= last)
        Q_EMIT dataChanged(index(first), index(last), { AfterCursorRole, Qt::ForegroundRole });
}

int OutputModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant OutputModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_lines.size())
        return {};
    const Line& l = m_lines[size_t(index.row())];
    const bool after = m_cursorSeq != UINT64_MAX && l.seq > m_cursorSeq;
    switch (role) {
    case Qt::DisplayRole:
        return l.text;
    case SeqRole:
        return quint64(l.seq);
    case StreamRole:
        return l.stream;
    case AfterCursorRole:
        return after;
    case Qt::ForegroundRole:
        if (after && m_palette.dimmed.isValid())
            return m_palette.dimmed;
        if (l.stream == 1 && m_palette.crash.isValid())
            return m_palette.crash;
        return m_palette.text.isValid() ? QVariant(m_palette.text) : QVariant();
    default:
        return {};
    }
}

} // namespace aeroflow::timeline
