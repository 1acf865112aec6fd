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

/// One file of a program made of several files (Project.h): its display
/// name and the byte range and first line it occupies in the combined text.
struct SourcePart {
    std::string name;
    uint32_t begin = 0;
    uint32_t end = 0;
    uint32_t firstLine = 1;
};

/// A position as the user sees it: the file it is in and the line and
/// column within that file.
struct SourceLocation {
    uint32_t part = 0;     ///< index in SourceFile::parts(); 0 for a single file
    std::string_view name; ///< the file's display name
    uint32_t line = 1;
    uint32_t col = 1;
};

/// One source file: its display name and its text. Owns the text.
///
/// A program of several files is compiled as one SourceFile whose text is the
/// files one after the other, each starting on a line of its own, with one
/// part per file. Offsets and lines (lineCol) then count in the combined
/// text; locate() turns them back into a file, line and column.
class SourceFile {
public:
    SourceFile(std::string name, std::string text);
    /// A combined text; `parts` cover it in order, each beginning at a line start.
    SourceFile(std::string name, std::string text, std::vector<SourcePart> parts);

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

    /// The files of a combined text; empty for a single file.
    const std::vector<SourcePart>& parts() const { return m_parts; }
    /// Index of the part holding `offset` (0 for a single file).
    uint32_t partOf(uint32_t offset) const;
    /// File, line and column of a byte offset.
    SourceLocation locate(uint32_t offset) const;
    /// "line N" of `offset`, or "line N of FILE" when `offset` is in another
    /// file than `from` (for messages that point at a second place).
    std::string lineLabel(uint32_t offset, uint32_t from) const;

private:
    std::string m_name;
    std::vector<SourcePart> m_parts;
    std::string m_text;
    std::vector<uint32_t> m_lineStarts;
};

} // namespace aeroflow::compiler
