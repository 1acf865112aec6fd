#include "CommandPalette.h"

#include <QAction>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace aeroflow::studio {

CommandPalette::CommandPalette(QList<QAction*> actions, QWidget* parent)
    : QDialog(parent, Qt::Popup | Qt::FramelessWindowHint), m_actions(std::move(actions)),
      m_filter(new QLineEdit(this)), m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("CommandPalette"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_filter->setPlaceholderText(tr("Type a command"));
    layout->addWidget(m_filter);
    layout->addWidget(m_list);
    resize(560, 380);
    m_filter->installEventFilter(this);
    connect(m_filter, &QLineEdit::textChanged, this, &CommandPalette::refill);
    connect(m_list, &QListWidget::itemActivated, this, &CommandPalette::activateCurrent);
    refill();
}

void CommandPalette::setFilter(const QString& text) { m_filter->setText(text); }

void CommandPalette::refill()
{
    m_list->clear();
    const QStringList words = m_filter->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (int i = 0; i < m_actions.size(); ++i) {
        QAction* a = m_actions[i];
        const QString label = a->text().remove(QLatin1Char('&'));
        if (label.isEmpty() || !a->isVisible())
            continue;
        bool match = true;
        for (const QString& w : words)
            match = match && label.contains(w, Qt::CaseInsensitive);
        if (!match)
            continue;
        const QString shortcut = a->shortcut().toString(QKeySequence::NativeText);
        auto* item = new QListWidgetItem(shortcut.isEmpty() ? label : label + QLatin1Char('\t') + shortcut, m_list);
        item->setData(Qt::UserRole, i);
        if (!a->isEnabled())
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
}

QStringList CommandPalette::visibleEntries() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out << m_list->item(i)->text();
    return out;
}

void CommandPalette::activateCurrent()
{
    QListWidgetItem* item = m_list->currentItem();
    if (!item || !(item->flags() & Qt::ItemIsEnabled))
        return;
    QAction* a = m_actions.value(item->data(Qt::UserRole).toInt());
    accept();
    if (a)
        a->trigger();
}

bool CommandPalette::eventFilter(QObject* watched, QEvent* event)
{
    // Arrow keys and Enter in the filter field drive the list.
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Down || key->key() == Qt::Key_Up) {
            const int row = m_list->currentRow() + (key->key() == Qt::Key_Down ? 1 : -1);
            m_list->setCurrentRow(std::clamp(row, 0, std::max(0, m_list->count() - 1)));
            return true;
        }
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            activateCurrent();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace aeroflow::studio
