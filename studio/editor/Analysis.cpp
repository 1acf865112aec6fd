#include "Analysis.h"

namespace aeroflow::studio {

Analysis analyze(quint64 revision, const QString& fileName, const QByteArray& utf8, bool lower)
{
    compiler::CompileOptions options;
    options.lower = lower;
    options.symbols = true;
    compiler::CompileResult r = compiler::compile(fileName.toStdString(), utf8.toStdString(), options);
    Analysis a;
    a.revision = revision;
    a.fileName = fileName;
    a.symbols = r.symbols;
    a.program = r.program;
    a.errorCount = int(r.errorCount);
    a.diagnostics.reserve(int(r.diagnostics.size()));
    for (const auto& d : r.diagnostics) {
        const auto b = r.file->lineCol(d.range.begin);
        // An empty range (a missing token) still gets one visible column.
        const auto e = r.file->lineCol(std::max(d.range.end, d.range.begin + 1));
        EditorDiagnostic ed;
        ed.severity = d.severity;
        ed.line = int(b.line) - 1;
        ed.index = int(b.col) - 1;
        ed.endLine = int(e.line) - 1;
        ed.endIndex = int(e.col) - 1;
        ed.message = QString::fromStdString(d.message);
        a.diagnostics.push_back(std::move(ed));
    }
    return a;
}

} // namespace aeroflow::studio
