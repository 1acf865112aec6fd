#pragma once
// The result of analysing one revision of an editor's text off the GUI
// thread: diagnostics already placed in editor coordinates, plus the
// compiler's symbol index for completion and go-to-definition.

#include "Compiler.h"
#include "Project.h"

#include <QMetaType>
#include <QString>
#include <QVector>

#include <memory>

namespace aeroflow::studio {

struct EditorDiagnostic {
    compiler::Severity severity = compiler::Severity::Error;
    int line = 0;      ///< 0-based, as QScintilla counts
    int index = 0;     ///< 0-based byte index in the line (QScintilla's "index")
    int endLine = 0;
    int endIndex = 0;
    QString message;
};

struct Analysis {
    quint64 revision = 0;
    QString fileName;
    QVector<EditorDiagnostic> diagnostics;
    std::shared_ptr<const compiler::SymbolIndex> symbols;
    std::shared_ptr<const compiler::Program> program; ///< null when it did not compile
    int errorCount = 0;
};

/// Compiles `utf8` (named `fileName`) and converts the result. Pure; any thread.
/// `entryPath` (may be empty): the file on disk the text belongs to; the files
/// it imports are then read beside it (ProgramFiles.h), and diagnostics in
/// them are summed up in one diagnostic on the first line.
Analysis analyze(quint64 revision, const QString& fileName, const QByteArray& utf8, bool lower,
                 const QString& entryPath = {});

/// Where a text's imports come from when it is not a file on disk (a
/// recorded program's file): a loader and the file's path in its program.
struct AnalysisSources {
    compiler::SourceLoader loader;
    std::string pathInProject;
};
/// analyze() with the imports read through `sources`.
Analysis analyzeWith(quint64 revision, const QString& fileName, const QByteArray& utf8, bool lower,
                     const AnalysisSources& sources);

} // namespace aeroflow::studio

Q_DECLARE_METATYPE(aeroflow::studio::Analysis)
