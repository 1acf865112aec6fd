// The snapshot explorer pane (see SnapshotExplorer.h).

#include "SnapshotExplorer.h"

#include "ExplorerStyle.h"
#include "SnapshotModel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace aeroflow::timeline {

SnapshotExplorer::SnapshotExplorer(SnapshotModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1); // name, value or type

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter actors and fields"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, &SnapshotExplorer::setFilterText);

    m_lastChange = new QAction(tr("Go to Last Change"), this);
    m_lastChange->setToolTip(tr("Move the cursor to the message that last changed the selected field"));
    connect(m_lastChange, &QAction::triggered, this, &SnapshotExplorer::goToLastChange);
    auto* button = new QToolButton(this);
    button->setDefaultAction(m_lastChange);

    m_view = new QTreeView(this);
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(SnapshotModel::NameColumn, QHeaderView::Interactive);
    m_view->header()->setSectionResizeMode(SnapshotModel::ValueColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(SnapshotModel::TypeColumn, QHeaderView::ResizeToContents);
    m_view->setColumnWidth(SnapshotModel::NameColumn, 180);
    connect(m_view, &QTreeView::customContextMenuRequested, this, [this](const QPoint& at) {
        const QModelIndex idx = m_view->indexAt(at);
        if (!idx.isValid())
            return;
        m_view->setCurrentIndex(idx);
        QMenu menu(this);
        const QString field = idx.data(SnapshotModel::FieldRole).toString();
        m_lastChange->setText(field.isEmpty() ? tr("Go to Last Change") : tr("Go to Last Change of '%1'").arg(field));
        menu.addAction(m_lastChange);
        menu.exec(m_view->viewport()->mapToGlobal(at));
        m_lastChange->setText(tr("Go to Last Change"));
    });
    // A field row selected: the action applies; an actor row: it does not.
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex& idx) { m_lastChange->setEnabled(idx.data(SnapshotModel::DepthRole).toInt() >= 1); });
    m_lastChange->setEnabled(false);

    m_status = new QLabel(this);
    connect(model, &SnapshotModel::snapshotApplied, this, &SnapshotExplorer::updateStatus);
    connect(model, &SnapshotModel::lastChangeNotFound, m_status, &QLabel::setText);
    connect(model, &SnapshotModel::failed, m_status, &QLabel::setText);
    connect(model, &SnapshotModel::lastChangeFound, this, [this](quint64 seq, const QString& field) {
        m_status->setText(tr("'%1' last changed by message #%2").arg(field).arg(seq));
    });

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_filter, 1);
    top->addWidget(button);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    updateStatus();
}

void SnapshotExplorer::setPalette(const TimelinePalette& palette)
{
    m_model->setPalette(palette);
    const QPalette p = explorerPalette(palette, QWidget::palette());
    QWidget::setPalette(p);
    m_view->setPalette(p);
    m_view->header()->setPalette(p);
    setAutoFillBackground(true);
    m_view->viewport()->update();
    update();
}

void SnapshotExplorer::setFilterText(const QString& text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    m_proxy->setFilterFixedString(text);
    if (!text.isEmpty())
        m_view->expandAll();
}

void SnapshotExplorer::goToLastChange()
{
    m_model->findLastChange(m_proxy->mapToSource(m_view->currentIndex()));
}

void SnapshotExplorer::updateStatus()
{
    if (m_model->seq() == m_model->compareSeq())
        m_status->setText(tr("After message #%1").arg(m_model->seq()));
    else
        m_status->setText(tr("After message #%1 — highlighted: changed since #%2 (previous tick)")
                              .arg(m_model->seq())
                              .arg(m_model->compareSeq()));
}

} // namespace aeroflow::timeline
