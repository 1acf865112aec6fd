#include "Source.h"

#include <algorithm>

namespace aeroflow::compiler {

SourceFile::SourceFile(std::string name, std::string text)
    : m_name(std::move(name)), m_text(std::move(text))
{
    m_lineStarts.push_back(0);
    for (uint32_t i = 0; i < m_text.size(); ++i) {
        if (m_text[i] == '\n')
            m_lineStarts.push_back(i + 1);
    }
}

SourceFile::SourceFile(std::string name, std::string text, std::vector<SourcePart> parts)
    : SourceFile(std::move(name), std::move(text))
{
    m_parts = std::move(parts);
}

uint32_t SourceFile::partOf(uint32_t offset) const
{
    if (m_parts.size() < 2)
        return 0;
    auto it = std::upper_bound(m_parts.begin(), m_parts.end(), offset,
        [](uint32_t o, const SourcePart& p) { return o < p.begin; });
    return it == m_parts.begin() ? 0 : static_cast<uint32_t>(it - m_parts.begin() - 1);
}

SourceLocation SourceFile::locate(uint32_t offset) const
{
    const LineCol lc = lineCol(offset);
    if (m_parts.empty())
        return {0, m_name, lc.line, lc.col};
    const uint32_t i = partOf(offset);
    const SourcePart& p = m_parts[i];
    return {i, p.name, lc.line >= p.firstLine ? lc.line - p.firstLine + 1 : 1, lc.col};
}

std::string SourceFile::lineLabel(uint32_t offset, uint32_t from) const
{
    const SourceLocation at = locate(offset);
    std::string out = "line " + std::to_string(at.line);
    if (at.part != partOf(from))
        out += " of " + std::string(at.name);
    return out;
}

LineCol SourceFile::lineCol(uint32_t offset) const
{
    offset = std::min<uint32_t>(offset, static_cast<uint32_t>(m_text.size()));
    auto it = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset);
    const auto line = static_cast<uint32_t>(it - m_lineStarts.begin()); // >= 1
    return {line, offset - m_lineStarts[line - 1] + 1};
}

LineCol SourceFile::lineCol(uint32_t offset, uint32_t& hint) const
{
    offset = std::min<uint32_t>(offset, static_cast<uint32_t>(m_text.size()));
    const auto lines = static_cast<uint32_t>(m_lineStarts.size());
    uint32_t line = hint >= 1 && hint <= lines ? hint : 1;
    // Walk a few lines from the hint; fall back to binary search when far.
    for (int steps = 0; steps < 8; ++steps) {
        const uint32_t begin = m_lineStarts[line - 1];
        const uint32_t end = line < lines ? m_lineStarts[line] : UINT32_MAX;
        if (offset < begin)
            --line;
        else if (offset >= end)
            ++line;
        else {
            hint = line;
            return {line, offset - begin + 1};
        }
    }
    const LineCol lc = lineCol(offset);
    hint = lc.line;
    return lc;
}

uint32_t SourceFile::lineStart(uint32_t line) const
{
    if (line == 0)
        line = 1;
    if (line > m_lineStarts.size())
        return static_cast<uint32_t>(m_text.size());
    return m_lineStarts[line - 1];
}

std::string_view SourceFile::lineText(uint32_t line) const
{
    if (line == 0 || line > m_lineStarts.size())
        return {};
    uint32_t begin = m_lineStarts[line - 1];
    uint32_t end = line < m_lineStarts.size() ? m_lineStarts[line] : static_cast<uint32_t>(m_text.size());
    while (end > begin && (m_text[end - 1] == '\n' || m_text[end - 1] == '\r'))
        --end;
    return std::string_view(m_text).substr(begin, end - begin);
}

} // namespace aeroflow::compiler
