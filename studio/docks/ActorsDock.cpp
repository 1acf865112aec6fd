#include "ActorsDock.h"

#include "theme/Theme.h"

#include <QHeaderView>
#include <QSet>
#include <QTreeWidget>

namespace aeroflow::studio {

ActorsDock::ActorsDock(QWidget* parent) : QDockWidget(tr("Actors"), parent), m_view(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("ActorsDock"));
    m_view->setColumnCount(2);
    m_view->setHeaderLabels({tr("Actor / field"), tr("Value")});
    m_view->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_view->setUniformRowHeights(true);
    setWidget(m_view);
}

void ActorsDock::clear()
{
    m_view->clear();
    m_previous.clear();
    m_changed.clear();
}

void ActorsDock::showSnapshot(const SessionSnapshot& snapshot)
{
    // Keep what the user folded or unfolded across refreshes.
    QSet<QString> collapsed;
    for (int i = 0; i < m_view->topLevelItemCount(); ++i)
        if (!m_view->topLevelItem(i)->isExpanded())
            collapsed.insert(m_view->topLevelItem(i)->text(0));
    m_view->clear();
    m_changed.clear();
    QHash<QString, QString> current;
    if (snapshot.statement.valid) {
        // Paused at a statement: its locals first (the key "Locals" is never an actor name).
        const StatementPoint& p = snapshot.statement;
        auto* top = new QTreeWidgetItem(m_view);
        top->setText(0, tr("Locals"));
        top->setText(1, tr("%1 · line %2 · statement %3 of %4 (%5)")
                            .arg(p.function)
                            .arg(p.line)
                            .arg(p.index + 1)
                            .arg(p.count)
                            .arg(p.actorName.isEmpty() ? QStringLiteral("#%1").arg(p.actor) : p.actorName));
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);
        for (const ActorField& f : p.locals) {
            auto* item = new QTreeWidgetItem(top);
            item->setText(0, f.name);
            item->setText(1, f.value);
            item->setToolTip(1, f.value);
        }
        top->setExpanded(!collapsed.contains(top->text(0)));
    }
    for (const ActorView& a : snapshot.actors) {
        auto* top = new QTreeWidgetItem(m_view);
        top->setText(0, a.name);
        top->setText(1, a.alive ? tr("state hash %1").arg(a.stateHash, 16, 16, QLatin1Char('0')) : tr("stopped"));
        if (!a.alive)
            top->setForeground(1, m_crashedFore);
        for (const ActorField& f : a.fields) {
            const QString key = a.name + QLatin1Char('.') + f.name;
            current.insert(key, f.value);
            auto* item = new QTreeWidgetItem(top);
            item->setText(0, f.name);
            item->setText(1, f.value);
            item->setToolTip(1, f.value);
            const auto prev = m_previous.find(key);
            if (!m_previous.isEmpty() && (prev == m_previous.end() || *prev != f.value)) {
                m_changed << key;
                for (int c = 0; c < 2; ++c) {
                    item->setBackground(c, m_changedBack);
                    item->setForeground(c, m_changedFore);
                }
                item->setToolTip(1, prev == m_previous.end() ? tr("new") : tr("was %1").arg(*prev));
            }
        }
        top->setExpanded(!collapsed.contains(a.name));
    }
    m_previous = std::move(current);
}

void ActorsDock::applyTheme(const Theme& theme)
{
    m_changedBack = QBrush(theme.color(QStringLiteral("actors.changed")));
    m_changedFore = QBrush(theme.color(QStringLiteral("actors.changedText")));
    m_crashedFore = QBrush(theme.color(QStringLiteral("actors.crashed")));
    for (QTreeWidgetItemIterator it(m_view); *it; ++it)
        if (m_changed.contains((*it)->parent() ? (*it)->parent()->text(0) + '.' + (*it)->text(0) : QString()))
            for (int c = 0; c < 2; ++c) {
                (*it)->setBackground(c, m_changedBack);
                (*it)->setForeground(c, m_changedFore);
            }
}

} // namespace aeroflow::studio
