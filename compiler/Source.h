#pragma once
// Source text and positions. Positions are byte offsets; line/column are
// computed on demand so that the lexer and parser stay cheap.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aeroflow::compiler {

/// A half-open byte range [begin, end) in one source file.
struct SourceRange {
    uint32_t begin = 0;
    uint32_t end = 0;
    bool operator==(const SourceRange&) const = default;
};

/// Merge two ranges into the smallest range that covers both.
inline SourceRange cover(SourceRange a, SourceRange b)
{
    return {a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
}

/// 1-based line and column; the column counts bytes (as gcc and clang do).
struct LineCol {
    uint32_t line = 1;
    uint32_t col = 1;
};

/// One source file: its display name and its text. Owns the text.
class SourceFile {
public:
    SourceFile(std::string name, std::string text);

    const std::string& name() const { return m_name; }
    std::string_view text() const { return m_text; }

    /// Line and column of a byte offset (offsets past the end clamp to the end).
    LineCol lineCol(uint32_t offset) const;
    /// The same, starting the search at line `hint` (1-based) and updating it:
    /// O(1) when offsets arrive nearly in order, as they do in code generation.
    LineCol lineCol(uint32_t offset, uint32_t& hint) const;
    /// The text of a 1-based line without its line terminator.
    std::string_view lineText(uint32_t line) const;
    uint32_t lineCount() const { return static_cast<uint32_t>(m_lineStarts.size()); }
    /// Byte offset of the start of a 1-based line (clamped).
    uint32_t lineStart(uint32_t line) const;

private:
    std::string m_name;
    std::string m_text;
    std::vector<uint32_t> m_lineStarts;
};

} // namespace aeroflow::compiler
