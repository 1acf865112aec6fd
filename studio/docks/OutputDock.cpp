#include "OutputDock.h"

#include "theme/Theme.h"

#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

#include <algorithm>
#include <limits>

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
    if (m_traceMode && m_view->document()->blockCount() + lines.size() >= m_view->maximumBlockCount()) {
        // The block limit is about to drop lines from the top, which would
        // shift the remembered positions: stop dimming (honestly: all plain).
        setCursorSeq(std::numeric_limits<quint64>::max());
        m_traceMode = false;
        m_spans.clear();
    }
    c.beginEditBlock();
    for (const OutputLine& l : lines) {
        const int start = c.position();
        if (l.text.size() > kMaxLineChars)
            insertCut(c, l.text, m_formats.value(int(l.kind)));
        else
            c.insertText(l.text, m_formats.value(int(l.kind)));
        if (m_traceMode && l.kind != OutputKind::System)
            m_spans.push_back(Span{start, c.position(), l.seq, int(l.kind), false});
    }
    c.endEditBlock();
    if (m_view->document()->characterCount() > kMaxChars)
        trimToBudget();
    if (atEnd)
        bar->setValue(bar->maximum());
}

void OutputDock::insertCut(QTextCursor& c, QStringView text, const QTextCharFormat& format)
{
    // Laying out a line of megabytes takes the GUI thread for a minute. Only
    // such lines are cut: a text of many short lines (diagnostics) is whole.
    qsizetype run = 0; // start of the short lines not inserted yet
    for (qsizetype start = 0; start < text.size();) {
        const qsizetype newline = text.indexOf(u'\n', start);
        const qsizetype end = newline < 0 ? text.size() : newline;
        const qsizetype next = newline < 0 ? text.size() : newline + 1;
        if (end - start > kMaxLineChars) {
            c.insertText(text.sliced(run, start + kMaxLineChars - run).toString(), format);
            c.insertText(tr("… (%1 more characters)").arg(end - start - kMaxLineChars)
                    + (newline < 0 ? QString() : QStringLiteral("\n")),
                m_formats.value(int(OutputKind::System)));
            run = next;
        }
        start = next;
    }
    if (run < text.size())
        c.insertText(text.sliced(run).toString(), format);
}

void OutputDock::trimToBudget()
{
    QTextDocument* doc = m_view->document();
    // Down to three quarters, so that trimming is rare; whole lines only.
    const QTextBlock keep = doc->findBlock(doc->characterCount() - kMaxChars / 4 * 3);
    if (!keep.isValid() || keep.position() == 0)
        return;
    if (m_traceMode) { // positions shift: stop dimming, as at the block limit
        setCursorSeq(std::numeric_limits<quint64>::max());
        m_traceMode = false;
        m_spans.clear();
    }
    const int dropped = keep.blockNumber();
    QTextCursor c(doc);
    c.beginEditBlock();
    c.setPosition(0);
    c.setPosition(keep.position(), QTextCursor::KeepAnchor);
    c.removeSelectedText();
    c.insertText(
        tr("… %1 earlier lines left out (Output keeps the last %2 characters)\n").arg(dropped).arg(kMaxChars / 4 * 3),
        m_formats.value(int(OutputKind::System)));
    c.endEditBlock();
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

void OutputDock::clear()
{
    m_view->clear();
    m_spans.clear();
}

void OutputDock::setTraceMode(bool on)
{
    m_traceMode = on;
    m_spans.clear();
}

void OutputDock::formatSpan(int index, bool dimmed)
{
    Span& s = m_spans[index];
    s.dimmed = dimmed;
    if (s.end > m_view->document()->characterCount())
        return; // trimmed by the block limit
    QTextCursor c(m_view->document());
    c.setPosition(s.start);
    c.setPosition(s.end, QTextCursor::KeepAnchor);
    c.setCharFormat(dimmed ? m_dimmed : m_formats.value(s.kind));
}

void OutputDock::setCursorSeq(quint64 seq)
{
    // Only lines whose side of the cursor changed are restyled.
    QTextCursor edit(m_view->document());
    edit.beginEditBlock();
    for (int i = 0; i < m_spans.size(); ++i) {
        const bool dim = m_spans[i].seq > seq;
        if (dim != m_spans[i].dimmed)
            formatSpan(i, dim);
    }
    edit.endEditBlock();
}

int OutputDock::dimmedLines() const
{
    return int(std::count_if(m_spans.begin(), m_spans.end(), [](const Span& s) { return s.dimmed; }));
}

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
    m_dimmed = fmt(theme.color(QStringLiteral("timeline.dimmed"), theme.palette.color(QPalette::Disabled, QPalette::Text)));
    for (int i = 0; i < m_spans.size(); ++i)
        formatSpan(i, m_spans[i].dimmed);
    // Recolour what is already there: plain text keeps the new palette's
    // colour; kinds are not stored per line, so earlier colours stay as they were.
    m_view->setPalette(theme.palette);
}

} // namespace aeroflow::studio
