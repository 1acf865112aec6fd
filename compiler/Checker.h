#pragma once
// Semantic analysis: names and scopes, types, mutability, effects and purity,
// and the determinism rules. Annotates the AST in place for Lowering and
// fills a SymbolIndex for the IDE. Reports errors to the sink, never aborts.

#include "Ast.h"
#include "Builtins.h"
#include "Project.h"
#include "Diagnostic.h"
#include "Semantic.h"
#include "Symbols.h"
#include "Types.h"

#include <string>
#include <unordered_set>
#include <vector>

namespace aeroflow::compiler {

class Checker {
public:
    Checker(const SourceFile& file, Arena& arena, Interner& names, TypeTable& types, DiagnosticSink& sink,
        SymbolIndex* symbols);

    /// Checks a parsed module. The result's tables are valid (and Lowering may
    /// run) only when the sink has no errors.
    SemanticInfo check(Module& module);
    /// A program of several files (Project.h): which file sees which names.
    /// `scopes` must outlive check(); without it every name is visible.
    void setProject(const ProjectScopes* scopes) { m_project = scopes; }

private:
    struct Scope {
        std::vector<Name> names; // declared here, popped on exit
        uint32_t end = 0;        // byte offset where the scope ends (for the IDE)
    };
    struct FnContext {
        FnDecl* fn = nullptr;
        ActorDecl* actor = nullptr;
        FnContext* parent = nullptr;
        std::vector<Binding*> captures;
        int loopDepth = 0;
        TypeId returnType = 0;
        bool hasReturnType = false;
        size_t scopeBase = 0; // first scope that belongs to this function
        // Lambdas without `-> T`: the type their returns give (FnDecl::resultType).
        TypeId returned = 0;
        bool anyReturn = false;
        bool mixedReturns = false;
    };

    struct Signature {
        std::vector<TypeId> params;
        TypeId ret = 0;
        bool hasRet = false;
        bool done = false;
    };
    /// Parameter and return types of `fn`, resolved once (calls may precede
    /// the declaration, and annotation errors must be reported once).
    const Signature& signature(FnDecl* fn);

    // declarations and scopes
    void collect(Block* top);
    void collectActor(ActorDecl* a);
    void collectImport(ImportStmt* s);
    Binding* newBinding(BindingKind kind, Name name, SourceRange range, TypeId type, bool isMutable);
    int32_t addSymbol(Binding* b, SymbolKind kind, std::string detail, uint32_t visibleFrom, uint32_t visibleTo,
        int32_t container = -1);
    void declare(Binding* b);
    void pushScope(uint32_t end);
    void popScope();
    Binding* lookup(Name name);
    /// In a program of several files: reports a use of `b` at `use` from a
    /// file that does not import it. Returns false when it reported.
    bool requireVisible(const Binding* b, SourceRange use);
    void collectFileImport(ImportStmt* s);
    Binding* resolveName(Name name, SourceRange range, IdentExpr* ident);
    std::string suggest(Name name);
    /// " (did you mean 'x'?)" for the closest of `candidates` (edit distance
    /// up to 2, or a known synonym such as append -> push), or "".
    std::string suggestAmong(std::string_view want, const std::vector<std::string_view>& candidates) const;

    // functions, actors, statements
    void checkFunction(FnDecl* fn, ActorDecl* actor);
    void checkActor(ActorDecl* a);
    void checkBlock(Block* b, bool newScope = true);
    void checkStmt(Stmt* s);
    void checkLet(LetStmt* s);
    void checkAssign(AssignStmt* s);
    void checkFor(ForStmt* s);
    void checkReturn(ReturnStmt* s);
    void checkCondition(Expr* cond, const char* what);
    bool alwaysReturns(const Stmt* s) const;
    TypeId resolveType(TypeExpr* t);

    // expressions (CheckerExpr.cpp)
    TypeId checkExpr(Expr* e);
    TypeId checkIdent(IdentExpr* e, bool asCallee);
    TypeId checkBinary(BinaryExpr* e);
    TypeId checkUnary(UnaryExpr* e);
    TypeId checkCall(CallExpr* e);
    TypeId checkBuiltinCall(CallExpr* e, const struct BuiltinInfo& info, SourceRange nameRange);
    TypeId checkMethodCall(CallExpr* e, FieldExpr* callee);
    TypeId checkFunctionCall(CallExpr* e, FnDecl* fn, SourceRange nameRange);
    TypeId checkField(FieldExpr* e);
    TypeId checkIndex(IndexExpr* e);
    TypeId checkSpawn(SpawnExpr* e);
    TypeId checkMatch(MatchExpr* e);
    void checkPattern(Pattern* p, TypeId subject);
    TypeId checkTensor(TensorExpr* e);
    TypeId checkUi(UiExpr* e);
    // f-strings and format() (CheckerFormat.cpp)
    TypeId checkFString(FStringExpr* e);
    void checkFormatCall(CallExpr* e);
    /// A spec without fields of its own, against the static type of `value`;
    /// `where` maps offsets in `spec` to the file.
    void checkFormatSpec(std::string_view spec, const struct FormatTextMap& where, uint32_t specOffset,
        const Expr* value);

    // anonymous functions and the builtins that call functions (CheckerCallbacks.cpp)
    TypeId checkLambda(LambdaExpr* e);
    /// The function `e` evidently is: a lambda, a function name, or a `let`
    /// initialised with one (Binding::fn); null when not evident.
    FnDecl* evidentFunction(const Expr* e) const;
    /// The result type of `fn` as far as it is known (`any` otherwise).
    TypeId resultOf(FnDecl* fn);
    /// map, filter, ... as builtins or methods. `list` is the list (the
    /// receiver of a method; null when unknown), `fnArg` the function (null:
    /// sort without a comparator), `init` reduce's start value. Returns the
    /// result type.
    TypeId checkCallback(Callback cb, Expr* list, Expr* fnArg, Expr* init);
    /// enumerate(xs) and zip(xs, ys) (`ys` null for enumerate).
    TypeId checkPairs(std::string_view name, Expr* xs, Expr* ys);
    /// Reports `t` at `r` when it evidently cannot be a map key or set
    /// element (`what`: "map key" or "set element"); false then.
    bool checkKeyType(TypeId t, SourceRange r, std::string_view what);
    /// `set()` / `set(xs)`: a set of xs's elements (a map's keys).
    TypeId checkSetOf(CallExpr* e);
    /// The key argument of a map or set method: a key type that fits `key`.
    void checkKeyArg(Expr* arg, TypeId key, std::string_view what);
    /// Functions cannot cross actors: a message argument or an emitted value
    /// that evidently holds one is an error.
    bool refuseFunction(const Expr* value, const std::string& what);
    /// A call of something whose type uses `needs`: the current function
    /// must declare them (a lambda without `uses` infers them).
    void requireCallEffects(EffectSet needs, const std::string& what, SourceRange where);
    /// Does the function being checked infer its effects (a lambda without `uses`)?
    bool infersEffects() const;
    /// How messages name the function being checked: its name, or for a
    /// lambda the nearest named function around it.
    std::string fnLabel() const;
    TypeId checkMessageArgs(CallExpr* e, uint32_t messageId, SourceRange nameRange);
    void checkSendTarget(CallExpr* e);
    // supervision and request/reply (CheckerSupervision.cpp)
    /// monitor, link, supervise and ask: where they may be called, what they
    /// take, and the handler the caller needs. Returns the result type.
    TypeId checkSupervisionCall(CallExpr* e, uint32_t builtin, SourceRange nameRange, TypeId result);
    /// `on Down` and `on answer` receive the engine's notices: two parameters.
    void checkNoticeHandler(const OnDecl& h);
    TypeId builtinResultType(uint8_t result, const CallExpr* e);
    bool isAssignablePlace(Expr* e, std::string& why);

    // records (CheckerRecords.cpp)
    void collectRecord(RecordDecl* r, uint32_t fileEnd);
    /// Resolves every record's field types once all types are declared.
    void resolveRecordFields();
    void checkRecordDecl(RecordDecl* r);
    TypeId checkRecordConstruct(CallExpr* e, RecordDecl* r, SourceRange nameRange);
    TypeId checkRecordWith(CallExpr* e, FieldExpr* f, RecordDecl* r);
    TypeId checkRecordField(FieldExpr* e, RecordDecl* r);
    void checkRecordPattern(Pattern* p, TypeId subject, RecordDecl* r);
    /// Matches named and positional arguments to the fields of `r` into
    /// `e->fieldArgs`; `partial`: fields may be left out (`with`).
    void bindRecordArgs(CallExpr* e, RecordDecl* r, bool partial);
    /// Reports `name: value` arguments of a call that builds no record.
    void refuseNamedArgs(const CallExpr* e);
    /// The record a name declares, or null.
    RecordDecl* recordNamed(Name n);
    std::string recordFieldHint(const RecordDecl* r, Name wanted) const;

    // effects
    bool requireEffect(uint8_t builtinEffect, SourceRange where, std::string_view what);

    // effects carried by function values (CheckerEffects.cpp)
    /// The type of `fn` used as a value: `function[its uses]`.
    TypeId functionValueType(FnDecl* fn, SourceRange where);
    /// Reports a value of type `from` stored where its type is `to` when `to`
    /// would forget effects of functions in it. `place` names where it goes
    /// ("parameter 'f' of 'apply'"); `fix` says what to write instead.
    void keepEffects(TypeId to, TypeId from, const Expr* value, const std::string& place, const std::string& fix = {});
    /// A call through a function value: the effects of its type must be
    /// declared, and its arguments go to parameters of unknown type.
    void checkValueCall(CallExpr* e, TypeId calleeType, const std::string& what, SourceRange where);
    /// Arguments of a builtin or UI element: they keep no function types.
    void keepEffectsInBuiltinArgs(CallExpr* e, std::string_view name);
    /// The type a message pattern binds argument `param` to: `any` (messages
    /// cannot carry functions, so no effects can hide in one).
    TypeId messageParamType(uint32_t messageId, uint32_t param);
    /// A top-level `let` whose value carries effects must come before the
    /// functions and actors that read it (they see its type only then).
    void checkGlobalReadEarly(const Binding* global, TypeId type);
    bool inActorCode() const;
    bool inPure() const { return m_fn && m_fn->fn && m_fn->fn->isPure; }

    std::string typeName(TypeId t) const { return m_types.name(t, m_names); }
    std::string nameText(Name n) const { return std::string(m_names.text(n)); }
    void error(SourceRange r, std::string msg) { m_sink.error(r, std::move(msg)); }
    static constexpr size_t kMaxSuggestions = 20;

    const SourceFile& m_file;
    Arena& m_arena;
    Interner& m_names;
    TypeTable& m_types;
    DiagnosticSink& m_sink;
    SymbolIndex* m_symbols;
    SemanticInfo m_info;
    const ProjectScopes* m_project = nullptr;

    struct Shadow {
        Binding* binding;
        uint32_t scope; // index in m_scopes where it was declared
    };
    std::vector<std::vector<Shadow>> m_byName;   // shadow stack per Name
    std::vector<Scope> m_scopes;
    std::vector<Binding*> m_hoistedGlobals;      // top-level let/mut by Name (null if none)
    std::vector<int32_t> m_messageByName;        // Name -> message id or -1
    std::vector<Signature> m_sigs;               // by FnDecl::index
    std::vector<FnDecl*> m_messageHandler;       // by message id: the first handler declaring it
    std::vector<int32_t> m_messageSymbol;        // by message id: that handler's SymbolIndex entry
    FnContext* m_fn = nullptr;
    FnDecl* m_main = nullptr;
    bool m_atTopLevel = false; // checking a statement directly in main's body
    /// Top-level `let`s read by a function or actor before their declaration
    /// was checked (their type was not known then), with the first read.
    std::vector<std::pair<const Binding*, SourceRange>> m_earlyGlobalReads;

    // Well-known names
    Name m_nOk = 0, m_nErr = 0, m_nModel = 0, m_nReply = 0, m_nBind = 0, m_nUnderscore = 0;
};

} // namespace aeroflow::compiler
