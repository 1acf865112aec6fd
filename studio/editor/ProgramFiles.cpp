#include "ProgramFiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace aeroflow::studio {

compiler::SourceLoader diskSourceLoader(const QString& entryPath)
{
    const QString root = QFileInfo(entryPath).absolutePath();
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    return [root, canonicalRoot](const std::string& rel) -> std::expected<std::string, std::string> {
        const QFileInfo info(QDir(root).filePath(QString::fromStdString(rel)));
        if (!info.exists())
            return std::unexpected(std::string("no such file"));
        if (info.isDir())
            return std::unexpected(std::string("is a directory"));
        // The path stays in the folder; a symbolic link may not lead out of it.
        const QString real = info.canonicalFilePath();
        if (canonicalRoot.isEmpty() || !real.startsWith(canonicalRoot + QLatin1Char('/')))
            return std::unexpected(std::string("it leads outside the program's folder (through a symbolic link)"));
        if (size_t(info.size()) > compiler::ProjectLimits::kMaxFileBytes)
            return std::unexpected("the file is too large (" + std::to_string(info.size() >> 20) + " MiB; at most "
                                   + std::to_string(compiler::ProjectLimits::kMaxFileBytes >> 20) + " MiB)");
        QFile f(real);
        if (!f.open(QIODevice::ReadOnly))
            return std::unexpected("cannot read it: " + f.errorString().toStdString());
        return f.readAll().toStdString();
    };
}

compiler::CompileResult compileProgram(const QString& fileName, std::string text, const compiler::CompileOptions& options)
{
    const QFileInfo info(fileName);
    if (fileName.isEmpty() || !info.isAbsolute() || !info.isFile())
        return compiler::compile(fileName.toStdString(), std::move(text), options);
    // Named by the file's name, as a one-file program is: messages and the
    // recording's source names then read main.aefl, lib/tax.aefl.
    return compiler::compileProject(info.fileName().toStdString(), std::move(text), diskSourceLoader(fileName), options);
}

} // namespace aeroflow::studio
