// The message table pane (see MessageTableView.h).

#include "MessageTableView.h"

#include "ExplorerStyle.h"
#include "MessageTableModel.h"
#include "TraceCursor.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace aeroflow::timeline {

MessageTableView::MessageTableView(MessageTableModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter: actor:NAME handler:NAME text"));
    m_filter->setClearButtonEnabled(true);
    m_delay = new QTimer(this);
    m_delay->setSingleShot(true);
    m_delay->setInterval(250);
    connect(m_filter, &QLineEdit::textChanged, m_delay, qOverload<>(&QTimer::start));
    connect(m_delay, &QTimer::timeout, this, &MessageTableView::applyFilter);

    m_view = new QTableView(this);
    m_view->setModel(model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(MessageTableModel::PayloadColumn, QHeaderView::Stretch);
    m_view->setWordWrap(false);
    connect(m_view, &QTableView::clicked, this, &MessageTableView::clicked);

    m_status = new QLabel(this);
    connect(model, &MessageTableModel::filterApplied, this, [this](int rows) {
        m_status->setText(m_model->isFiltered() ? tr("%1 matching messages").arg(rows) : tr("%1 messages").arg(rows));
        if (m_cursor)
            follow(m_cursor->seq());
    });
    connect(model, &MessageTableModel::failed, m_status, &QLabel::setText);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
}

void MessageTableView::setCursor(TraceCursor* cursor)
{
    if (m_cursor)
        disconnect(m_cursor, nullptr, this, nullptr);
    m_cursor = cursor;
    m_model->setCursor(cursor);
    if (!cursor)
        return;
    connect(cursor, &TraceCursor::positionChanged, this, [this](uint64_t seq, uint64_t) { follow(seq); });
    connect(cursor, &TraceCursor::messageSelected, this, [this](uint64_t seq) {
        const int row = m_model->rowForSeq(seq);
        if (row >= 0) {
            m_view->selectRow(row);
            m_view->scrollTo(m_model->index(row, 0));
        }
    });
}

void MessageTableView::setPalette(const TimelinePalette& palette)
{
    m_model->setPalette(palette);
    const QPalette p = explorerPalette(palette, QWidget::palette());
    QWidget::setPalette(p);
    m_view->setPalette(p);
    m_view->horizontalHeader()->setPalette(p);
    setAutoFillBackground(true);
    m_view->viewport()->update();
    update();
}

void MessageTableView::setFilterText(const QString& text)
{
    m_filter->setText(text);
    m_delay->stop();
    applyFilter();
}

void MessageTableView::applyFilter()
{
    m_model->setFilter(MessageFilter::parse(m_filter->text()));
}

void MessageTableView::follow(uint64_t seq)
{
    // The row of the delivery that led to the position (the last at or before it).
    const int row = m_model->rowForSeq(seq, true);
    if (row >= 0)
        m_view->scrollTo(m_model->index(row, 0));
    m_view->viewport()->update();
}

void MessageTableView::clicked(const QModelIndex& index)
{
    if (!m_cursor || !index.isValid())
        return;
    const uint64_t seq = index.data(MessageTableModel::SeqRole).toULongLong();
    m_cursor->selectMessage(seq);
    m_cursor->setSeq(seq);
}

} // namespace aeroflow::timeline
