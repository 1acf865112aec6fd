#include "Checker.h"

#include "Builtins.h"

#include <algorithm>

namespace aeroflow::compiler {

namespace {

std::string plural(size_t n, const char* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

SymbolKind actorSymbolKind(ActorKind k)
{
    switch (k) {
    case ActorKind::Screen: return SymbolKind::Screen;
    case ActorKind::Agent: return SymbolKind::Agent;
    default: return SymbolKind::Actor;
    }
}

const char* actorKindWord(ActorKind k)
{
    switch (k) {
    case ActorKind::Screen: return "screen";
    case ActorKind::Agent: return "agent";
    default: return "actor";
    }
}

} // namespace

Checker::Checker(const SourceFile& file, Arena& arena, Interner& names, TypeTable& types, DiagnosticSink& sink,
    SymbolIndex* symbols)
    : m_file(file), m_arena(arena), m_names(names), m_types(types), m_sink(sink), m_symbols(symbols)
{
    m_nOk = names.intern("Ok");
    m_nErr = names.intern("Err");
    m_nModel = names.intern("model");
    m_nReply = names.intern("reply");
    m_nBind = names.intern("bind");
    m_nUnderscore = names.intern("_");
}

// ------------------------------------------------------------------ scopes --

Binding* Checker::newBinding(BindingKind kind, Name name, SourceRange range, TypeId type, bool isMutable)
{
    Binding* b = m_arena.make<Binding>();
    b->kind = kind;
    b->name = name;
    b->declRange = range;
    b->type = type;
    b->isMutable = isMutable;
    b->owner = m_fn ? m_fn->fn : nullptr;
    return b;
}

int32_t Checker::addSymbol(Binding* b, SymbolKind kind, std::string detail, uint32_t visibleFrom,
    uint32_t visibleTo, int32_t container)
{
    if (!m_symbols)
        return -1;
    SymbolDecl d;
    d.name = nameText(b->name);
    d.kind = kind;
    d.range = b->declRange;
    d.visibleFrom = visibleFrom;
    d.visibleTo = visibleTo;
    d.detail = std::move(detail);
    d.container = container;
    b->symbol = m_symbols->addDecl(std::move(d));
    return b->symbol;
}

void Checker::pushScope(uint32_t end) { m_scopes.push_back({{}, end}); }

void Checker::popScope()
{
    for (Name n : m_scopes.back().names)
        m_byName[n].pop_back();
    m_scopes.pop_back();
}

// Declares `b` in the innermost scope; a second declaration of a name in the
// same scope is an error (shadowing in an inner scope is fine).
void Checker::declare(Binding* b)
{
    if (b->name >= m_byName.size())
        m_byName.resize(m_names.size() + 64);
    auto& stack = m_byName[b->name];
    Scope& scope = m_scopes.back();
    const auto depth = static_cast<uint32_t>(m_scopes.size() - 1);
    if (!stack.empty() && stack.back().scope == depth) {
        const Binding* prev = stack.back().binding;
        error(b->declRange, "'" + nameText(b->name) + "' is already declared in this scope (at "
                + m_file.lineLabel(prev->declRange.begin, b->declRange.begin) + ")");
        return;
    }
    stack.push_back({b, depth});
    scope.names.push_back(b->name);
}

Binding* Checker::lookup(Name name)
{
    if (name < m_byName.size() && !m_byName[name].empty())
        return m_byName[name].back().binding;
    return nullptr;
}

namespace {

size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1] ? 1 : 0)});
            diag = up;
        }
    }
    return row[b.size()];
}

/// The first of `candidates` nearest to `want` (edit distance up to 1 for
/// names of 3 characters or fewer, 2 otherwise), or "".
std::string closestName(std::string_view want, const std::vector<std::string_view>& candidates)
{
    std::string best;
    size_t bestD = (want.size() <= 3 ? 1 : 2) + 1;
    for (std::string_view cand : candidates) {
        if (cand.empty() || cand == want || cand.size() > want.size() + 2 || cand.size() + 2 < want.size())
            continue;
        if (const size_t d = editDistance(want, cand); d < bestD) {
            bestD = d;
            best = cand;
        }
    }
    return best;
}

} // namespace

std::string Checker::suggestAmong(std::string_view want, const std::vector<std::string_view>& candidates) const
{
    if (want.size() < 2 || m_sink.errorCount() >= kMaxSuggestions)
        return {};
    // What other languages call it: `xs.append(1)` is `xs.push(1)` here.
    static const std::pair<std::string_view, std::string_view> kSynonyms[] = {
        {"append", "push"}, {"add", "push"}, {"push_back", "push"}, {"length", "len"}, {"size", "len"},
        {"count", "len"}, {"includes", "contains"}, {"has_key", "has"}, {"indexOf", "index_of"},
        {"find", "index_of"}, {"strip", "trim"}, {"toUpperCase", "upper"}, {"toLowerCase", "lower"},
        {"sorted", "sort"}, {"reversed", "reverse"}, {"delete", "remove"}, {"erase", "remove"},
    };
    for (const auto& [alias, name] : kSynonyms)
        if (want == alias && std::find(candidates.begin(), candidates.end(), name) != candidates.end())
            return " (did you mean '" + std::string(name) + "'?)";
    const std::string best = closestName(want, candidates);
    return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

// Edit distance ≤ 2 among visible names, for "did you mean" hints.
std::string Checker::suggest(Name name)
{
    const std::string_view want = m_names.text(name);
    // The search scans every visible name: offer it for the first errors only,
    // so a file full of unknown names stays linear.
    if (want.size() < 2 || m_sink.errorCount() >= kMaxSuggestions)
        return {};
    std::vector<std::string_view> candidates;
    for (Name n = 1; n < m_byName.size(); ++n)
        if (!m_byName[n].empty())
            candidates.push_back(m_names.text(n));
    for (const auto& b : allBuiltins())
        if (b.module.empty())
            candidates.push_back(b.name);
    const std::string best = closestName(want, candidates);
    return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

// ------------------------------------------------------------ declarations --

SemanticInfo Checker::check(Module& module)
{
    m_main = module.main;
    m_byName.resize(m_names.size() + 64);
    FnContext mainCtx;
    mainCtx.fn = m_main;
    m_fn = &mainCtx;
    m_main->index = 0;
    m_info.functions.push_back(m_main);
    pushScope(static_cast<uint32_t>(m_file.text().size()));
    collect(m_main->body);

    // Top-level code, in order. Declarations were collected above; their
    // bodies are checked where they stand.
    for (Stmt* s : m_main->body->stmts) {
        m_atTopLevel = true;
        checkStmt(s);
    }
    m_atTopLevel = false;
    m_main->captures = {};
    popScope();
    m_fn = nullptr;
    return std::move(m_info);
}

// Hoists top-level functions, actors, models, imports and messages so that
// code can use them before their declaration.
void Checker::collect(Block* top)
{
    const uint32_t fileEnd = static_cast<uint32_t>(m_file.text().size());
    m_hoistedGlobals.assign(m_names.size() + 64, nullptr);
    m_messageByName.assign(m_names.size() + 64, -1);

    // Messages first: every handler name of every actor is a message constructor.
    for (Stmt* s : top->stmts) {
        if (s->kind != StmtKind::Actor)
            continue;
        auto* a = as<ActorDecl>(s);
        for (OnDecl& h : a->handlers) {
            if (h.message >= m_messageByName.size())
                m_messageByName.resize(m_names.size() + 64, -1);
            int32_t& id = m_messageByName[h.message];
            const auto arity = h.fn ? h.fn->params.size() : 0u;
            if (id < 0) {
                id = static_cast<int32_t>(m_info.messages.size());
                m_info.messages.push_back({h.message, arity, h.nameRange});
                m_messageHandler.push_back(h.fn);
                m_messageSymbol.push_back(-1);
            } else if (m_info.messages[size_t(id)].arity != arity) {
                const MessageInfo& first = m_info.messages[size_t(id)];
                error(h.nameRange, "message '" + nameText(h.message) + "' takes " + plural(arity, "argument")
                        + " here but " + plural(first.arity, "argument") + " at "
                        + m_file.lineLabel(first.firstDecl.begin, h.nameRange.begin)
                        + " (a message has one shape in the whole program)");
            }
            h.messageId = static_cast<uint32_t>(std::max(id, 0));
        }
    }

    for (Stmt* s : top->stmts) {
        switch (s->kind) {
        case StmtKind::Fn: {
            auto* fn = as<FnDecl>(s);
            fn->index = static_cast<uint32_t>(m_info.functions.size());
            m_info.functions.push_back(fn);
            Binding* b = newBinding(BindingKind::Function, fn->name, fn->nameRange, m_types.function(), false);
            b->fn = fn;
            fn->binding = b;
            addSymbol(b, SymbolKind::Function, fn->isPure ? "pure fn" : "fn", 0, fileEnd);
            declare(b);
            break;
        }
        case StmtKind::Actor: {
            auto* a = as<ActorDecl>(s);
            a->index = static_cast<uint32_t>(m_info.actors.size());
            m_info.actors.push_back(a);
            Binding* b = newBinding(BindingKind::Actor, a->name, a->nameRange, m_types.actor(a), false);
            b->actor = a;
            b->index = a->index;
            a->binding = b;
            addSymbol(b, actorSymbolKind(a->actorKind), actorKindWord(a->actorKind), 0, fileEnd);
            declare(b);
            collectActor(a);
            break;
        }
        case StmtKind::Model: {
            auto* m = as<ModelDecl>(s);
            Binding* b = newBinding(BindingKind::Model, m->name, m->nameRange, m_types.model(), false);
            b->index = static_cast<uint32_t>(m_info.models.size());
            m_info.models.push_back(m);
            m->binding = b;
            addSymbol(b, SymbolKind::Model, "model", 0, fileEnd);
            declare(b);
            break;
        }
        case StmtKind::Import:
            collectImport(as<ImportStmt>(s));
            break;
        case StmtKind::Record:
            collectRecord(as<RecordDecl>(s), fileEnd);
            break;
        case StmtKind::Let: {
            auto* let = as<LetStmt>(s);
            if (let->name < m_hoistedGlobals.size() && !m_hoistedGlobals[let->name]) {
                Binding* b = newBinding(BindingKind::Global, let->name, let->nameRange, 0, let->isMutable);
                b->owner = nullptr;
                b->index = static_cast<uint32_t>(m_info.globals.size());
                m_info.globals.push_back(b);
                m_hoistedGlobals[let->name] = b;
            }
            break;
        }
        default:
            break;
        }
    }
    resolveRecordFields();
}

void Checker::collectActor(ActorDecl* a)
{
    for (const OnDecl& h : a->handlers) {
        Binding* other = lookup(h.message);
        if (other && (other->kind == BindingKind::Actor || other->kind == BindingKind::Function
                || other->kind == BindingKind::Model))
            error(h.nameRange, "message '" + nameText(h.message) + "' has the name of "
                    + (other->kind == BindingKind::Function ? "function" : other->kind == BindingKind::Model ? "model" : "actor")
                    + " '" + nameText(h.message) + "'; rename one (a message is built by its name)");
    }
    // Methods and handlers get function indices now so that every FnDecl has
    // a dense id before any body is checked.
    for (FnDecl* m : a->methods) {
        m->index = static_cast<uint32_t>(m_info.functions.size());
        m->actor = a;
        m_info.functions.push_back(m);
    }
    for (OnDecl& h : a->handlers) {
        if (!h.fn)
            continue;
        h.fn->index = static_cast<uint32_t>(m_info.functions.size());
        h.fn->actor = a;
        m_info.functions.push_back(h.fn);
    }
    if (a->render) {
        a->render->index = static_cast<uint32_t>(m_info.functions.size());
        a->render->actor = a;
        m_info.functions.push_back(a->render);
    }
}

void Checker::collectImport(ImportStmt* s)
{
    if (s->isFile) {
        collectFileImport(s);
        return;
    }
    if (!isStandardModule(s->module)) {
        std::string list;
        for (auto m : standardModules())
            list += (list.empty() ? "" : ", ") + std::string(m);
        error(s->moduleRange, "unknown module '" + std::string(s->module) + "' (standard modules: " + list + ")");
        return;
    }
    if (std::find(m_info.imports.begin(), m_info.imports.end(), s->module) == m_info.imports.end())
        m_info.imports.push_back(s->module);
    const uint32_t fileEnd = static_cast<uint32_t>(m_file.text().size());
    const auto moduleId = static_cast<uint32_t>(
        std::find(standardModules().begin(), standardModules().end(), s->module) - standardModules().begin());
    if (s->member) {
        const std::string member = nameText(s->member);
        if (!findModuleMember(s->module, member)) {
            // A warning, not an error: programs written for a later module
            // (`from ai.tensor agent`) still check and run as long as they
            // do not use the name; a use is then an unknown name.
            m_sink.warning(s->memberRange, "module '" + std::string(s->module) + "' has no member '" + member +
                                               "': the import is ignored");
            return;
        }
        Binding* b = newBinding(BindingKind::ModuleMember, s->member, s->memberRange, 0, false);
        b->index = moduleId;
        b->member = s->member;
        s->binding = b;
        addSymbol(b, SymbolKind::Module, std::string(s->module) + "." + member, s->range.end, fileEnd);
        if (Binding* prev = lookup(s->member); prev && prev->kind == BindingKind::ModuleMember && prev->index == moduleId)
            return; // the same `from` twice is harmless
        declare(b);
        return;
    }
    // `import ai.tensor` binds the first segment? No: it binds the full dotted
    // path's last segment as in `tensor.matmul`, and also the full first name
    // (`ai`) is not a value. Keep it simple and predictable: the module is
    // reachable by its last segment.
    const std::string_view last = s->module.substr(s->module.rfind('.') == std::string_view::npos
            ? 0
            : s->module.rfind('.') + 1);
    const Name n = m_names.intern(last);
    if (n >= m_byName.size())
        m_byName.resize(m_names.size() + 64);
    if (Binding* prev = lookup(n); prev && prev->kind == BindingKind::Module && prev->index == moduleId)
        return;
    Binding* b = newBinding(BindingKind::Module, n, s->moduleRange, 0, false);
    b->index = moduleId;
    s->binding = b;
    addSymbol(b, SymbolKind::Module, "module " + std::string(s->module), s->range.end, fileEnd);
    declare(b);
}

// A file import: the files were loaded (or failed to load, reported then)
// before checking. What is left: the names of a `from` must exist there and
// be exported, and an import outside a program of files cannot be honoured.
void Checker::collectFileImport(ImportStmt* s)
{
    if (s->fileModule == -2)
        return; // could not be loaded: reported by compileProject
    if (s->fileModule < 0) {
        if (std::string why = importPathProblem(s->path); !why.empty())
            error(s->pathRange, why);
        else
            error(s->pathRange, "cannot import \"" + std::string(s->path) + "\" here: this text is compiled alone, "
                    "without access to other files (compile the program from its entry file, e.g. 'aeroflow check main.aefl')");
        return;
    }
    const auto target = static_cast<uint32_t>(s->fileModule);
    const std::string& targetPath = m_project ? m_project->files[target].path : std::string();
    for (size_t i = 0; i < s->names.size(); ++i) {
        const Name n = s->names[i];
        const std::string text = nameText(n);
        if (!text.empty() && text[0] == '_') {
            error(s->nameRanges[i], "'" + text + "' is private to " + targetPath
                    + " (names starting with '_' are not exported)");
            continue;
        }
        Binding* b = lookup(n);
        if (!b && n < m_hoistedGlobals.size())
            b = m_hoistedGlobals[n]; // a top-level `let`, declared when its statement runs
        if (!b || m_file.partOf(b->declRange.begin) != target || b->kind == BindingKind::Module
            || b->kind == BindingKind::ModuleMember || b->kind == BindingKind::Builtin) {
            // The file's own top-level names, the exported ones.
            std::vector<std::string_view> names;
            for (Name m = 1; m < m_byName.size(); ++m)
                if (!m_byName[m].empty()) {
                    const Binding* c = m_byName[m].front().binding;
                    if (m_file.partOf(c->declRange.begin) == target && c->kind != BindingKind::Module
                        && c->kind != BindingKind::ModuleMember && !m_names.text(m).starts_with("_"))
                        names.push_back(m_names.text(m));
                }
            for (Name m = 1; m < m_hoistedGlobals.size(); ++m)
                if (m_hoistedGlobals[m] && m_file.partOf(m_hoistedGlobals[m]->declRange.begin) == target
                    && !m_names.text(m).starts_with("_"))
                    names.push_back(m_names.text(m));
            error(s->nameRanges[i], targetPath + " declares no '" + text + "' at its top level"
                    + suggestAmong(text, names));
        }
    }
}

bool Checker::requireVisible(const Binding* b, SourceRange use)
{
    if (!m_project || !b || b->kind == BindingKind::Builtin)
        return true;
    const uint32_t from = m_file.partOf(use.begin);
    const uint32_t at = m_file.partOf(b->declRange.begin);
    if (from == at || from >= m_project->files.size() || at >= m_project->files.size())
        return true;
    const ProjectScopes::File& user = m_project->files[from];
    const std::string name = nameText(b->name);
    if (b->kind == BindingKind::Module || b->kind == BindingKind::ModuleMember) {
        // Standard modules are bound once for the program; each file imports them for itself.
        const std::string module(standardModules()[b->index]);
        if (std::find(user.standardImports.begin(), user.standardImports.end(), module) != user.standardImports.end())
            return true;
        error(use, b->kind == BindingKind::Module
                ? "module '" + module + "' is not imported in this file; add 'import " + module + "' at its top"
                : "'" + name + "' is not imported in this file; add 'from " + module + " import " + name + "' at its top");
        return false;
    }
    // Scopes are lexical and no block spans two files, so a binding of
    // another file found here is one of its top-level declarations.
    const ProjectScopes::Sees sees = user.sees[at];
    if (sees == ProjectScopes::Sees::Everything)
        return true;
    const std::string& target = m_project->files[at].path;
    std::string rel = relativeImportPath(user.path, target);
    if (sees == ProjectScopes::Sees::Listed) {
        const auto& listed = user.listed[at];
        if (std::find(listed.begin(), listed.end(), b->name) != listed.end())
            return true;
        error(use, "'" + name + "' is declared in " + target + " but not imported from it; add it to 'from \"" + rel
                + "\" import ...'");
        return false;
    }
    error(use, "'" + name + "' is declared in " + target + ", which this file does not import; add 'import \"" + rel
            + "\"' (or 'from \"" + rel + "\" import " + name + "') at its top");
    return false;
}

// Resolves a name in an expression. Records the reference for the IDE and,
// for names of enclosing functions, the capture.
Binding* Checker::resolveName(Name name, SourceRange range, IdentExpr* ident)
{
    Binding* b = lookup(name);
    if (b && !requireVisible(b, range))
        return b;
    if (!b && m_fn && m_fn->fn != m_main && name < m_hoistedGlobals.size()) {
        b = m_hoistedGlobals[name]; // functions and actors may read later top-level `let`s
        if (b && !requireVisible(b, range))
            return b;
        // Its type is not known yet: remember the read (checkGlobalReadEarly).
        if (b && std::none_of(m_earlyGlobalReads.begin(), m_earlyGlobalReads.end(),
                [&](const auto& r) { return r.first == b; }))
            m_earlyGlobalReads.emplace_back(b, range);
    }
    if (!b)
        return nullptr;
    if (m_symbols && b->symbol >= 0)
        m_symbols->addRef(range, b->symbol);

    if (b->kind == BindingKind::Global && b->isMutable && m_fn && m_fn->fn != m_main) {
        error(range, "'" + nameText(name) + "' is a mutable variable of the main program; functions and actors "
                "cannot access it (pass it as an argument or send it in a message)");
        return b;
    }
    if ((b->kind == BindingKind::Local || b->kind == BindingKind::Param) && m_fn && b->owner && b->owner != m_fn->fn) {
        // A name of an enclosing function: capture it by value.
        if (b->isMutable) {
            error(range, "nested function cannot capture mutable variable '" + nameText(name)
                    + "' (it is copied into the function; use 'let' or pass it as an argument)");
            return b;
        }
        // Every function between the owner and here captures it.
        std::vector<FnContext*> chain;
        for (FnContext* c = m_fn; c && c->fn != b->owner; c = c->parent)
            chain.push_back(c);
        int32_t index = -1;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            auto& caps = (*it)->captures;
            auto found = std::find(caps.begin(), caps.end(), b);
            if (found == caps.end()) {
                caps.push_back(b);
                found = caps.end() - 1;
            }
            index = static_cast<int32_t>(found - caps.begin());
        }
        if (ident)
            ident->captureIndex = index;
    }
    return b;
}

// --------------------------------------------------------------- functions --

void Checker::checkFunction(FnDecl* fn, ActorDecl* actor)
{
    FnContext ctx;
    ctx.fn = fn;
    ctx.actor = actor;
    ctx.parent = m_fn;
    ctx.scopeBase = m_scopes.size();
    if (fn->enclosing && !actor)
        ctx.actor = m_fn->actor; // a nested fn runs in its enclosing function's actor
    fn->actor = ctx.actor;
    const Signature sig = signature(fn);
    ctx.returnType = sig.ret;
    ctx.hasReturnType = sig.hasRet;
    if (fn->isPure && fn->uses)
        error(fn->usesRange, "a pure function cannot declare 'uses' (it may not touch the outside world)");
    if (fn->fnKind == FnKind::Handler && fn->isPure)
        error(fn->nameRange, "handlers cannot be pure");

    const bool wasTop = m_atTopLevel;
    m_atTopLevel = false;
    FnContext* saved = m_fn;
    m_fn = &ctx;
    pushScope(fn->body ? fn->body->range.end : fn->range.end);
    const uint32_t bodyBegin = fn->body ? fn->body->range.begin : fn->range.begin;
    const uint32_t bodyEnd = fn->body ? fn->body->range.end : fn->range.end;
    for (uint32_t i = 0; i < fn->params.size(); ++i) {
        Param& p = fn->params[i];
        const TypeId t = sig.params[i];
        if (fn->fnKind == FnKind::Handler && p.typeAnn && m_types.holdsFunction(t))
            error(p.typeAnn->range, "handler parameter '" + nameText(p.name) + "' cannot be " + typeName(t)
                    + ": functions cannot cross actors, so messages cannot carry them");
        Binding* b = newBinding(BindingKind::Param, p.name, p.range, t, false);
        p.binding = b;
        addSymbol(b, SymbolKind::Parameter, typeName(t), bodyBegin, bodyEnd);
        declare(b);
    }
    if (fn->body)
        checkBlock(fn->body, false);
    popScope();
    m_fn = saved;
    m_atTopLevel = wasTop;

    fn->captures = m_arena.copy(ctx.captures);
    if (fn->isLambda)
        fn->resultType = ctx.hasReturnType ? ctx.returnType
            : ctx.anyReturn && !ctx.mixedReturns && fn->body && alwaysReturns(fn->body) ? ctx.returned
                                                                                      : TypeTable::kAny;
    if (ctx.hasReturnType && m_types.kind(ctx.returnType) != TypeKind::Nil && fn->body && !alwaysReturns(fn->body))
        error(fn->nameRange, "function '" + nameText(fn->name) + "' must return a value of type "
                + typeName(ctx.returnType) + " on every path");
}

const Checker::Signature& Checker::signature(FnDecl* fn)
{
    if (fn->index >= m_sigs.size())
        m_sigs.resize(m_info.functions.size() + 16);
    Signature& sig = m_sigs[fn->index];
    if (sig.done)
        return sig;
    sig.done = true;
    std::vector<TypeId> params;
    for (Param& p : fn->params)
        params.push_back(p.typeAnn ? resolveType(p.typeAnn) : TypeTable::kAny);
    TypeId ret = 0;
    if (fn->returnAnn)
        ret = resolveType(fn->returnAnn);
    Signature& again = m_sigs[fn->index]; // resolveType does not grow m_sigs, but stay safe
    again.params = std::move(params);
    again.ret = ret;
    again.hasRet = fn->returnAnn != nullptr;
    return again;
}

bool Checker::alwaysReturns(const Stmt* s) const
{
    if (!s)
        return false;
    switch (s->kind) {
    case StmtKind::Return:
        return true;
    case StmtKind::Block: {
        const auto* b = as<Block>(s);
        return !b->stmts.empty() && alwaysReturns(b->stmts[b->stmts.size() - 1]);
    }
    case StmtKind::If: {
        const auto* i = as<IfStmt>(s);
        return i->otherwise && alwaysReturns(i->then) && alwaysReturns(i->otherwise);
    }
    case StmtKind::Expr: {
        // A match whose every arm returns.
        const Expr* e = as<ExprStmt>(s)->expr;
        if (e->kind != ExprKind::Match)
            return false;
        const auto* m = as<MatchExpr>(e);
        if (m->arms.empty())
            return false;
        for (const MatchArm& arm : m->arms)
            if (!arm.body || !alwaysReturns(arm.body))
                return false;
        return true;
    }
    default:
        return false;
    }
}

void Checker::checkActor(ActorDecl* a)
{
    const int32_t container = a->binding ? a->binding->symbol : -1;
    pushScope(a->range.end);
    // State initialisers run inside the new actor when it is spawned.
    FnDecl* init = m_arena.make<FnDecl>();
    init->kind = StmtKind::Fn;
    init->fnKind = FnKind::Init;
    init->name = m_names.intern("<init>");
    init->range = a->range;
    init->actor = a;
    FnContext initCtx;
    initCtx.fn = init;
    initCtx.actor = a;
    initCtx.parent = m_fn;
    // State fields: visible in the whole body.
    for (uint32_t i = 0; i < a->state.size(); ++i) {
        StateDecl& sd = a->state[i];
        TypeId t = sd.typeAnn ? resolveType(sd.typeAnn) : TypeTable::kAny;
        if (sd.init) {
            FnContext* saved = m_fn;
            m_fn = &initCtx;
            const TypeId it = checkExpr(sd.init);
            m_fn = saved;
            if (!sd.typeAnn)
                t = m_types.kind(it) == TypeKind::Nil ? TypeTable::kAny : it;
            else if (!m_types.assignable(t, it))
                error(sd.init->range, "field '" + nameText(sd.name) + "' is declared " + typeName(t)
                        + " but initialised with " + typeName(it));
            else
                keepEffects(t, it, sd.init, "field '" + nameText(sd.name) + "'",
                    "declare it '" + nameText(sd.name) + ": " + typeName(it) + "'");
        }
        Binding* b = newBinding(BindingKind::State, sd.name, sd.nameRange, t, sd.isMutable);
        b->index = i;
        b->actor = a;
        b->owner = nullptr;
        sd.binding = b;
        addSymbol(b, sd.isMutable ? SymbolKind::StateField : SymbolKind::Constant, typeName(t), a->range.begin,
            a->range.end, container);
        declare(b);
    }
    if (a->actorKind == ActorKind::Agent && !a->modelName.empty()) {
        Binding* b = newBinding(BindingKind::AgentModel, m_nModel, a->modelRange, m_types.model(), false);
        b->actor = a;
        b->owner = nullptr;
        declare(b);
    }
    for (FnDecl* m : a->methods) {
        Binding* b = newBinding(BindingKind::Function, m->name, m->nameRange, m_types.function(), false);
        b->fn = m;
        b->actor = a;
        b->owner = nullptr;
        m->binding = b;
        addSymbol(b, SymbolKind::Method, m->isPure ? "pure fn" : "fn", a->range.begin, a->range.end, container);
        declare(b);
    }
    std::vector<bool> handled(m_info.messages.size(), false);
    for (OnDecl& h : a->handlers) {
        if (m_symbols) {
            SymbolDecl d;
            d.name = nameText(h.message);
            d.kind = SymbolKind::Handler;
            d.range = h.nameRange;
            d.visibleFrom = d.visibleTo = 0;
            d.detail = "on " + d.name + (h.fn && !h.fn->params.empty() ? "(" + plural(h.fn->params.size(), "arg") + ")" : "");
            d.container = container;
            const int32_t sym = m_symbols->addDecl(std::move(d));
            if (h.messageId < m_messageSymbol.size() && m_messageSymbol[h.messageId] < 0)
                m_messageSymbol[h.messageId] = sym;
        }
        if (h.messageId < handled.size()) {
            if (handled[h.messageId])
                error(h.nameRange, std::string(actorKindWord(a->actorKind)) + " '" + nameText(a->name)
                        + "' already handles '" + nameText(h.message) + "'");
            handled[h.messageId] = true;
        }
        checkNoticeHandler(h);
    }
    for (FnDecl* m : a->methods)
        checkFunction(m, a);
    for (OnDecl& h : a->handlers)
        if (h.fn)
            checkFunction(h.fn, a);
    if (a->render) {
        if (a->actorKind == ActorKind::Actor)
            error(a->render->nameRange, "only screens and agents have a render block; actors print or emit");
        checkFunction(a->render, a);
    }
    if (a->actorKind == ActorKind::Screen && !a->render)
        error(a->nameRange, "screen '" + nameText(a->name) + "' needs a render block");
    popScope();
}

// --------------------------------------------------------------- statements --

void Checker::checkBlock(Block* b, bool newScope)
{
    if (newScope)
        pushScope(b->range.end);
    for (Stmt* s : b->stmts)
        checkStmt(s);
    if (newScope)
        popScope();
}

void Checker::checkCondition(Expr* cond, const char* what)
{
    const TypeId t = checkExpr(cond);
    if (t != TypeTable::kAny && m_types.kind(t) != TypeKind::Bool)
        error(cond->range, std::string(what) + " must be a bool, found " + typeName(t));
}

void Checker::checkStmt(Stmt* s)
{
    const bool topLevel = m_atTopLevel;
    m_atTopLevel = false; // nested statements are not "top level"
    switch (s->kind) {
    case StmtKind::Let:
        m_atTopLevel = topLevel;
        checkLet(as<LetStmt>(s));
        break;
    case StmtKind::Assign:
        m_atTopLevel = topLevel;
        checkAssign(as<AssignStmt>(s));
        break;
    case StmtKind::Expr:
        checkExpr(as<ExprStmt>(s)->expr);
        break;
    case StmtKind::If: {
        auto* i = as<IfStmt>(s);
        checkCondition(i->cond, "the condition of 'if'");
        checkBlock(i->then);
        if (i->otherwise)
            checkStmt(i->otherwise);
        break;
    }
    case StmtKind::While: {
        auto* w = as<WhileStmt>(s);
        checkCondition(w->cond, "the condition of 'while'");
        ++m_fn->loopDepth;
        checkBlock(w->body);
        --m_fn->loopDepth;
        break;
    }
    case StmtKind::For:
        checkFor(as<ForStmt>(s));
        break;
    case StmtKind::Return:
        checkReturn(as<ReturnStmt>(s));
        break;
    case StmtKind::Break:
    case StmtKind::Continue:
        if (m_fn->loopDepth == 0)
            error(s->range, std::string(s->kind == StmtKind::Break ? "'break'" : "'continue'") + " outside a loop");
        break;
    case StmtKind::Render: {
        auto* r = as<RenderStmt>(s);
        if (inPure())
            error(s->range, "a pure function cannot render");
        checkExpr(r->value);
        break;
    }
    case StmtKind::Block:
        checkBlock(as<Block>(s));
        break;
    case StmtKind::Fn: {
        auto* fn = as<FnDecl>(s);
        if (m_fn->fn != m_main || !fn->binding) {
            // A nested function: declared in the current scope, visible to its
            // own body (recursion) and to what follows.
            fn->index = static_cast<uint32_t>(m_info.functions.size());
            fn->enclosing = m_fn->fn;
            m_info.functions.push_back(fn);
            Binding* b = newBinding(BindingKind::Function, fn->name, fn->nameRange, m_types.function(), false);
            b->fn = fn;
            fn->binding = b;
            addSymbol(b, SymbolKind::Function, fn->isPure ? "pure fn" : "fn", fn->range.begin,
                m_scopes.back().end);
            declare(b);
        }
        checkFunction(fn, nullptr);
        break;
    }
    case StmtKind::Actor:
        checkActor(as<ActorDecl>(s));
        break;
    case StmtKind::Model: {
        auto* m = as<ModelDecl>(s);
        if (m->input)
            resolveType(m->input);
        if (m->output)
            resolveType(m->output);
        if (!m->input || !m->output)
            error(m->nameRange, "model '" + nameText(m->name) + "' needs both 'input' and 'output' types");
        break;
    }
    case StmtKind::Import:
        break; // collected up front
    case StmtKind::Record:
        checkRecordDecl(as<RecordDecl>(s));
        break;
    }
    m_atTopLevel = topLevel;
}

void Checker::checkLet(LetStmt* s)
{
    TypeId declared = s->typeAnn ? resolveType(s->typeAnn) : TypeTable::kAny;
    const TypeId init = s->init ? checkExpr(s->init) : TypeTable::kAny;
    if (s->typeAnn && s->init && !m_types.assignable(declared, init))
        error(s->init->range, "cannot initialise '" + nameText(s->name) + "' of type " + typeName(declared)
                + " with a value of type " + typeName(init));
    else if (s->typeAnn && s->init)
        keepEffects(declared, init, s->init, "'" + nameText(s->name) + "'",
            "declare it '" + nameText(s->name) + ": " + typeName(init) + "'");
    TypeId type = s->typeAnn ? declared : init;
    if (!s->typeAnn && m_types.kind(init) == TypeKind::Nil) {
        if (!s->isMutable)
            m_sink.warning(s->init->range, "'" + nameText(s->name) + "' is always nil");
        type = TypeTable::kAny; // `mut x = nil`: a value comes later, of any type
    }

    const bool global = m_fn->fn == m_main && m_atTopLevel;
    Binding* b = nullptr;
    if (global) {
        b = s->name < m_hoistedGlobals.size() ? m_hoistedGlobals[s->name] : nullptr;
        if (!b || b->declRange.begin != s->nameRange.begin) {
            // A second top-level `let` of the same name: a new global slot.
            b = newBinding(BindingKind::Global, s->name, s->nameRange, type, s->isMutable);
            b->index = static_cast<uint32_t>(m_info.globals.size());
            m_info.globals.push_back(b);
        }
        b->owner = nullptr;
        b->type = type;
        b->isMutable = s->isMutable;
        checkGlobalReadEarly(b, type);
    } else {
        b = newBinding(BindingKind::Local, s->name, s->nameRange, type, s->isMutable);
    }
    s->binding = b;
    // `let f = fn(x) => ...` (or a function's name): calls through f are checked like direct ones.
    b->fn = s->isMutable ? nullptr : evidentFunction(s->init);
    addSymbol(b, global ? SymbolKind::Global : (s->isMutable ? SymbolKind::Variable : SymbolKind::Constant),
        (s->isMutable ? "mut " : "let ") + typeName(type), s->range.end, m_scopes.back().end);
    declare(b);
}

bool Checker::isAssignablePlace(Expr* e, std::string& why)
{
    switch (e->kind) {
    case ExprKind::Ident: {
        auto* id = as<IdentExpr>(e);
        Binding* b = id->binding;
        if (!b)
            return true; // already reported
        const std::string n = "'" + nameText(id->name) + "'";
        switch (b->kind) {
        case BindingKind::Local:
        case BindingKind::Global:
            if (b->isMutable)
                return true;
            if (b->origin == 1) {
                why = "cannot assign to loop variable " + n + " (copy it into a 'mut' variable first)";
                return false;
            }
            if (b->origin == 2) {
                why = "cannot assign to pattern variable " + n + ": match bindings are immutable";
                return false;
            }
            why = "cannot assign to " + n + ": it is declared with 'let' (use 'mut' to make it assignable)";
            return false;
        case BindingKind::State:
            if (!b->isMutable) {
                why = "cannot assign to field " + n + ": it is declared with 'let' (use 'state' for a field that changes)";
                return false;
            }
            if (inPure()) {
                why = "a pure function cannot change state field " + n;
                return false;
            }
            return true;
        case BindingKind::Param:
            why = "cannot assign to parameter " + n + " (copy it into a 'mut' variable first)";
            return false;
        case BindingKind::Function: why = "cannot assign to function " + n; return false;
        case BindingKind::Actor: why = "cannot assign to actor type " + n; return false;
        case BindingKind::Message: why = "cannot assign to message " + n; return false;
        case BindingKind::Builtin: why = "cannot assign to builtin " + n; return false;
        case BindingKind::Record: why = "cannot assign to record type " + n; return false;
        default: why = "cannot assign to " + n; return false;
        }
    }
    case ExprKind::Index:
        return isAssignablePlace(as<IndexExpr>(e)->object, why);
    case ExprKind::Field: {
        auto* f = as<FieldExpr>(e);
        if (f->moduleMember >= 0) {
            why = "cannot assign to a module member";
            return false;
        }
        if (f->object->kind == ExprKind::Self)
            return true; // `self.x = ...`: checkField has said to write `x`
        return isAssignablePlace(f->object, why);
    }
    case ExprKind::Error:
        return true;
    default:
        why = "cannot assign to this expression";
        return false;
    }
}

void Checker::checkAssign(AssignStmt* s)
{
    // Top-level `name = expr` declares `name` when it is not declared yet
    // (the published examples write `z = 5`). Such bindings are mutable.
    if (s->target->kind == ExprKind::Ident && s->op == AssignOp::Set && m_fn->fn == m_main && m_atTopLevel) {
        auto* id = as<IdentExpr>(s->target);
        if (!lookup(id->name)) {
            const TypeId t = checkExpr(s->value);
            Binding* b = newBinding(BindingKind::Global, id->name, id->range, t, true);
            b->owner = nullptr;
            b->index = static_cast<uint32_t>(m_info.globals.size());
            m_info.globals.push_back(b);
            addSymbol(b, SymbolKind::Global, "mut " + typeName(t), s->range.end, m_scopes.back().end);
            declare(b);
            id->binding = b;
            id->type = t;
            if (m_symbols && b->symbol >= 0)
                m_symbols->addRef(id->range, b->symbol);
            return;
        }
    }
    // An identifier target is resolved as a place: assigning to an actor type,
    // builtin or module reports the assignment error only.
    const TypeId target = s->target->kind == ExprKind::Ident ? checkIdent(as<IdentExpr>(s->target), true)
                                                            : checkExpr(s->target);
    s->target->type = target;
    const TypeId value = checkExpr(s->value);
    std::string why;
    if (!isAssignablePlace(s->target, why)) {
        error(s->target->range, why);
        return;
    }
    const bool recordField = s->target->kind == ExprKind::Field
        && m_types.kind(as<FieldExpr>(s->target)->object->type) == TypeKind::Record;
    const std::string what = s->target->kind == ExprKind::Ident
        ? "'" + nameText(as<IdentExpr>(s->target)->name) + "'"
        : recordField ? "field '" + nameText(as<FieldExpr>(s->target)->field) + "'"
                      : "this element";
    if (s->op == AssignOp::Set) {
        if (!m_types.assignable(target, value))
            error(s->value->range, "cannot assign a value of type " + typeName(value) + " to " + what + " of type "
                    + typeName(target));
        else
            keepEffects(target, value, s->value, what,
                s->target->kind == ExprKind::Ident ? "declare it with the type " + typeName(value)
                                                   : "declare the collection with elements of type " + typeName(value));
        return;
    }
    // Compound assignment: the operation's operand rules apply.
    const bool numeric = (target == TypeTable::kAny || m_types.isNumeric(target))
        && (value == TypeTable::kAny || m_types.isNumeric(value));
    const TypeKind vk = m_types.kind(value);
    const bool concat = s->op == AssignOp::Add && m_types.kind(target) == TypeKind::String
        && (vk == TypeKind::String || vk == TypeKind::Int || vk == TypeKind::Float || vk == TypeKind::Bool
            || vk == TypeKind::Nil || vk == TypeKind::Any);
    const bool listAppend = s->op == AssignOp::Add && m_types.kind(target) == TypeKind::List
        && (value == TypeTable::kAny || m_types.kind(value) == TypeKind::List);
    if (!numeric && !concat && !listAppend)
        error(s->range, "compound assignment needs numbers (or a string/list on the left of '+='), found "
                + typeName(target) + " and " + typeName(value));
    else if (listAppend)
        keepEffects(target, value, s->value, what, "declare it with the type " + typeName(value));
    else if (m_types.kind(target) == TypeKind::Int && m_types.kind(value) == TypeKind::Float)
        error(s->value->range, "cannot store a float result in int variable; convert with int()");
}

void Checker::checkFor(ForStmt* s)
{
    TypeId elem = TypeTable::kAny;
    TypeId value = TypeTable::kAny;
    const TypeId it = checkExpr(s->iterable);
    switch (m_types.kind(it)) {
    case TypeKind::Any: break;
    case TypeKind::List: elem = m_types.get(it).arg0; break;
    case TypeKind::Map:
        elem = m_types.get(it).arg0;
        value = m_types.get(it).arg1;
        break;
    case TypeKind::Set: elem = m_types.get(it).arg0; break;
    case TypeKind::String: elem = m_types.string(); break;
    case TypeKind::Tensor: elem = m_types.floating(); break;
    default:
        error(s->iterable->range, "cannot iterate over a value of type " + typeName(it)
                + (m_types.kind(it) == TypeKind::Int ? " (did you mean range(n)?)" : ""));
    }
    const TypeKind ik = m_types.kind(it);
    if (s->value && ik != TypeKind::Any && ik != TypeKind::Map) {
        error(s->valueRange, "'for " + nameText(s->var) + ", " + nameText(s->value)
                + " in ...' needs a map (its keys and values), found " + typeName(it)
                + (ik == TypeKind::List ? " (for index and element, use 'for pair in enumerate(xs)')" : ""));
    }
    pushScope(s->body->range.end);
    Binding* b = newBinding(BindingKind::Local, s->var, s->varRange, elem, false);
    b->origin = 1;
    s->binding = b;
    addSymbol(b, SymbolKind::Constant, typeName(elem), s->body->range.begin, s->body->range.end);
    declare(b);
    if (s->value) {
        Binding* v = newBinding(BindingKind::Local, s->value, s->valueRange, value, false);
        v->origin = 1;
        s->valueBinding = v;
        addSymbol(v, SymbolKind::Constant, typeName(value), s->body->range.begin, s->body->range.end);
        declare(v);
    }
    ++m_fn->loopDepth;
    checkBlock(s->body);
    --m_fn->loopDepth;
    popScope();
}

void Checker::checkReturn(ReturnStmt* s)
{
    const FnKind kind = m_fn->fn->fnKind;
    if (kind == FnKind::Main) {
        error(s->range, "'return' outside a function");
        return;
    }
    const TypeId t = s->value ? checkExpr(s->value) : m_types.nil();
    if (m_fn->fn->isLambda) {
        // The lambda's result type, when every return agrees (ints and floats as float).
        const TypeId joined = m_fn->anyReturn ? m_types.join(m_fn->returned, t) : t;
        if (m_fn->anyReturn && joined == TypeTable::kAny && t != TypeTable::kAny)
            m_fn->mixedReturns = true;
        m_fn->returned = joined;
        m_fn->anyReturn = true;
    }
    if (kind == FnKind::Handler && s->value) {
        error(s->value->range, "a handler cannot return a value; use emit(value) to reply to the sender");
        return;
    }
    if (m_fn->hasReturnType && !m_types.assignable(m_fn->returnType, t))
        error(s->value ? s->value->range : s->range, "function '" + nameText(m_fn->fn->name) + "' returns "
                + typeName(m_fn->returnType) + ", not " + typeName(t));
    else if (s->value)
        keepEffects(m_fn->hasReturnType ? m_fn->returnType : TypeTable::kAny, t, s->value,
            "the result of '" + nameText(m_fn->fn->name) + "'", "declare '-> " + typeName(t) + "'");
}

TypeId Checker::resolveType(TypeExpr* t)
{
    const std::string n = nameText(t->name);
    auto argCount = [&](size_t want) {
        if (t->args.size() != want && !t->args.empty()) {
            error(t->range, "type '" + n + "' takes " + plural(want, "type argument") + ", found "
                    + std::to_string(t->args.size()));
            return false;
        }
        return true;
    };
    auto arg = [&](uint32_t i) { return i < t->args.size() ? resolveType(t->args[i]) : TypeTable::kAny; };
    auto noArgs = [&](TypeId id) {
        if (!t->args.empty())
            error(t->range, "type '" + n + "' takes no type arguments");
        return id;
    };
    if (n == "int" || n == "Int")
        return noArgs(m_types.integer());
    if (n == "float" || n == "Float")
        return noArgs(m_types.floating());
    if (n == "bool" || n == "Bool")
        return noArgs(m_types.boolean());
    if (n == "string" || n == "String")
        return noArgs(m_types.string());
    if (n == "nil" || n == "Nil")
        return noArgs(m_types.nil());
    if (n == "any" || n == "Any")
        return noArgs(TypeTable::kAny);
    if (n == "tensor" || n == "Tensor")
        return noArgs(m_types.tensor());
    if (n == "message" || n == "Message")
        return noArgs(m_types.message());
    if (n == "actor" || n == "Actor")
        return noArgs(m_types.anyActor());
    if (n == "list" || n == "List")
        return argCount(1) ? m_types.list(arg(0)) : m_types.list(TypeTable::kAny);
    if (n == "map" || n == "Map") {
        if (!argCount(2))
            return m_types.map(TypeTable::kAny, TypeTable::kAny);
        const TypeId key = arg(0);
        if (!t->args.empty() && !checkKeyType(key, t->args[0]->range, "map key"))
            return m_types.map(TypeTable::kAny, arg(1));
        return m_types.map(key, arg(1));
    }
    if (n == "set" || n == "Set") {
        if (!argCount(1))
            return m_types.set(TypeTable::kAny);
        const TypeId elem = arg(0);
        if (!t->args.empty() && !checkKeyType(elem, t->args[0]->range, "set element"))
            return m_types.set(TypeTable::kAny);
        return m_types.set(elem);
    }
    if (n == "Result" || n == "result")
        return argCount(2) ? m_types.result(arg(0), arg(1)) : m_types.result(TypeTable::kAny, TypeTable::kAny);
    if (n == "function" || n == "Function") {
        // `function[env, io]`: a function value whose calls may use those
        // effects. An actor of that name keeps it.
        Binding* b = lookup(t->name);
        if (!b || b->kind != BindingKind::Actor) {
            EffectSet effects = 0;
            for (TypeExpr* a : t->args) {
                const std::string e = nameText(a->name);
                if (!a->args.empty())
                    error(a->range, "an effect takes no type arguments");
                if (e == "env")
                    effects |= EffectSet(Effect::Env);
                else if (e == "io")
                    effects |= EffectSet(Effect::Io);
                else if (e == "http" || e == "net")
                    effects |= EffectSet(Effect::Http);
                else if (e == "clock")
                    effects |= EffectSet(Effect::Clock);
                else
                    error(a->range, "unknown effect '" + e + "' in a function type (expected env, io, http or clock)");
            }
            return m_types.function(effects);
        }
    }
    if (Binding* b = lookup(t->name)) {
        requireVisible(b, t->range);
        if (m_symbols && b->symbol >= 0)
            m_symbols->addRef(t->range, b->symbol);
        if (b->kind == BindingKind::Actor)
            return noArgs(m_types.actor(b->actor));
        if (b->kind == BindingKind::Model)
            return noArgs(m_types.model());
        if (b->kind == BindingKind::Record)
            return noArgs(m_types.record(b->record));
    }
    error(t->range, "unknown type '" + n + "'");
    return TypeTable::kAny;
}

} // namespace aeroflow::compiler
