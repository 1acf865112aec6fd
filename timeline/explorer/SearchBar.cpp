// The search bar (see SearchBar.h).

#include "SearchBar.h"

#include "ExplorerStyle.h"
#include "MessageSearch.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace aeroflow::timeline {

SearchBar::SearchBar(MessageSearch* search, QWidget* parent)
    : QWidget(parent)
    , m_search(search)
{
    m_edit = new QLineEdit(this);
    m_edit->setPlaceholderText(tr("Search handler, actor or payload"));
    m_edit->setClearButtonEnabled(true);
    m_prev = new QToolButton(this);
    m_prev->setText(QStringLiteral("▲"));
    m_prev->setToolTip(tr("Previous match (Shift+Enter)"));
    m_next = new QToolButton(this);
    m_next->setText(QStringLiteral("▼"));
    m_next->setToolTip(tr("Next match (Enter)"));
    m_status = new QLabel(this);
    m_status->setMinimumWidth(110);

    connect(m_edit, &QLineEdit::returnPressed, this, [this] {
        if (m_edit->text() != m_search->text()) {
            m_jumpOnResults = true;
            m_search->search(m_edit->text());
            return; // the first match comes with the results
        }
        if (QApplication::keyboardModifiers() & Qt::ShiftModifier)
            m_search->previous();
        else
            m_search->next();
    });
    connect(m_prev, &QToolButton::clicked, m_search, &MessageSearch::previous);
    connect(m_next, &QToolButton::clicked, m_search, &MessageSearch::next);
    connect(m_search, &MessageSearch::resultsChanged, this, [this] {
        if (m_jumpOnResults && !m_search->results().empty()) {
            m_jumpOnResults = false;
            m_search->next();
        }
        updateStatus();
    });
    connect(m_search, &MessageSearch::current, this, &SearchBar::updateStatus);
    connect(m_search, &MessageSearch::finished, this, &SearchBar::updateStatus);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_prev);
    layout->addWidget(m_next);
    updateStatus();
}

void SearchBar::setPalette(const TimelinePalette& palette)
{
    QWidget::setPalette(explorerPalette(palette, QWidget::palette()));
    setAutoFillBackground(true);
    update();
}

void SearchBar::activate()
{
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

QString SearchBar::statusText() const
{
    return m_status->text();
}

void SearchBar::updateStatus()
{
    const size_t n = m_search->results().size();
    QString text;
    if (m_search->text().isEmpty())
        text.clear();
    else if (n == 0)
        text = m_search->isRunning() ? tr("searching…") : tr("no matches");
    else
        text = tr("%1 of %2%3")
                   .arg(m_search->currentIndex() < 0 ? QStringLiteral("–")
                                                     : QString::number(m_search->currentIndex() + 1))
                   .arg(n)
                   .arg(m_search->hasMore() ? QStringLiteral("+")
                                            : (m_search->isRunning() ? QStringLiteral("…") : QString()));
    m_status->setText(text);
    m_prev->setEnabled(n > 0);
    m_next->setEnabled(n > 0);
}

} // namespace aeroflow::timeline
