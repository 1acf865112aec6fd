#include "MessagesDock.h"

#include <QHeaderView>
#include <QStackedWidget>
#include <QTableView>

namespace aeroflow::studio {

QVariant MessagesModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size())
        return {};
    const DeliveryInfo& d = m_rows[size_t(index.row())];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Seq: return d.seq;
        case Tick: return d.tick;
        case From: return d.senderName;
        case To: return d.receiverName;
        case Message: return d.message;
        case Handler: return d.crashed ? tr("%1 (crashed)").arg(d.handlerName) : d.handlerName;
        }
    }
    return {};
}

QVariant MessagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"#", "Tick", "From", "To", "Message", "Handler"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void MessagesModel::append(const QVector<DeliveryInfo>& rows)
{
    if (rows.isEmpty())
        return;
    const int overflow = int(m_rows.size()) + int(rows.size()) - kMaxRows;
    if (overflow > 0) {
        const int drop = std::min(overflow, int(m_rows.size()));
        if (drop > 0) {
            beginRemoveRows({}, 0, drop - 1);
            m_rows.erase(m_rows.begin(), m_rows.begin() + drop);
            endRemoveRows();
        }
    }
    const int skip = std::max(0, int(rows.size()) - kMaxRows);
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()) + int(rows.size()) - skip - 1);
    m_rows.insert(m_rows.end(), rows.begin() + skip, rows.end());
    endInsertRows();
}

void MessagesModel::truncate(quint64 delivered)
{
    int keep = int(m_rows.size());
    while (keep > 0 && m_rows[size_t(keep - 1)].seq > delivered)
        --keep;
    if (keep == int(m_rows.size()))
        return;
    beginRemoveRows({}, keep, int(m_rows.size()) - 1);
    m_rows.erase(m_rows.begin() + keep, m_rows.end());
    endRemoveRows();
}

void MessagesModel::setFetcher(std::function<bool()> canFetch, std::function<void()> fetch)
{
    m_canFetch = std::move(canFetch);
    m_fetch = std::move(fetch);
}

bool MessagesModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && m_canFetch && m_canFetch();
}

void MessagesModel::fetchMore(const QModelIndex& parent)
{
    if (!parent.isValid() && m_fetch)
        m_fetch();
}

void MessagesModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

MessagesDock::MessagesDock(QWidget* parent)
    : QDockWidget(tr("Messages"), parent), m_model(new MessagesModel(this)), m_view(new QTableView(this)),
      m_stack(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("MessagesDock"));
    m_view->setModel(m_model);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_stack->addWidget(m_view);
    setWidget(m_stack);
    // Follow the run: keep the newest row in view.
    connect(m_model, &QAbstractItemModel::rowsInserted, m_view, [this] {
        if (m_follow)
            m_view->scrollToBottom();
    });
    connect(m_view, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        if (index.isValid())
            Q_EMIT seqActivated(m_model->row(index.row()).seq);
    });
}

void MessagesDock::setTraceView(QWidget* view)
{
    m_traceView = view;
    m_stack->addWidget(view);
}

void MessagesDock::showTraceView(bool on)
{
    m_stack->setCurrentWidget(on && m_traceView ? m_traceView : static_cast<QWidget*>(m_view));
}

bool MessagesDock::showsTraceView() const { return m_traceView && m_stack->currentWidget() == m_traceView; }

} // namespace aeroflow::studio
