#include "Diagnostic.h"

#include <algorithm>

namespace aeroflow::compiler {

void DiagnosticSink::error(SourceRange range, std::string message)
{
    ++m_errors;
    if (m_errors <= kMaxErrors)
        m_diags.push_back({Severity::Error, range, std::move(message)});
}

void DiagnosticSink::warning(SourceRange range, std::string message)
{
    if (m_diags.size() < 4 * kMaxErrors)
        m_diags.push_back({Severity::Warning, range, std::move(message)});
}

void DiagnosticSink::note(SourceRange range, std::string message)
{
    if (m_diags.size() < 4 * kMaxErrors)
        m_diags.push_back({Severity::Note, range, std::move(message)});
}

const char* severityName(Severity s)
{
    switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
    }
    return "error";
}

std::string formatDiagnostic(const SourceFile& file, const Diagnostic& d, bool withSnippet)
{
    const LineCol lc = file.lineCol(d.range.begin);
    const SourceLocation at = file.locate(d.range.begin);
    std::string out = std::string(at.name) + ":" + std::to_string(at.line) + ":" + std::to_string(at.col) + ": "
        + severityName(d.severity) + ": " + d.message + "\n";
    if (!withSnippet)
        return out;
    const std::string_view line = file.lineText(lc.line);
    out += "  ";
    out += line;
    out += "\n  ";
    // Keep tabs in the caret line so the caret lines up under tab-indented code.
    const uint32_t caretCol = lc.col - 1;
    for (uint32_t i = 0; i < caretCol && i < line.size(); ++i)
        out += line[i] == '\t' ? '\t' : ' ';
    out += '^';
    uint32_t len = d.range.end > d.range.begin ? d.range.end - d.range.begin : 1;
    // The underline stops at the end of the first line of the range.
    const uint32_t room = line.size() > caretCol ? static_cast<uint32_t>(line.size()) - caretCol : 1;
    len = std::min(len, std::max<uint32_t>(room, 1));
    for (uint32_t i = 1; i < len; ++i)
        out += '~';
    out += '\n';
    return out;
}

void sortByPosition(std::vector<Diagnostic>& diags)
{
    std::stable_sort(diags.begin(), diags.end(),
        [](const Diagnostic& a, const Diagnostic& b) { return a.range.begin < b.range.begin; });
}

} // namespace aeroflow::compiler
