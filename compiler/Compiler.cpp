#include "Compiler.h"

#include "Checker.h"
#include "Lowering.h"
#include "Parser.h"
#include "Project.h"

#include <exception>
#include <functional>
#if !defined(__wasm__)
#include <pthread.h>
#endif

namespace aeroflow::compiler {

std::string_view CompileResult::programSource() const
{
    if (!bundle.empty())
        return bundle;
    return file ? file->text() : std::string_view();
}

std::string CompileResult::formatDiagnostics(bool withSnippets) const
{
    std::string out;
    for (const Diagnostic& d : diagnostics)
        out += formatDiagnostic(*file, d, withSnippets);
    return out;
}

namespace {

/// The Checker and Lowering recurse over the tree, whose depth the parser
/// bounds (Parser::kMaxDepth levels, a chain counting 8 operators a level).
/// How much stack that takes depends on the build (sanitizer builds use
/// several times more per frame: a 1,350-operator `.a[0]()` chain from the
/// fuzz corpus overflowed 8 MiB under ASan) and callers' threads may have
/// small stacks. So compile() runs on a thread of its own with a stack sized
/// for the worst tree; pages that are not touched cost nothing.
constexpr size_t kCompileStackBytes = size_t(64) << 20;

} // namespace

// Project.cpp: a bundle of several files, compiled on the current stack.
CompileResult compileBundleHere(std::string name, std::string_view bundle, const CompileOptions& options);

CompileResult compileSingle(std::string name, std::string text, const CompileOptions& options)
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

namespace {

CompileResult compileHere(std::string name, std::string text, const CompileOptions& options)
{
    if (isSourceBundle(text))
        return compileBundleHere(std::move(name), text, options);
    return compileSingle(std::move(name), std::move(text), options);
}

} // namespace

CompileResult compile(std::string name, std::string text, const CompileOptions& options)
{
    return compileOnBigStack([&]() { return compileHere(std::move(name), std::move(text), options); });
}

CompileResult compileOnBigStack(const std::function<CompileResult()>& work)
{
#if defined(__wasm__)
    // WASI has no threads (the AOT runtime's compiler runs on its own stack).
    return work();
#else
    struct Job {
        const std::function<CompileResult()>* work;
        CompileResult result;
        std::exception_ptr error;
    } job{&work, {}, nullptr};
    pthread_attr_t attr;
    pthread_t thread;
    bool started = false;
    if (pthread_attr_init(&attr) == 0) {
        started = pthread_attr_setstacksize(&attr, kCompileStackBytes) == 0
            && pthread_create(&thread, &attr, [](void* p) -> void* {
                   auto* j = static_cast<Job*>(p);
                   try {
                       j->result = (*j->work)();
                   } catch (...) {
                       j->error = std::current_exception();
                   }
                   return nullptr;
               }, &job) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!started) // no thread to be had: compile here, on the caller's stack
        return work();
    pthread_join(thread, nullptr);
    if (job.error)
        std::rethrow_exception(job.error);
    return std::move(job.result);
#endif
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
