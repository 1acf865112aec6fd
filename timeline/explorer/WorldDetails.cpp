// The outside event's details pane (see WorldDetails.h).

#include "WorldDetails.h"

#include "ExplorerStyle.h"
#include "WorldDetailsModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace aeroflow::timeline {

namespace {

constexpr int kSeqRole = Qt::UserRole;
constexpr int kFullRole = Qt::UserRole + 1;
constexpr int kTreeChars = 160; // the tree shows a line; the view below shows it all

} // namespace

WorldDetails::WorldDetails(WorldDetailsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tree = new QTreeWidget(this);
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({ tr("Field"), tr("Value") });
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setToolTip(tr("Click a line that names a delivery to go there"));
    m_value = new QPlainTextEdit(this);
    m_value->setReadOnly(true);
    m_value->setPlaceholderText(tr("Select a line to see its whole value (a body, a header)"));
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        m_value->setPlainText(item ? item->data(1, kFullRole).toString() : QString());
    });
    connect(m_tree, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        if (const quint64 seq = item->data(0, kSeqRole).toULongLong(); seq != 0)
            m_model->follow(seq);
    });
    connect(model, &WorldDetailsModel::updated, this, &WorldDetails::refresh);
    connect(model, &WorldDetailsModel::failed, m_header, &QLabel::setText);

    // Most of the height for the tree; a few lines for the selected value.
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    split->addWidget(m_value);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 1);
    m_value->setMinimumHeight(40);
    split->setSizes({ 500, 80 });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(4);
    layout->addWidget(m_header);
    layout->addWidget(split, 1);
    refresh();
}

void WorldDetails::setPalette(const TimelinePalette& palette)
{
    m_palette = palette;
    const QPalette p = explorerPalette(palette, QWidget::palette());
    QWidget::setPalette(p);
    m_tree->setPalette(p);
    m_tree->header()->setPalette(p);
    m_value->setPalette(p);
    setAutoFillBackground(true);
    refresh();
}

QTreeWidgetItem* WorldDetails::item(const QString& section, const QString& name) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* s = m_tree->topLevelItem(i);
        if (s->text(0) != section)
            continue;
        for (int j = 0; j < s->childCount(); ++j)
            if (s->child(j)->text(0) == name)
                return s->child(j);
    }
    return nullptr;
}

void WorldDetails::refresh()
{
    const WorldDetailsData& d = m_model->details();
    m_tree->clear();
    m_value->clear();
    if (d.ref.isNull()) {
        m_header->setText(tr("Nothing from outside selected"));
        return;
    }
    m_header->setText(d.title + QLatin1Char('\n') + d.summary);
    QFont bold = m_tree->font();
    bold.setBold(true);
    QTreeWidgetItem* section = nullptr;
    QTreeWidgetItem* last = nullptr;
    for (const WorldDetailsData::Row& r : d.rows) {
        if (!section || section->text(0) != r.section) {
            section = new QTreeWidgetItem(m_tree, { r.section });
            section->setFont(0, bold);
            section->setFirstColumnSpanned(true);
            section->setExpanded(true);
            last = nullptr;
        }
        QTreeWidgetItem* parent = r.depth > 0 && last ? last : section;
        QString shown = r.value;
        shown.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
        if (shown.size() > kTreeChars)
            shown = shown.left(kTreeChars) + QStringLiteral("…");
        auto* item = new QTreeWidgetItem(parent, { r.name, shown });
        item->setData(1, kFullRole, r.value);
        item->setToolTip(1, r.value.left(2000));
        if (r.seq != 0) {
            item->setData(0, kSeqRole, quint64(r.seq));
            QFont link = item->font(1);
            link.setUnderline(true);
            item->setFont(1, link);
            if (m_palette.message.isValid())
                item->setForeground(1, m_palette.message);
            item->setToolTip(1, tr("Click to go to delivery #%1").arg(r.seq));
        }
        if (r.alert && m_palette.crash.isValid())
            item->setForeground(1, m_palette.crash);
        if (r.depth == 0)
            last = item;
        else
            parent->setExpanded(parent->childCount() <= 12);
    }
}

} // namespace aeroflow::timeline
