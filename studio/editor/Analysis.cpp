#include "Analysis.h"

#include "ProgramFiles.h"

namespace aeroflow::studio {

namespace {

Analysis convert(quint64 revision, const QString& fileName, const compiler::CompileResult& r);

} // namespace

Analysis analyze(quint64 revision, const QString& fileName, const QByteArray& utf8, bool lower,
                 const QString& entryPath)
{
    compiler::CompileOptions options;
    options.lower = lower;
    options.symbols = true;
    const compiler::CompileResult r = entryPath.isEmpty()
        ? compiler::compile(fileName.toStdString(), utf8.toStdString(), options)
        : compileProgram(entryPath, utf8.toStdString(), options);
    return convert(revision, fileName, r);
}

Analysis analyzeWith(quint64 revision, const QString& fileName, const QByteArray& utf8, bool lower,
                     const AnalysisSources& sources)
{
    compiler::CompileOptions options;
    options.lower = lower;
    options.symbols = true;
    const compiler::CompileResult r = compiler::compileProjectAt(fileName.toStdString(), sources.pathInProject,
                                                                 utf8.toStdString(), sources.loader, options);
    return convert(revision, fileName, r);
}

namespace {

Analysis convert(quint64 revision, const QString& fileName, const compiler::CompileResult& r)
{
    Analysis a;
    a.revision = revision;
    a.fileName = fileName;
    a.symbols = r.symbols;
    a.program = r.program;
    a.errorCount = int(r.errorCount);
    a.diagnostics.reserve(int(r.diagnostics.size()));
    // A program of several files: this text is the first; the others' own
    // diagnostics are summed up at the top (their files show them when open).
    int elsewhere = 0;
    QString first;
    for (const auto& d : r.diagnostics) {
        if (r.file->partOf(d.range.begin) != 0) {
            if (d.severity == compiler::Severity::Error && elsewhere++ == 0) {
                const compiler::SourceLocation at = r.file->locate(d.range.begin);
                first = QStringLiteral("%1:%2: %3").arg(QString::fromStdString(std::string(at.name))).arg(at.line)
                            .arg(QString::fromStdString(d.message));
            }
            continue;
        }
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
    if (elsewhere > 0) {
        EditorDiagnostic ed;
        ed.endIndex = 1;
        ed.message = QStringLiteral("%1 error(s) in the files this program imports; the first: %2").arg(elsewhere).arg(first);
        a.diagnostics.prepend(std::move(ed));
    }
    return a;
}

} // namespace

} // namespace aeroflow::studio
