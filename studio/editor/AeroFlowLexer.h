#pragma once
// QScintilla lexer for AeroFlow: styles text with AeroFlowScanner (keywords
// from the compiler's token table) and sets fold levels from brace depth.
// Restyling starts at a line start; the state a line ends in is kept in
// Scintilla's per-line state so block comments spanning lines stay correct.

#include "AeroFlowScanner.h"

#include <Qsci/qscilexercustom.h>

namespace aeroflow::studio {

struct Theme;

class AeroFlowLexer : public QsciLexerCustom {
    Q_OBJECT
public:
    explicit AeroFlowLexer(QObject* parent = nullptr);

    const char* language() const override { return "AeroFlow"; }
    QString description(int style) const override;
    void styleText(int start, int end) override;
    const char* wordCharacters() const override { return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"; }
    const char* blockStartKeyword(int* style = nullptr) const override;
    const char* blockStart(int* style = nullptr) const override;
    const char* blockEnd(int* style = nullptr) const override;
    int braceStyle() const override { return int(TokenStyle::Operator); }

    /// Colours and fonts of every style from the theme.
    void applyTheme(const Theme& theme);

private:
    static ScanState unpackState(int packed);
    static int packState(const ScanState& s);
};

} // namespace aeroflow::studio
