#include "AeroFlowLexer.h"

#include "theme/Theme.h"

#include <Qsci/qsciscintilla.h>

namespace aeroflow::studio {

AeroFlowLexer::AeroFlowLexer(QObject* parent) : QsciLexerCustom(parent) {}

QString AeroFlowLexer::description(int style) const
{
    if (style < 0 || style >= int(TokenStyle::Count))
        return {};
    return QString::fromLatin1(tokenStyleName(TokenStyle(style)));
}

const char* AeroFlowLexer::blockStartKeyword(int* style) const
{
    if (style)
        *style = int(TokenStyle::Keyword);
    return nullptr;
}

const char* AeroFlowLexer::blockStart(int* style) const
{
    // Auto-indent (QsciScintilla::AiOpening/AiClosing) indents after `{`.
    if (style)
        *style = int(TokenStyle::Operator);
    return "{";
}

const char* AeroFlowLexer::blockEnd(int* style) const
{
    if (style)
        *style = int(TokenStyle::Operator);
    return "}";
}

// Line state layout: bit 0 = inside a block comment, bits 4.. = brace depth.
// A pending `actor`/`on` name does not cross lines: declarations name on one line.
ScanState AeroFlowLexer::unpackState(int packed)
{
    ScanState s;
    s.inBlockComment = packed & 1;
    s.braceDepth = packed >> 4;
    return s;
}

int AeroFlowLexer::packState(const ScanState& s) { return (s.inBlockComment ? 1 : 0) | (std::max(0, s.braceDepth) << 4); }

void AeroFlowLexer::styleText(int start, int end)
{
    QsciScintilla* ed = editor();
    if (!ed || end <= start)
        return;
    // Always restart at a line start, in the state the previous line ended in.
    int line = int(ed->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, start));
    const int lastLine = int(ed->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, end));
    ScanState state;
    if (line > 0)
        state = unpackState(int(ed->SendScintilla(QsciScintillaBase::SCI_GETLINESTATE, line - 1)));
    const int from = int(ed->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, line));
    const int to = int(ed->SendScintilla(QsciScintillaBase::SCI_GETLINEENDPOSITION, lastLine));
    const int docEnd = int(ed->SendScintilla(QsciScintillaBase::SCI_GETLENGTH));
    const int stop = std::min(docEnd, to + 2); // take the line terminator along
    QByteArray bytes(stop - from, '\0');
    if (stop > from)
        ed->SendScintilla(QsciScintillaBase::SCI_GETTEXTRANGE, from, stop, bytes.data());

    startStyling(from);
    int lineBegin = 0;
    while (lineBegin < bytes.size() && line <= lastLine) {
        int lineEnd = bytes.indexOf('\n', lineBegin);
        lineEnd = lineEnd < 0 ? int(bytes.size()) : lineEnd + 1;
        const std::string_view text(bytes.constData() + lineBegin, size_t(lineEnd - lineBegin));
        const ScannedLine scanned = scanLine(text, state);
        for (const ScannedToken& t : scanned.tokens)
            setStyling(int(t.length), int(t.style));
        int level = QsciScintillaBase::SC_FOLDLEVELBASE + std::max(0, scanned.depthAtStart);
        if (scanned.opensFold)
            level |= QsciScintillaBase::SC_FOLDLEVELHEADERFLAG;
        ed->SendScintilla(QsciScintillaBase::SCI_SETFOLDLEVEL, line, level);
        ed->SendScintilla(QsciScintillaBase::SCI_SETLINESTATE, line, packState(scanned.end));
        state = scanned.end;
        lineBegin = lineEnd;
        ++line;
    }
}

void AeroFlowLexer::applyTheme(const Theme& theme)
{
    QFont font(theme.editorFont, theme.editorFontSize);
    font.setStyleHint(QFont::Monospace);
    const QColor paper = theme.color(QStringLiteral("paper"), theme.palette.color(QPalette::Base));
    setDefaultPaper(paper);
    setDefaultFont(font);
    setDefaultColor(theme.color(QStringLiteral("text"), theme.palette.color(QPalette::Text)));
    for (int s = 0; s < int(TokenStyle::Count); ++s) {
        const TextStyle ts = theme.style(QString::fromLatin1(tokenStyleName(TokenStyle(s))));
        QFont f = font;
        f.setBold(ts.bold);
        f.setItalic(ts.italic);
        f.setUnderline(ts.underline);
        setFont(f, s);
        setColor(ts.color, s);
        setPaper(paper, s);
    }
    // Scintilla's STYLE_DEFAULT (32) and line numbers (33) follow the paper too.
    setPaper(paper, QsciScintillaBase::STYLE_DEFAULT);
    setPaper(theme.color(QStringLiteral("marginBack"), paper), QsciScintillaBase::STYLE_LINENUMBER);
    setColor(theme.color(QStringLiteral("marginText"), Qt::gray), QsciScintillaBase::STYLE_LINENUMBER);
}

} // namespace aeroflow::studio
