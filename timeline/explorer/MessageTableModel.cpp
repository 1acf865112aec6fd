// The lazy message table (see MessageTableModel.h).

#include "MessageTableModel.h"

#include "TraceCursor.h"

#include <QFutureWatcher>
#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace aeroflow::timeline {

namespace {

struct FilterResult {
    std::vector<uint64_t> seqs;
    QString error;
};

QString idList(const std::vector<int64_t>& ids)
{
    QStringList parts;
    for (int64_t id : ids)
        parts << QString::number(id);
    return parts.join(QLatin1Char(','));
}

/// Exact (case-insensitive) name matches, else names containing `text`.
template <typename Exact, typename Contains>
std::vector<int64_t> resolve(const QString& text, Exact exact, Contains contains)
{
    auto ids = exact(text);
    return ids.empty() ? contains(text) : ids;
}

std::vector<int64_t> actorsContaining(const TraceLabels& labels, const QString& text)
{
    std::vector<int64_t> out;
    for (size_t id = 0; id < labels.actorCount(); ++id)
        if (labels.actor(int64_t(id)).contains(text, Qt::CaseInsensitive))
            out.push_back(int64_t(id));
    if (QStringLiteral("outside").contains(text, Qt::CaseInsensitive))
        out.push_back(-1);
    return out;
}

std::vector<int64_t> handlersContaining(const TraceLabels& labels, const QString& text)
{
    std::vector<int64_t> out;
    for (size_t i = 0; i < labels.names().messages.size(); ++i)
        if (QString::fromStdString(labels.names().messages[i]).contains(text, Qt::CaseInsensitive))
            out.push_back(int64_t(i));
    return out;
}

} // namespace

MessageFilter MessageFilter::parse(const QString& line)
{
    MessageFilter f;
    QStringList rest;
    for (const QString& word : line.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
        if (word.startsWith(QStringLiteral("actor:")))
            f.actor = word.mid(6);
        else if (word.startsWith(QStringLiteral("handler:")))
            f.handler = word.mid(8);
        else
            rest << word;
    }
    f.text = rest.join(QLatin1Char(' '));
    return f;
}

MessageTableModel::MessageTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

MessageTableModel::~MessageTableModel()
{
    if (m_cancel)
        m_cancel->store(true);
}

bool MessageTableModel::open(const QString& tracePath, QString* error)
{
    beginResetModel();
    m_pages.clear();
    m_lru.clear();
    m_seqs.clear();
    m_filtered = false;
    m_filter = {};
    m_messages = 0;
    m_reader.reset();
    auto reader = debugger::TraceReader::open(tracePath.toStdString());
    bool ok = bool(reader);
    if (ok) {
        m_reader = std::move(*reader);
        if (auto r = m_labels.load(*m_reader); !r) {
            ok = false;
            if (error)
                *error = QString::fromStdString(r.error());
            m_reader.reset();
        } else if (auto extent = m_reader->extent()) {
            m_messages = extent->messages; // never a forged last seq: the rows are 1..m_messages
            m_path = tracePath;
        } else {
            ok = false;
            if (error)
                *error = QString::fromStdString(extent.error());
            m_reader.reset();
        }
    } else if (error) {
        *error = QString::fromStdString(reader.error());
    }
    endResetModel();
    return ok;
}

void MessageTableModel::setCursor(TraceCursor* cursor)
{
    if (m_cursor)
        disconnect(m_cursor, nullptr, this, nullptr);
    m_cursor = cursor;
    if (cursor) {
        connect(cursor, &TraceCursor::positionChanged, this, [this](uint64_t seq, uint64_t) { cursorMoved(seq); });
        cursorMoved(cursor->seq());
    }
}

void MessageTableModel::setPalette(const TimelinePalette& palette)
{
    m_palette = palette;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), { Qt::ForegroundRole });
}

void MessageTableModel::cursorMoved(uint64_t seq)
{
    const uint64_t old = m_cursorSeq;
    m_cursorSeq = seq;
    if (old == UINT64_MAX || rowCount() == 0) {
        if (rowCount() > 0)
            Q_EMIT dataChanged(
                index(0, 0), index(rowCount() - 1, ColumnCount - 1), { AfterCursorRole, Qt::ForegroundRole });
        return;
    }
    // Only rows between the old and the new position flip.
    const uint64_t lo = std::min(old, seq) + 1, hi = std::max(old, seq);
    if (lo > hi)
        return;
    int first = rowForSeq(lo, true);
    if (first < 0 || seqAt(first) < lo)
        ++first;
    const int last = rowForSeq(hi, true);
    if (first <= last && last >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1), { AfterCursorRole, Qt::ForegroundRole });
}

QString MessageTableModel::filterSql(const MessageFilter& f, const TraceLabels& labels)
{
    QStringList where;
    if (!f.actor.isEmpty()) {
        const auto ids = resolve(
            f.actor, [&](const QString& t) { return labels.actorsNamed(t); },
            [&](const QString& t) { return actorsContaining(labels, t); });
        where << (ids.empty() ? QStringLiteral("0")
                              : QStringLiteral("(sender IN (%1) OR receiver IN (%1))").arg(idList(ids)));
    }
    if (!f.handler.isEmpty()) {
        const auto ids = resolve(
            f.handler, [&](const QString& t) { return labels.handlersNamed(t); },
            [&](const QString& t) { return handlersContaining(labels, t); });
        where << (ids.empty() ? QStringLiteral("0") : QStringLiteral("handler IN (%1)").arg(idList(ids)));
    }
    if (!f.text.isEmpty()) {
        QStringList any;
        const auto handlers = handlersContaining(labels, f.text);
        if (!handlers.empty())
            any << QStringLiteral("handler IN (%1)").arg(idList(handlers));
        const auto actors = actorsContaining(labels, f.text);
        if (!actors.empty())
            any << QStringLiteral("sender IN (%1) OR receiver IN (%1)").arg(idList(actors));
        any << QStringLiteral("instr(payload, CAST(?1 AS BLOB)) > 0");
        where << QLatin1Char('(') + any.join(QStringLiteral(" OR ")) + QLatin1Char(')');
    }
    return QStringLiteral("SELECT seq FROM messages%1 ORDER BY seq")
        .arg(where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")));
}

void MessageTableModel::setFilter(const MessageFilter& filter)
{
    m_filter = filter;
    const uint64_t generation = ++m_generation;
    if (m_cancel)
        m_cancel->store(true);
    m_cancel.reset();
    if (filter.isEmpty() || !m_reader) {
        applyFilterResult(generation, {}, QString());
        return;
    }
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    const QString sql = filterSql(filter, m_labels);
    const std::string path = m_path.toStdString();
    const std::string text = filter.text.toStdString();
    const bool hasText = !filter.text.isEmpty();
    auto* watcher = new QFutureWatcher<FilterResult>(this);
    connect(watcher, &QFutureWatcher<FilterResult>::finished, this, [this, watcher, generation] {
        FilterResult r = watcher->result();
        watcher->deleteLater();
        applyFilterResult(generation, std::move(r.seqs), r.error);
    });
    watcher->setFuture(QtConcurrent::run([path, sql, text, hasText, cancel]() {
        FilterResult out;
        auto reader = debugger::TraceReader::open(path);
        if (!reader) {
            out.error = QString::fromStdString(reader.error());
            return out;
        }
        debugger::Statement st = (*reader)->database().prepare(sql.toStdString());
        if (!st.valid()) {
            out.error = QString::fromStdString((*reader)->database().lastError());
            return out;
        }
        if (hasText)
            st.bindBlob(1, text);
        while (!cancel->load() && st.step())
            out.seqs.push_back(uint64_t(st.columnInt(0)));
        if (!st.ok())
            out.error = QString::fromStdString((*reader)->database().lastError());
        return out;
    }));
}

void MessageTableModel::applyFilterResult(uint64_t generation, std::vector<uint64_t> seqs, const QString& error)
{
    if (generation != m_generation)
        return; // a newer filter is on its way
    if (!error.isEmpty()) {
        Q_EMIT failed(error);
        return;
    }
    // The rows are a different set: a reset is the precise signal here.
    beginResetModel();
    m_pages.clear();
    m_lru.clear();
    m_filtered = !m_filter.isEmpty();
    m_seqs = std::move(seqs);
    endResetModel();
    Q_EMIT filterApplied(rowCount());
}

int MessageTableModel::rowForSeq(uint64_t seq, bool nearest) const
{
    if (!m_filtered) {
        if (seq == 0 || m_messages == 0)
            return -1;
        if (seq > m_messages)
            return nearest ? int(m_messages - 1) : -1;
        return int(seq - 1);
    }
    auto it = std::upper_bound(m_seqs.begin(), m_seqs.end(), seq);
    if (it == m_seqs.begin())
        return -1;
    const int row = int(it - m_seqs.begin()) - 1;
    return nearest || m_seqs[size_t(row)] == seq ? row : -1;
}

uint64_t MessageTableModel::seqAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return 0;
    return m_filtered ? m_seqs[size_t(row)] : uint64_t(row) + 1;
}

const MessageTableModel::Page* MessageTableModel::page(int pageIndex) const
{
    if (auto it = m_pages.find(pageIndex); it != m_pages.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second.second);
        return &it->second.first;
    }
    if (!m_reader)
        return nullptr;
    const int first = pageIndex * kPageSize;
    const int last = std::min(rowCount(), first + kPageSize) - 1;
    Page rows;
    auto add = [&](const debugger::TraceMessage& m) {
        rows.push_back(Row { m.seq, m.tick, m_labels.actor(m.sender), m_labels.actor(m.receiver),
            m_labels.handler(m.handler), m_labels.payload(m, kMaxPayloadBytes), TraceLabels::outcome(m.outcome) });
    };
    if (!m_filtered) {
        auto msgs = m_reader->messages(seqAt(first), seqAt(last));
        if (msgs)
            for (const auto& m : *msgs)
                add(m);
    } else {
        for (int r = first; r <= last; ++r)
            if (auto m = m_reader->message(seqAt(r)); m && *m)
                add(**m);
    }
    ++m_pagesRead;
    m_lru.push_front(pageIndex);
    auto& slot = m_pages[pageIndex];
    slot = { std::move(rows), m_lru.begin() };
    if (m_pages.size() > kMaxPages) {
        m_pages.erase(m_lru.back());
        m_lru.pop_back();
    }
    return &slot.first;
}

int MessageTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    const uint64_t n = m_filtered ? m_seqs.size() : m_messages;
    return int(std::min<uint64_t>(n, uint64_t(INT32_MAX)));
}

int MessageTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MessageTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const uint64_t seq = seqAt(index.row());
    const bool after = m_cursorSeq != UINT64_MAX && seq > m_cursorSeq;
    switch (role) {
    case SeqRole:
        return quint64(seq);
    case AfterCursorRole:
        return after;
    case Qt::ForegroundRole:
        if (after && m_palette.dimmed.isValid())
            return m_palette.dimmed;
        return m_palette.text.isValid() ? QVariant(m_palette.text) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() <= TickColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }
    const Page* p = page(index.row() / kPageSize);
    const size_t at = size_t(index.row() % kPageSize);
    if (!p || at >= p->size())
        return {};
    const Row& r = (*p)[at];
    switch (index.column()) {
    case SeqColumn:
        return quint64(r.seq);
    case TickColumn:
        return quint64(r.tick);
    case SenderColumn:
        return r.sender;
    case ReceiverColumn:
        return r.receiver;
    case HandlerColumn:
        return r.handler;
    case PayloadColumn:
        return role == Qt::DisplayRole && r.payload.size() > 300 ? r.payload.left(300) + QStringLiteral("…")
                                                                 : r.payload;
    case OutcomeColumn:
        return r.outcome;
    default:
        return {};
    }
}

QVariant MessageTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const kNames[] = { "Seq", "Tick", "Sender", "Receiver", "Handler", "Payload", "Outcome" };
    return section >= 0 && section < ColumnCount ? tr(kNames[section]) : QVariant();
}

} // namespace aeroflow::timeline
