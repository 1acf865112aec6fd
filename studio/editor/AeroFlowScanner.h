#pragma once
// Classifies AeroFlow source text for highlighting, one line at a time, with
// the state that crosses lines (an open block comment, the brace depth for
// folding). Qt-free and incremental: the editor restyles from any line start
// given the state the previous line ended in. Keywords come from the
// compiler's token table, builtins from its builtin table, so the colours
// never disagree with the language.

#include <cstdint>
#include <string_view>
#include <vector>

namespace aeroflow::studio {

/// Highlighting categories; the numbers are the editor's style numbers.
enum class TokenStyle : uint8_t {
    Default = 0,
    Comment,
    Keyword,
    String,
    Number,
    Operator,
    Identifier,
    TypeName,    ///< an actor, screen, agent or model name where it is declared, or spawned
    HandlerName, ///< a message name after `on`
    FunctionName,///< a function name after `fn`
    Builtin,     ///< print, send, spawn targets …
    Error,       ///< an unterminated string
    Count
};

const char* tokenStyleName(TokenStyle style);

/// What a line ends in; the next line starts from it.
struct ScanState {
    bool inBlockComment = false;
    int32_t braceDepth = 0; ///< unclosed `{` before this point
    /// The previous significant word asks to name the next identifier
    /// (`actor X`, `on X`, `fn X`): kept across lines only for robustness.
    TokenStyle nameNext = TokenStyle::Default;
    bool operator==(const ScanState&) const = default;
};

struct ScannedToken {
    uint32_t begin = 0;  ///< byte offset in the line
    uint32_t length = 0;
    TokenStyle style = TokenStyle::Default;
};

struct ScannedLine {
    std::vector<ScannedToken> tokens; ///< cover the whole line, in order
    ScanState end;                    ///< state after the line
    int32_t depthAtStart = 0;         ///< brace depth at the line's start (fold level)
    bool opensFold = false;           ///< more `{` than `}` on the line
};

/// Scans one line (without its terminator, or with it: '\r' and '\n' are
/// styled Default) starting in `state`.
ScannedLine scanLine(std::string_view line, ScanState state);

/// True for global builtins (print, len, …) and module names (math, …).
bool isBuiltinName(std::string_view word);

} // namespace aeroflow::studio
