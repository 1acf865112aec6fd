// The details pane (see MessageDetails.h).

#include "MessageDetails.h"

#include "ExplorerStyle.h"
#include "MessageDetailsModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace aeroflow::timeline {

MessageDetails::MessageDetails(MessageDetailsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    m_state = new QTableWidget(0, 3, this);
    m_state->setHorizontalHeaderLabels({ tr("Field"), tr("Before"), tr("After") });
    m_state->verticalHeader()->hide();
    m_state->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_state->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_chain = new QListWidget(this);
    m_chain->setToolTip(tr("Causal chain: click a message to go there"));
    connect(m_chain, &QListWidget::itemClicked, this,
        [this](QListWidgetItem* item) { m_model->follow(item->data(Qt::UserRole).toULongLong()); });
    connect(model, &MessageDetailsModel::updated, this, &MessageDetails::refresh);
    connect(model, &MessageDetailsModel::failed, m_header, &QLabel::setText);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(4);
    layout->addWidget(m_header);
    layout->addWidget(new QLabel(tr("Receiver state"), this));
    layout->addWidget(m_state, 2);
    layout->addWidget(new QLabel(tr("Caused by"), this));
    layout->addWidget(m_chain, 1);
    refresh();
}

void MessageDetails::setPalette(const TimelinePalette& palette)
{
    m_palette = palette;
    const QPalette p = explorerPalette(palette, QWidget::palette());
    QWidget::setPalette(p);
    m_state->setPalette(p);
    m_state->horizontalHeader()->setPalette(p);
    m_chain->setPalette(p);
    setAutoFillBackground(true);
    refresh();
}

void MessageDetails::refresh()
{
    const MessageDetailsData& d = m_model->details();
    m_state->setRowCount(0);
    m_chain->clear();
    if (d.seq == 0) {
        m_header->setText(tr("No message selected"));
        return;
    }
    // A message's payload prints with its name; an emitted value does not.
    const QString what = d.handler == QStringLiteral("(emit)") ? tr("emitted %1").arg(d.payload) : d.payload;
    m_header->setText(tr("Message #%1 at tick %2 (%3)\n%4 → %5\n%6")
                          .arg(d.seq)
                          .arg(d.tick)
                          .arg(d.outcome, d.sender, d.receiver, what));
    const size_t n = std::max(d.before.size(), d.after.size());
    m_state->setRowCount(int(n));
    for (size_t i = 0; i < n; ++i) {
        const auto* b = i < d.before.size() ? &d.before[i] : nullptr;
        const auto* a = i < d.after.size() ? &d.after[i] : nullptr;
        const std::string& name = a ? a->first : b->first;
        const bool changed = std::find(d.changed.begin(), d.changed.end(), name) != d.changed.end();
        const QString cells[] = { QString::fromStdString(name), b ? QString::fromStdString(b->second) : QString(),
            a ? QString::fromStdString(a->second) : QString() };
        for (int c = 0; c < 3; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setToolTip(cells[c]);
            if (changed && m_palette.changed.isValid()) {
                item->setBackground(m_palette.changed);
                item->setForeground(m_palette.changedText);
            }
            item->setData(Qt::UserRole, changed);
            m_state->setItem(int(i), c, item);
        }
    }
    for (const auto& link : d.chain) {
        auto* item = new QListWidgetItem(link.label, m_chain);
        item->setData(Qt::UserRole, quint64(link.seq));
        if (link.seq == d.seq && m_palette.textDim.isValid())
            item->setForeground(m_palette.textDim);
    }
}

} // namespace aeroflow::timeline
