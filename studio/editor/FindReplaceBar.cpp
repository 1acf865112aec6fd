#include "FindReplaceBar.h"

#include "CodeEditor.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace aeroflow::studio {

FindReplaceBar::FindReplaceBar(QWidget* parent)
    : QWidget(parent), m_find(new QLineEdit(this)), m_replace(new QLineEdit(this)),
      m_case(new QCheckBox(tr("Match case"), this)), m_word(new QCheckBox(tr("Whole word"), this)),
      m_replaceRow(new QWidget(this)), m_status(new QLabel(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 2, 4, 2);
    auto* findRow = new QHBoxLayout;
    m_find->setPlaceholderText(tr("Find"));
    auto* prev = new QPushButton(tr("Previous"), this);
    auto* next = new QPushButton(tr("Next"), this);
    auto* close = new QPushButton(tr("Close"), this);
    findRow->addWidget(m_find, 1);
    findRow->addWidget(prev);
    findRow->addWidget(next);
    findRow->addWidget(m_case);
    findRow->addWidget(m_word);
    findRow->addWidget(m_status);
    findRow->addWidget(close);
    auto* replaceRow = new QHBoxLayout(m_replaceRow);
    replaceRow->setContentsMargins(0, 0, 0, 0);
    m_replace->setPlaceholderText(tr("Replace with"));
    auto* one = new QPushButton(tr("Replace"), this);
    auto* all = new QPushButton(tr("Replace all"), this);
    replaceRow->addWidget(m_replace, 1);
    replaceRow->addWidget(one);
    replaceRow->addWidget(all);
    outer->addLayout(findRow);
    outer->addWidget(m_replaceRow);

    connect(m_find, &QLineEdit::returnPressed, this, [this] { findNext(true); });
    connect(next, &QPushButton::clicked, this, [this] { findNext(true); });
    connect(prev, &QPushButton::clicked, this, [this] { findNext(false); });
    connect(one, &QPushButton::clicked, this, &FindReplaceBar::replaceOne);
    connect(all, &QPushButton::clicked, this, &FindReplaceBar::replaceAll);
    connect(close, &QPushButton::clicked, this, &QWidget::hide);
    hide();
}

void FindReplaceBar::open(bool replace)
{
    if (m_editor && m_editor->hasSelectedText() && !m_editor->selectedText().contains('\n'))
        m_find->setText(m_editor->selectedText());
    m_replaceRow->setVisible(replace);
    show();
    m_find->setFocus();
    m_find->selectAll();
}

bool FindReplaceBar::findNext(bool forward)
{
    if (!m_editor || m_find->text().isEmpty())
        return false;
    int line = -1, index = -1;
    if (!forward) {
        // findFirst searches backwards from the given point: start before the selection.
        int l2 = 0, i2 = 0;
        m_editor->getSelection(&line, &index, &l2, &i2);
        if (line < 0)
            m_editor->getCursorPosition(&line, &index);
    }
    const bool found = m_editor->findFirst(m_find->text(), false, m_case->isChecked(), m_word->isChecked(), true,
                                           forward, line, index);
    m_status->setText(found ? QString() : tr("Not found"));
    return found;
}

bool FindReplaceBar::replaceOne()
{
    if (!m_editor)
        return false;
    const bool selectionMatches = m_editor->hasSelectedText()
        && m_editor->selectedText().compare(m_find->text(), m_case->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive) == 0;
    if (!selectionMatches)
        return findNext(true);
    m_editor->replaceSelectedText(m_replace->text());
    findNext(true);
    return true;
}

int FindReplaceBar::replaceAll()
{
    if (!m_editor || m_find->text().isEmpty())
        return 0;
    int count = 0;
    m_editor->beginUndoAction(); // one undo step for the whole replacement
    bool found = m_editor->findFirst(m_find->text(), false, m_case->isChecked(), m_word->isChecked(), false, true, 0, 0);
    while (found) {
        m_editor->replace(m_replace->text());
        ++count;
        found = m_editor->findNext();
    }
    m_editor->endUndoAction();
    m_status->setText(tr("%n replaced", nullptr, count));
    return count;
}

void FindReplaceBar::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape) {
        hide();
        if (m_editor)
            m_editor->setFocus();
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace aeroflow::studio
