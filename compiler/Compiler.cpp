#include "Compiler.h"

#include "Checker.h"
#include "Lowering.h"
#include "Parser.h"

namespace aeroflow::compiler {

std::string CompileResult::formatDiagnostics(bool withSnippets) const
{
    std::string out;
    for (const Diagnostic& d : diagnostics)
        out += formatDiagnostic(*file, d, withSnippets);
    return out;
}

CompileResult compile(std::string name, std::string text, const CompileOptions& options)
{
    CompileResult result;
    auto file = std::make_shared<SourceFile>(std::move(name), std::move(text));
    result.file = file;

    Arena arena;
    Interner names;
    TypeTable types;
    DiagnosticSink sink;
    auto symbols = options.symbols ? std::make_shared<SymbolIndex>() : nullptr;

    Module module = parseSource(*file, arena, names, sink);
    Checker checker(*file, arena, names, types, sink, symbols.get());
    SemanticInfo info = checker.check(module);

    if (!sink.hasErrors() && options.lower) {
        std::unique_ptr<Program> program = lower(module, info, types, names, *file, sink);
        if (program && !sink.hasErrors())
            result.program = std::move(program);
    }
    result.errorCount = sink.errorCount();
    result.diagnostics = sink.take();
    sortByPosition(result.diagnostics);
    result.symbols = std::move(symbols);
    return result;
}

bool isSourceFileName(const std::string& path)
{
    auto endsWith = [&](const char* ext) {
        const std::string e(ext);
        return path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
    };
    return endsWith(".aefl") || endsWith(".af");
}

} // namespace aeroflow::compiler
