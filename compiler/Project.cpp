#include "Project.h"

#include "Checker.h"
#include "Lowering.h"
#include "Parser.h"

#include <algorithm>
#include <charconv>

namespace aeroflow::compiler {

// ------------------------------------------------------------------ paths --

namespace {

constexpr std::string_view kBundleMagic = "#!aeroflow-bundle 1\n";

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view dirOf(std::string_view path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1);
}

std::vector<std::string_view> segments(std::string_view path)
{
    std::vector<std::string_view> out;
    size_t at = 0;
    while (at <= path.size()) {
        size_t slash = path.find('/', at);
        if (slash == std::string_view::npos)
            slash = path.size();
        out.push_back(path.substr(at, slash - at));
        at = slash + 1;
    }
    return out;
}

/// A bundle's file path: normalised and relative (what resolveImportPath gives).
bool isNormalisedPath(std::string_view path)
{
    if (path.empty() || path.size() > 4096)
        return false;
    for (char c : path)
        if (c == '\0' || c == '\n' || c == '\\')
            return false;
    for (std::string_view seg : segments(path))
        if (seg.empty() || seg == "." || seg == "..")
            return false;
    return true;
}

std::string bytesText(size_t n)
{
    return n >= (size_t(1) << 20) ? std::to_string(n >> 20) + " MiB" : std::to_string(n) + " bytes";
}

} // namespace

std::string importPathProblem(std::string_view path)
{
    if (path.empty())
        return "an import path is empty (write the file to import, such as \"./orders.aefl\")";
    if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos)
        return "an import path separates folders with '/' (such as \"./lib/orders.aefl\")";
    if (path[0] == '/')
        return "an import path is relative to the importing file, not absolute (such as \"./orders.aefl\")";
    if (!path.starts_with("./") && !path.starts_with("../"))
        return "an import path starts with './' or '../' (write \"./" + std::string(path)
            + "\"; a standard module is imported without quotes: import math)";
    if (!endsWith(path, ".aefl") && !endsWith(path, ".af"))
        return "an import names an AeroFlow source file ending in .aefl or .af";
    for (std::string_view seg : segments(path))
        if (seg.empty())
            return "an import path has an empty folder name ('//')";
    return {};
}

std::expected<std::string, std::string> resolveImportPath(std::string_view from, std::string_view path)
{
    std::vector<std::string_view> parts = segments(dirOf(from));
    if (!parts.empty() && parts.back().empty())
        parts.pop_back();
    for (std::string_view seg : segments(path)) {
        if (seg == "." || seg.empty())
            continue;
        if (seg == "..") {
            if (parts.empty())
                return std::unexpected("\"" + std::string(path) + "\" is outside the program's folder (the folder of "
                    "its entry file); a program imports only files in that folder and below it");
            parts.pop_back();
            continue;
        }
        parts.push_back(seg);
    }
    std::string out;
    for (std::string_view seg : parts)
        out += (out.empty() ? "" : "/") + std::string(seg);
    return out;
}

std::string sourceDirectory(std::string_view entryName) { return std::string(dirOf(entryName)); }

std::string relativeImportPath(std::string_view from, std::string_view to)
{
    std::vector<std::string_view> a = segments(dirOf(from)), b = segments(to);
    if (!a.empty() && a.back().empty())
        a.pop_back();
    size_t common = 0;
    while (common < a.size() && common + 1 < b.size() && a[common] == b[common])
        ++common;
    std::string out = common == a.size() ? "./" : "";
    for (size_t i = common; i < a.size(); ++i)
        out += "../";
    for (size_t i = common; i < b.size(); ++i)
        out += std::string(b[i]) + (i + 1 < b.size() ? "/" : "");
    return out;
}

// ----------------------------------------------------------------- bundle --
//
// "#!aeroflow-bundle 1\n", then per file: its path, '\n', its length in
// decimal, '\n', its bytes, '\n'. The first line is a comment to the lexer,
// so no single source file is mistaken for a bundle by accident.

bool isSourceBundle(std::string_view text) { return text.starts_with(kBundleMagic); }

std::string encodeSourceBundle(const std::vector<BundleFile>& files)
{
    std::string out(kBundleMagic);
    for (const BundleFile& f : files) {
        out += f.path;
        out += '\n';
        out += std::to_string(f.text.size());
        out += '\n';
        out += f.text;
        out += '\n';
    }
    return out;
}

std::expected<std::vector<BundleFile>, std::string> decodeSourceBundle(std::string_view text)
{
    if (!isSourceBundle(text))
        return std::unexpected("not a bundle of source files");
    std::vector<BundleFile> files;
    size_t at = kBundleMagic.size(), total = 0;
    while (at < text.size()) {
        const size_t pathEnd = text.find('\n', at);
        if (pathEnd == std::string_view::npos)
            return std::unexpected("bundle of source files: truncated path");
        BundleFile f;
        f.path = std::string(text.substr(at, pathEnd - at));
        if (!isNormalisedPath(f.path))
            return std::unexpected("bundle of source files: bad path '" + f.path.substr(0, 200) + "'");
        const size_t lenEnd = text.find('\n', pathEnd + 1);
        if (lenEnd == std::string_view::npos || lenEnd == pathEnd + 1 || lenEnd - pathEnd > 12)
            return std::unexpected("bundle of source files: bad length of '" + f.path + "'");
        size_t len = 0;
        const auto [end, ec] = std::from_chars(text.data() + pathEnd + 1, text.data() + lenEnd, len);
        if (ec != std::errc() || end != text.data() + lenEnd || len > ProjectLimits::kMaxFileBytes)
            return std::unexpected("bundle of source files: bad length of '" + f.path + "'");
        const size_t body = lenEnd + 1;
        if (text.size() - body < len + 1 || text[body + len] != '\n')
            return std::unexpected("bundle of source files: '" + f.path + "' is truncated");
        total += len;
        if (files.size() >= ProjectLimits::kMaxFiles || total > ProjectLimits::kMaxTotalBytes)
            return std::unexpected("bundle of source files: too many or too large files");
        for (const BundleFile& g : files)
            if (g.path == f.path)
                return std::unexpected("bundle of source files: '" + f.path + "' twice");
        f.text = std::string(text.substr(body, len));
        files.push_back(std::move(f));
        at = body + len + 1;
    }
    if (files.empty())
        return std::unexpected("bundle of source files: no files");
    return files;
}

// ---------------------------------------------------------------- loading --

namespace {

/// One file import as the discovery parse saw it.
struct Edge {
    std::string written;   ///< the path as written
    SourceRange range;     ///< of the string, relative to its own file
    int32_t target = -1;   ///< imported unit; -1 when it was not loaded
    std::string error;     ///< why not (empty: a path the checker reports)
};

struct Unit {
    std::string path;      ///< normalised, relative to the entry's folder
    std::string text;
    std::vector<Edge> imports;
    SourcePart part;
};

/// Finds every file of a program from its entry, depth first, in import order.
class Discovery {
public:
    explicit Discovery(const SourceLoader& loader) : m_loader(loader) {}

    std::vector<Unit> units;
    std::vector<uint32_t> order; ///< post-order: every file after the files it imports

    void visit(uint32_t u)
    {
        m_stack.push_back(u);
        units[u].imports = scan(units[u].path, units[u].text);
        for (size_t i = 0; i < units[u].imports.size(); ++i) {
            Edge e = units[u].imports[i];
            link(u, e);
            units[u].imports[i] = e;
            if (e.target == int32_t(units.size()) - 1 && e.error.empty() && !m_visited[size_t(e.target)]) {
                m_visited[size_t(e.target)] = true;
                visit(uint32_t(e.target));
            }
        }
        m_stack.pop_back();
        order.push_back(u);
    }

    void start(Unit entry)
    {
        m_total = entry.text.size();
        units.push_back(std::move(entry));
        m_visited.push_back(true);
        visit(0);
    }

private:
    /// The file imports of a text, by a parse of its own (its errors are
    /// reported by the real parse later).
    static std::vector<Edge> scan(const std::string& path, const std::string& text)
    {
        SourceFile file(path, text);
        Arena arena;
        Interner names;
        DiagnosticSink sink;
        const Module m = parseSource(file, arena, names, sink);
        std::vector<Edge> out;
        for (const Stmt* s : m.main->body->stmts)
            if (s->kind == StmtKind::Import && as<ImportStmt>(s)->isFile) {
                const auto* imp = as<ImportStmt>(s);
                out.push_back({std::string(imp->path), imp->pathRange, -1, {}});
            }
        return out;
    }

    void link(uint32_t from, Edge& e)
    {
        if (!importPathProblem(e.written).empty())
            return; // the checker says what is wrong with the path
        auto resolved = resolveImportPath(units[from].path, e.written);
        if (!resolved) {
            e.error = resolved.error();
            return;
        }
        for (size_t t = 0; t < units.size(); ++t) {
            if (units[t].path != *resolved)
                continue;
            const auto onStack = std::find(m_stack.begin(), m_stack.end(), uint32_t(t));
            if (onStack != m_stack.end()) {
                std::string chain;
                for (auto it = onStack; it != m_stack.end(); ++it)
                    chain += units[*it].path + " -> ";
                e.error = "import cycle: " + chain + units[t].path
                    + " (files cannot import each other in a circle; move what they share into a file both import)";
                return;
            }
            e.target = int32_t(t);
            return;
        }
        if (units.size() >= ProjectLimits::kMaxFiles) {
            e.error = "too many files in this program (at most " + std::to_string(ProjectLimits::kMaxFiles) + ")";
            return;
        }
        auto text = m_loader ? m_loader(*resolved) : std::unexpected(std::string("no file access"));
        if (!text) {
            e.error = "cannot import \"" + e.written + "\" (" + *resolved + "): " + text.error();
            return;
        }
        if (text->size() > ProjectLimits::kMaxFileBytes) {
            e.error = "cannot import \"" + e.written + "\": the file is too large (" + bytesText(text->size())
                + "; at most " + bytesText(ProjectLimits::kMaxFileBytes) + ")";
            return;
        }
        m_total += text->size();
        if (m_total > ProjectLimits::kMaxTotalBytes) {
            e.error = "cannot import \"" + e.written + "\": the program's files are too large together (at most "
                + bytesText(ProjectLimits::kMaxTotalBytes) + ")";
            return;
        }
        Unit unit;
        unit.path = *resolved;
        unit.text = std::move(*text);
        units.push_back(std::move(unit));
        m_visited.push_back(false);
        e.target = int32_t(units.size()) - 1;
    }

    const SourceLoader& m_loader;
    std::vector<uint32_t> m_stack;
    std::vector<bool> m_visited;
    size_t m_total = 0;
};

} // namespace

// -------------------------------------------------------------- compiling --

// Defined in Compiler.cpp: runs `job` on a thread with a stack sized for
// the deepest tree; and the compilation of one file, on the current stack.
CompileResult compileOnBigStack(const std::function<CompileResult()>& job);
CompileResult compileSingle(std::string name, std::string text, const CompileOptions& options);

namespace {

CompileResult compileUnits(const std::string& name, Discovery& d, const CompileOptions& options)
{
    std::vector<Unit>& units = d.units;
    const std::string dir(dirOf(name));

    // One text: the files one after the other, each from a line of its own.
    std::string combined;
    std::vector<SourcePart> parts;
    uint32_t line = 1;
    for (Unit& u : units) {
        u.part.name = dir + u.path;
        u.part.begin = static_cast<uint32_t>(combined.size());
        u.part.firstLine = line;
        combined += u.text;
        u.part.end = static_cast<uint32_t>(combined.size());
        if (combined.empty() || combined.back() != '\n')
            combined += '\n';
        line += static_cast<uint32_t>(std::count(u.text.begin(), u.text.end(), '\n'))
            + (u.text.empty() || u.text.back() != '\n' ? 1 : 0);
        parts.push_back(u.part);
    }
    CompileResult result;
    auto file = std::make_shared<SourceFile>(name, std::move(combined), parts);
    result.file = file;

    Arena arena;
    Interner names;
    TypeTable types;
    DiagnosticSink sink;
    auto symbols = options.symbols ? std::make_shared<SymbolIndex>() : nullptr;

    // Parse each file; its private names are its own (the entry's need not be: nothing imports it).
    std::vector<Module> modules;
    ProjectScopes scopes;
    for (uint32_t i = 0; i < units.size(); ++i) {
        const Unit& u = units[i];
        SourceRange range{u.part.begin, u.part.end};
        if (u.text.starts_with("\xEF\xBB\xBF"))
            range.begin += 3;
        modules.push_back(parseSourcePart(*file, range, i, arena, names, sink));
        ProjectScopes::File f;
        f.path = u.path;
        f.sees.assign(units.size(), ProjectScopes::Sees::Nothing);
        f.listed.resize(units.size());
        size_t k = 0;
        for (Stmt* s : modules.back().main->body->stmts) {
            if (s->kind != StmtKind::Import)
                continue;
            auto* imp = as<ImportStmt>(s);
            if (!imp->isFile) {
                f.standardImports.emplace_back(imp->module);
                continue;
            }
            if (k >= u.imports.size())
                continue; // cannot happen: the same text parses the same
            const Edge& e = u.imports[k++];
            if (!e.error.empty()) {
                imp->fileModule = -2;
                sink.error(imp->pathRange, e.error);
                continue;
            }
            imp->fileModule = e.target;
            if (e.target < 0)
                continue;
            auto& sees = f.sees[size_t(e.target)];
            if (imp->names.empty())
                sees = ProjectScopes::Sees::Everything;
            else if (sees != ProjectScopes::Sees::Everything) {
                sees = ProjectScopes::Sees::Listed;
                for (Name n : imp->names)
                    f.listed[size_t(e.target)].push_back(n);
            }
        }
        scopes.files.push_back(std::move(f));
    }

    // One program: the top-level code of every file, each file after the
    // files it imports (each once), the entry file last.
    FnDecl* main = modules[0].main;
    main->range = {0, static_cast<uint32_t>(file->text().size())};
    std::vector<Stmt*> stmts;
    for (uint32_t u : d.order)
        for (Stmt* s : modules[u].main->body->stmts)
            stmts.push_back(s);
    main->body->stmts = arena.copy(stmts);
    main->body->range = main->range;
    Module program{main};

    Checker checker(*file, arena, names, types, sink, symbols.get());
    checker.setProject(&scopes);
    SemanticInfo info = checker.check(program);

    std::vector<BundleFile> bundle;
    for (const Unit& u : units)
        bundle.push_back({u.path, u.text});
    result.bundle = encodeSourceBundle(bundle);

    if (!sink.hasErrors() && options.lower) {
        std::unique_ptr<Program> lowered = lower(program, info, types, names, *file, sink);
        if (lowered && !sink.hasErrors()) {
            lowered->programHash = fnv1a64(result.bundle);
            for (const Unit& u : units) {
                const uint32_t lines = static_cast<uint32_t>(std::count(u.text.begin(), u.text.end(), '\n'))
                    + (u.text.empty() || u.text.back() != '\n' ? 1 : 0);
                lowered->files.push_back({u.part.name, u.part.firstLine, lines});
            }
            result.program = std::move(lowered);
        }
    }
    result.errorCount = sink.errorCount();
    result.diagnostics = sink.take();
    sortByPosition(result.diagnostics);
    result.symbols = std::move(symbols);
    return result;
}

std::string baseName(const std::string& name)
{
    const size_t slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

} // namespace

/// compileProject on the current stack; `entryPath` is the entry's path in
/// the program's folder (its base name).
CompileResult compileProjectHere(std::string name, std::string entryPath, std::string text, const SourceLoader& loader,
    const CompileOptions& options)
{
    Unit entry;
    entry.path = isNormalisedPath(entryPath) ? std::move(entryPath) : std::string("main.aefl");
    entry.text = std::move(text);
    Discovery d(loader);
    d.start(std::move(entry));
    if (d.units.size() == 1 && d.units[0].imports.empty())
        return compileSingle(std::move(name), std::move(d.units[0].text), options); // exactly compile()
    return compileUnits(name, d, options);
}

CompileResult compileBundleHere(std::string name, std::string_view bundle, const CompileOptions& options)
{
    auto files = decodeSourceBundle(bundle);
    if (!files) {
        CompileResult result;
        result.file = std::make_shared<SourceFile>(std::move(name), std::string());
        result.diagnostics.push_back({Severity::Error, {}, files.error()});
        result.errorCount = 1;
        return result;
    }
    std::string entryText = std::move((*files)[0].text);
    std::string entryPath = (*files)[0].path;
    auto loader = [&](const std::string& path) -> std::expected<std::string, std::string> {
        for (const BundleFile& f : *files)
            if (f.path == path)
                return f.text;
        return std::unexpected(std::string("not in the program's stored files"));
    };
    return compileProjectHere(std::move(name), std::move(entryPath), std::move(entryText), loader, options);
}

CompileResult compileProjectAt(std::string name, std::string pathInProject, std::string text,
    const SourceLoader& loader, const CompileOptions& options)
{
    return compileOnBigStack([&]() {
        return compileProjectHere(std::move(name), std::move(pathInProject), std::move(text), loader, options);
    });
}

CompileResult compileProject(std::string name, std::string text, const SourceLoader& loader,
    const CompileOptions& options)
{
    return compileOnBigStack([&]() {
        std::string entryPath = baseName(name);
        return compileProjectHere(std::move(name), std::move(entryPath), std::move(text), loader, options);
    });
}

} // namespace aeroflow::compiler
