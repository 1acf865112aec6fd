#include "OutputDock.h"

#include "theme/Theme.h"

#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextCursor>

namespace aeroflow::studio {

OutputDock::OutputDock(QWidget* parent) : QDockWidget(tr("Output"), parent), m_view(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("OutputDock"));
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(100'000); // a chatty program must not eat the memory
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont f(QStringLiteral("DejaVu Sans Mono"));
    f.setStyleHint(QFont::Monospace);
    m_view->setFont(f);
    setWidget(m_view);
}

void OutputDock::appendLines(const QVector<OutputLine>& lines)
{
    QTextCursor c(m_view->document());
    c.movePosition(QTextCursor::End);
    QScrollBar* bar = m_view->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    c.beginEditBlock();
    for (const OutputLine& l : lines)
        c.insertText(l.text, m_formats.value(int(l.kind)));
    c.endEditBlock();
    if (atEnd)
        bar->setValue(bar->maximum());
}

void OutputDock::resetLines(const QVector<OutputLine>& lines)
{
    clear();
    appendLines(lines);
}

void OutputDock::appendSystem(const QString& text)
{
    appendLines({OutputLine{0, OutputKind::System, text.endsWith('\n') ? text : text + '\n'}});
}

void OutputDock::clear() { m_view->clear(); }

QString OutputDock::text() const { return m_view->toPlainText(); }

void OutputDock::applyTheme(const Theme& theme)
{
    m_formats.clear();
    auto fmt = [](const QColor& c) {
        QTextCharFormat f;
        f.setForeground(c);
        return f;
    };
    m_formats.insert(int(OutputKind::Output), fmt(theme.palette.color(QPalette::Text)));
    m_formats.insert(int(OutputKind::Error), fmt(theme.color(QStringLiteral("output.error"))));
    m_formats.insert(int(OutputKind::Warning), fmt(theme.color(QStringLiteral("output.warning"))));
    m_formats.insert(int(OutputKind::System), fmt(theme.color(QStringLiteral("output.system"))));
    // Recolour what is already there: plain text keeps the new palette's
    // colour; kinds are not stored per line, so earlier colours stay as they were.
    m_view->setPalette(theme.palette);
}

} // namespace aeroflow::studio
