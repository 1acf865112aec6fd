#pragma once
// The result of analysing one revision of an editor's text off the GUI
// thread: diagnostics already placed in editor coordinates, plus the
// compiler's symbol index for completion and go-to-definition.

#include "Compiler.h"

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
Analysis analyze(quint64 revision, const QString& fileName, const QByteArray& utf8, bool lower);

} // namespace aeroflow::studio

Q_DECLARE_METATYPE(aeroflow::studio::Analysis)
