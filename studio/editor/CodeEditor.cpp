#include "CodeEditor.h"

#include "AeroFlowLexer.h"
#include "CompletionProvider.h"
#include "DiagnosticsService.h"
#include "theme/Theme.h"

#include <Qsci/qscistyle.h>

#include <QFileInfo>
#include <QInputDialog>
#include <QMouseEvent>
#include <QToolTip>

namespace aeroflow::studio {

namespace {
constexpr int kCompletionListId = 1;
constexpr int kBreakpointMask = (1 << CodeEditor::BreakpointMarker) | (1 << CodeEditor::ConditionalBreakpointMarker);
} // namespace

CodeEditor::CodeEditor(QWidget* parent)
    : QsciScintilla(parent),
      m_lexer(new AeroFlowLexer(this)),
      m_diagnostics(new DiagnosticsService([this] { return text().toUtf8(); }, this))
{
    setUtf8(true); // positions are UTF-8 byte offsets, exactly like the compiler's
    setLexer(m_lexer);
    setEolMode(EolUnix);
    setIndentationsUseTabs(false);
    setIndentationWidth(4);
    setTabWidth(4);
    setAutoIndent(true);
    setBackspaceUnindents(true);
    setBraceMatching(SloppyBraceMatch);
    setCaretLineVisible(true);
    setFolding(BoxedTreeFoldStyle, FoldMarginIndex);

    setMarginType(LineNumberMarginIndex, NumberMargin);
    setMarginLineNumbers(LineNumberMarginIndex, true);
    setMarginWidth(LineNumberMarginIndex, QStringLiteral("00000"));
    setMarginType(SymbolMarginIndex, QsciScintilla::SymbolMargin);
    setMarginWidth(SymbolMarginIndex, 16);
    setMarginSensitivity(SymbolMarginIndex, true);
    setMarginSensitivity(LineNumberMarginIndex, true);
    setMarginMarkerMask(SymbolMarginIndex, kBreakpointMask | (1 << ExecutionArrowMarker));
    setMarginMarkerMask(LineNumberMarginIndex, 0);

    markerDefine(Circle, BreakpointMarker);
    markerDefine(Circle, ConditionalBreakpointMarker);
    markerDefine(RightArrow, ExecutionArrowMarker);
    markerDefine(Background, ExecutionLineMarker);

    indicatorDefine(SquiggleIndicator, ErrorIndicator);
    indicatorDefine(SquiggleIndicator, WarningIndicator);
    indicatorDefine(DotsIndicator, NoteIndicator);

    SendScintilla(SCI_SETMOUSEDWELLTIME, 400);
    connect(this, &QsciScintillaBase::SCN_DWELLSTART, this, &CodeEditor::onDwellStart);
    connect(this, &QsciScintillaBase::SCN_DWELLEND, this, [] { QToolTip::hideText(); });
    connect(this, &QsciScintillaBase::SCN_CHARADDED, this, &CodeEditor::onCharAdded);
    connect(this, &QsciScintilla::marginClicked, this, &CodeEditor::onMarginClicked);
    connect(this, &QsciScintilla::userListActivated, this, &CodeEditor::onUserListActivated);
    connect(this, &QsciScintilla::textChanged, m_diagnostics, &DiagnosticsService::textChanged);
    connect(m_diagnostics, &DiagnosticsService::analyzed, this, &CodeEditor::showAnalysis);
}

CodeEditor::~CodeEditor() = default;

void CodeEditor::setFilePath(const QString& path)
{
    m_filePath = path;
    m_diagnostics->setFileName(displayName());
    m_diagnostics->setEntryPath(m_filePath);
}

QString CodeEditor::displayName() const
{
    return m_filePath.isEmpty() ? QStringLiteral("untitled") : QFileInfo(m_filePath).fileName();
}

const Analysis& CodeEditor::analysis() const { return m_diagnostics->latest(); }

void CodeEditor::applyTheme(const Theme& theme)
{
    m_lexer->applyTheme(theme);
    const QColor paper = theme.color(QStringLiteral("paper"));
    setPaper(paper);
    setColor(theme.color(QStringLiteral("text")));
    setCaretForegroundColor(theme.color(QStringLiteral("caret")));
    setCaretLineBackgroundColor(theme.color(QStringLiteral("caretLine")));
    setSelectionBackgroundColor(theme.color(QStringLiteral("selection")));
    setMarginsBackgroundColor(theme.color(QStringLiteral("marginBack")));
    setMarginsForegroundColor(theme.color(QStringLiteral("marginText")));
    setFoldMarginColors(theme.color(QStringLiteral("foldMargin")), theme.color(QStringLiteral("foldMargin")));
    setMatchedBraceBackgroundColor(theme.color(QStringLiteral("braceMatch")));
    setUnmatchedBraceBackgroundColor(theme.color(QStringLiteral("braceBad")));
    setMarkerBackgroundColor(theme.color(QStringLiteral("markers.breakpoint")), BreakpointMarker);
    setMarkerForegroundColor(theme.color(QStringLiteral("markers.breakpoint")), BreakpointMarker);
    setMarkerBackgroundColor(theme.color(QStringLiteral("markers.conditionalBreakpoint")), ConditionalBreakpointMarker);
    setMarkerForegroundColor(theme.color(QStringLiteral("markers.conditionalBreakpoint")), ConditionalBreakpointMarker);
    setMarkerBackgroundColor(theme.color(QStringLiteral("markers.executionPoint")), ExecutionArrowMarker);
    setMarkerForegroundColor(theme.color(QStringLiteral("markers.executionPoint")), ExecutionArrowMarker);
    setMarkerBackgroundColor(theme.color(QStringLiteral("markers.executionLine")), ExecutionLineMarker);
    setIndicatorForegroundColor(theme.color(QStringLiteral("markers.error")), ErrorIndicator);
    setIndicatorForegroundColor(theme.color(QStringLiteral("markers.warning")), WarningIndicator);
    setIndicatorForegroundColor(theme.color(QStringLiteral("markers.note")), NoteIndicator);
    // The lexer just reset the margin font; keep the line-number margin wide enough.
    setMarginWidth(LineNumberMarginIndex, QStringLiteral("00000"));
    m_noticeText = theme.color(QStringLiteral("markers.warning"));
    m_noticePaper = theme.color(QStringLiteral("marginBack"));
    showCutNotice();
}

void CodeEditor::setLoadedText(const QString& text, const QString& notice)
{
    m_cutNotice = notice;
    if (!notice.isEmpty()) // before the text: a cut text is never analysed
        disconnect(this, &QsciScintilla::textChanged, m_diagnostics, &DiagnosticsService::textChanged);
    setText(text);
    showCutNotice(); // after it: a new text drops the annotations
}

void CodeEditor::showCutNotice()
{
    if (m_cutNotice.isEmpty()) {
        clearAnnotations();
        return;
    }
    // Under the first line: it moves no line, so execution points and
    // breakpoints keep the text's own line numbers.
    setAnnotationDisplay(AnnotationBoxed);
    const QsciStyle style(-1, QStringLiteral("cut notice"), m_noticeText.isValid() ? m_noticeText : QColor(Qt::darkRed),
                          m_noticePaper.isValid() ? m_noticePaper : QColor(Qt::white), font());
    annotate(0, QStringLiteral("⚠ ") + m_cutNotice, style);
}

// --- diagnostics ---------------------------------------------------------------

void CodeEditor::showAnalysis(const Analysis& analysis)
{
    const int last = lines() - 1;
    for (int ind : {ErrorIndicator, WarningIndicator, NoteIndicator})
        clearIndicatorRange(0, 0, last, lineLength(last), ind);
    m_shown = analysis.diagnostics;
    for (const EditorDiagnostic& d : m_shown) {
        const int ind = d.severity == compiler::Severity::Error     ? ErrorIndicator
                        : d.severity == compiler::Severity::Warning ? WarningIndicator
                                                                    : NoteIndicator;
        fillIndicatorRange(d.line, d.index, d.endLine, d.endIndex, ind);
    }
    Q_EMIT diagnosticsUpdated();
}

QStringList CodeEditor::diagnosticsAt(int position) const
{
    int line = 0, index = 0;
    lineIndexFromPosition(position, &line, &index);
    QStringList out;
    for (const EditorDiagnostic& d : m_shown) {
        const bool after = line > d.line || (line == d.line && index >= d.index);
        const bool before = line < d.endLine || (line == d.endLine && index <= d.endIndex);
        if (after && before)
            out << QStringLiteral("%1: %2").arg(QString::fromLatin1(compiler::severityName(d.severity)), d.message);
    }
    return out;
}

void CodeEditor::onDwellStart(int position, int x, int y)
{
    if (position < 0)
        return;
    QStringList lines = diagnosticsAt(position);
    if (const auto& symbols = analysis().symbols) {
        if (const auto* decl = symbols->definitionAt(uint32_t(position)); decl && !decl->detail.empty())
            lines << QStringLiteral("%1 %2: %3").arg(QString::fromLatin1(compiler::symbolKindName(decl->kind)),
                                                    QString::fromStdString(decl->name),
                                                    QString::fromStdString(decl->detail));
    }
    if (!lines.isEmpty())
        QToolTip::showText(viewport()->mapToGlobal(QPoint(x, y)), lines.join(QLatin1Char('\n')), this);
}

// --- breakpoints ----------------------------------------------------------------

QVector<Breakpoint> CodeEditor::breakpoints() const
{
    QVector<Breakpoint> out;
    for (auto it = m_conditions.begin(); it != m_conditions.end(); ++it) {
        const int line = const_cast<CodeEditor*>(this)->markerLine(it.key());
        if (line >= 0)
            out.push_back({line, it.value()});
    }
    std::sort(out.begin(), out.end(), [](const Breakpoint& a, const Breakpoint& b) { return a.line < b.line; });
    return out;
}

bool CodeEditor::hasBreakpoint(int line) const
{
    return (const_cast<CodeEditor*>(this)->markersAtLine(line) & kBreakpointMask) != 0;
}

void CodeEditor::removeBreakpoint(int line)
{
    for (auto it = m_conditions.begin(); it != m_conditions.end();) {
        if (markerLine(it.key()) == line) {
            markerDeleteHandle(it.key());
            it = m_conditions.erase(it);
        } else {
            ++it;
        }
    }
}

void CodeEditor::setBreakpoint(int line, const QString& condition)
{
    removeBreakpoint(line);
    const QString c = condition.trimmed();
    const int handle = markerAdd(line, c.isEmpty() ? BreakpointMarker : ConditionalBreakpointMarker);
    if (handle >= 0)
        m_conditions.insert(handle, c);
    Q_EMIT breakpointsChanged();
}

void CodeEditor::toggleBreakpoint(int line)
{
    if (hasBreakpoint(line)) {
        removeBreakpoint(line);
        Q_EMIT breakpointsChanged();
    } else {
        setBreakpoint(line, {});
    }
}

void CodeEditor::editBreakpointCondition(int line)
{
    QString current;
    for (const Breakpoint& b : breakpoints())
        if (b.line == line)
            current = b.condition;
    bool ok = false;
    const QString condition = QInputDialog::getText(
        this, tr("Breakpoint condition"),
        tr("Pause at line %1 only when (e.g. count > 3, n == 41, tick >= 2; empty: always):").arg(line + 1),
        QLineEdit::Normal, current, &ok);
    if (ok)
        setBreakpoint(line, condition);
}

void CodeEditor::onMarginClicked(int margin, int line, Qt::KeyboardModifiers modifiers)
{
    if (margin == FoldMarginIndex)
        return;
    if (modifiers & Qt::ShiftModifier)
        editBreakpointCondition(line);
    else
        toggleBreakpoint(line);
}

// --- execution point --------------------------------------------------------------

void CodeEditor::setExecutionLine(int line)
{
    markerDeleteAll(ExecutionArrowMarker);
    markerDeleteAll(ExecutionLineMarker);
    m_executionLine = line;
    if (line < 0)
        return;
    markerAdd(line, ExecutionArrowMarker);
    markerAdd(line, ExecutionLineMarker);
    ensureLineVisible(line);
}

// --- navigation and completion -------------------------------------------------------

int CodeEditor::currentPosition() const { return int(const_cast<CodeEditor*>(this)->SendScintilla(SCI_GETCURRENTPOS)); }

void CodeEditor::goToLine(int line)
{
    line = std::clamp(line, 0, std::max(0, lines() - 1));
    setCursorPosition(line, 0);
    ensureLineVisible(line);
    SendScintilla(SCI_SCROLLCARET);
    setFocus();
}

bool CodeEditor::goToDefinition(int position)
{
    const auto& symbols = analysis().symbols;
    if (!symbols || position < 0)
        return false;
    const compiler::SymbolDecl* decl = symbols->definitionAt(uint32_t(position));
    if (!decl)
        return false;
    int line = 0, index = 0;
    lineIndexFromPosition(int(decl->range.begin), &line, &index);
    setCursorPosition(line, index);
    ensureLineVisible(line);
    return true;
}

QString CodeEditor::wordPrefixAtCursor() const
{
    auto* self = const_cast<CodeEditor*>(this);
    const int pos = currentPosition();
    const int start = int(self->SendScintilla(SCI_WORDSTARTPOSITION, pos, true));
    if (start >= pos)
        return {};
    QByteArray bytes(pos - start, '\0');
    self->SendScintilla(SCI_GETTEXTRANGE, start, pos, bytes.data());
    return QString::fromUtf8(bytes);
}

QStringList CodeEditor::completionCandidates(QString* prefix) const
{
    const QString p = wordPrefixAtCursor();
    if (prefix)
        *prefix = p;
    return completionsAt(analysis().symbols.get(), uint32_t(currentPosition()), p);
}

void CodeEditor::showCompletions()
{
    const QStringList candidates = completionCandidates();
    if (!candidates.isEmpty())
        showUserList(kCompletionListId, candidates);
}

void CodeEditor::onCharAdded(int ch)
{
    const bool wordChar = QChar(ch).isLetterOrNumber() || ch == '_';
    if (wordChar && !isListActive() && wordPrefixAtCursor().size() >= 2)
        showCompletions();
}

void CodeEditor::onUserListActivated(int id, const QString& text)
{
    if (id != kCompletionListId)
        return;
    const int pos = currentPosition();
    const int start = int(SendScintilla(SCI_WORDSTARTPOSITION, pos, true));
    SendScintilla(SCI_SETSEL, start, pos);
    replaceSelectedText(text);
}

void CodeEditor::mouseReleaseEvent(QMouseEvent* event)
{
    QsciScintilla::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier)) {
        const QPoint p = event->position().toPoint();
        const int pos = int(SendScintilla(SCI_POSITIONFROMPOINTCLOSE, p.x(), p.y()));
        goToDefinition(pos);
    }
}

} // namespace aeroflow::studio
