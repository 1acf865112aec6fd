#include "ProgramFilesDock.h"

#include <QFont>
#include <QHeaderView>
#include <QTreeWidget>

namespace aeroflow::studio {

namespace {
constexpr int kFileIndexRole = Qt::UserRole;
}

ProgramFilesDock::ProgramFilesDock(QWidget* parent)
    : QDockWidget(tr("Program files"), parent), m_view(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("ProgramFilesDock"));
    m_view->setColumnCount(1);
    m_view->setHeaderHidden(true);
    setWidget(m_view);
    auto activate = [this](QTreeWidgetItem* item) {
        const QVariant index = item->data(0, kFileIndexRole);
        if (index.isValid())
            Q_EMIT fileActivated(index.toInt());
    };
    connect(m_view, &QTreeWidget::itemActivated, this, activate);
    connect(m_view, &QTreeWidget::itemClicked, this, activate);
}

void ProgramFilesDock::setFiles(const QStringList& names)
{
    m_view->clear();
    m_files.clear();
    m_current = -1;
    // Folders relative to the entry file's folder, as the program names them.
    const int slash = names.isEmpty() ? -1 : int(names.front().lastIndexOf(QLatin1Char('/')));
    const QString root = slash < 0 ? QString() : names.front().left(slash + 1);
    QHash<QString, QTreeWidgetItem*> folders;
    for (int i = 0; i < names.size(); ++i) {
        QString rel = names[i].startsWith(root) ? names[i].mid(root.size()) : names[i];
        const QStringList parts = rel.split(QLatin1Char('/'));
        QTreeWidgetItem* parent = nullptr;
        QString path;
        for (int p = 0; p + 1 < parts.size(); ++p) {
            path += parts[p] + QLatin1Char('/');
            QTreeWidgetItem*& folder = folders[path];
            if (!folder) {
                folder = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_view);
                folder->setText(0, parts[p] + QLatin1Char('/'));
            }
            parent = folder;
        }
        auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_view);
        item->setText(0, parts.back());
        item->setToolTip(0, i == 0 ? tr("%1 (entry file)").arg(names[i]) : names[i]);
        item->setData(0, kFileIndexRole, i);
        m_files.push_back(item);
    }
    m_view->expandAll();
    setWindowTitle(names.size() > 1 ? tr("Program files (%1)").arg(names.size()) : tr("Program files"));
}

void ProgramFilesDock::setCurrentFile(int index)
{
    if (index == m_current)
        return;
    for (int i = 0; i < m_files.size(); ++i) {
        QFont f = m_files[i]->font(0);
        f.setBold(i == index);
        m_files[i]->setFont(0, f);
    }
    m_current = index;
    if (index >= 0 && index < m_files.size())
        m_view->setCurrentItem(m_files[index]);
}

} // namespace aeroflow::studio
