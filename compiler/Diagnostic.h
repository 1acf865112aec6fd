#pragma once
// Diagnostics are values collected in a sink; the front end never aborts on
// user errors (STYLE.md, after clox/Wren).

#include "Source.h"

#include <string>
#include <vector>

namespace aeroflow::compiler {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
    Severity severity = Severity::Error;
    SourceRange range;
    std::string message;
};

/// Collects diagnostics in the order they are reported. Not thread-safe; one
/// sink per compilation.
class DiagnosticSink {
public:
    void error(SourceRange range, std::string message);
    void warning(SourceRange range, std::string message);
    void note(SourceRange range, std::string message);

    const std::vector<Diagnostic>& diagnostics() const { return m_diags; }
    std::vector<Diagnostic> take() { return std::move(m_diags); }
    size_t errorCount() const { return m_errors; }
    bool hasErrors() const { return m_errors > 0; }

    /// Stop recording errors after this many (later ones are counted but dropped,
    /// so a pathological input cannot produce gigabytes of messages).
    static constexpr size_t kMaxErrors = 200;

private:
    std::vector<Diagnostic> m_diags;
    size_t m_errors = 0;
};

/// `FILE:LINE:COL: error: message`, then the source line and a caret line
/// (`^~~~` under the range), the way gcc and clang print them.
std::string formatDiagnostic(const SourceFile& file, const Diagnostic& d, bool withSnippet = true);

/// Sorted by position (stable for equal positions).
void sortByPosition(std::vector<Diagnostic>& diags);

const char* severityName(Severity s);

} // namespace aeroflow::compiler
