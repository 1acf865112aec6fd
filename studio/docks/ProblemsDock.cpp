#include "ProblemsDock.h"

#include <QHeaderView>
#include <QStyle>
#include <QTreeWidget>

namespace aeroflow::studio {

ProblemsDock::ProblemsDock(QWidget* parent) : QDockWidget(tr("Problems"), parent), m_view(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("ProblemsDock"));
    m_view->setColumnCount(3);
    m_view->setHeaderLabels({tr("Message"), tr("File"), tr("Line:Col")});
    m_view->setRootIsDecorated(false);
    m_view->setAlternatingRowColors(true);
    m_view->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_view->header()->setStretchLastSection(false);
    setWidget(m_view);
    connect(m_view, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        Q_EMIT jumpRequested(item->data(0, Qt::UserRole).toInt(), item->data(0, Qt::UserRole + 1).toInt());
    });
    connect(m_view, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        Q_EMIT jumpRequested(item->data(0, Qt::UserRole).toInt(), item->data(0, Qt::UserRole + 1).toInt());
    });
}

void ProblemsDock::setDiagnostics(const QString& fileName, const QVector<EditorDiagnostic>& diagnostics)
{
    m_view->clear();
    int errors = 0;
    for (const EditorDiagnostic& d : diagnostics) {
        auto* item = new QTreeWidgetItem(m_view);
        const auto icon = d.severity == compiler::Severity::Error     ? QStyle::SP_MessageBoxCritical
                          : d.severity == compiler::Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                                      : QStyle::SP_MessageBoxInformation;
        errors += d.severity == compiler::Severity::Error;
        item->setIcon(0, style()->standardIcon(icon));
        item->setText(0, d.message);
        item->setToolTip(0, d.message);
        item->setText(1, fileName);
        item->setText(2, QStringLiteral("%1:%2").arg(d.line + 1).arg(d.index + 1));
        item->setData(0, Qt::UserRole, d.line);
        item->setData(0, Qt::UserRole + 1, d.index);
    }
    setWindowTitle(diagnostics.isEmpty() ? tr("Problems") : tr("Problems (%1)").arg(diagnostics.size()));
    Q_UNUSED(errors);
}

int ProblemsDock::rowCount() const { return m_view->topLevelItemCount(); }

} // namespace aeroflow::studio
