#pragma once
// The AeroFlow syntax tree. Nodes live in an Arena (trivially destructible),
// carry exact source ranges, and have annotation fields that the Checker fills
// in (types, resolved bindings, call targets) for Lowering to consume.

#include "Arena.h"
#include "Interner.h"
#include "Source.h"

#include <cstdint>
#include <string_view>

namespace aeroflow::compiler {

using TypeId = uint32_t; ///< index into a TypeTable (Types.h); 0 = unknown/any

struct Expr;
struct Stmt;
struct Block;
struct FnDecl;
struct ActorDecl;
struct OnDecl;
struct RecordDecl;

// ---------------------------------------------------------------- bindings --

/// What a name resolves to. Created by the Checker; Lowering reads them.
enum class BindingKind : uint8_t {
    Local,        ///< `let`/`mut` inside a function body, handler, loop variable, match binding
    Param,        ///< function or handler parameter
    Global,       ///< top-level `let`/`mut`/implicit `x = ...`; `index` = global slot
    State,        ///< actor/screen state field; `index` = field index in the actor
    Function,     ///< top-level or nested `fn`, or an actor method; `fn` set
    Actor,        ///< actor/screen/agent type; `actor` set, `index` = actor index
    Model,        ///< `model Name {...}` declaration
    Message,      ///< message constructor (a handler name); `index` = message id
    Builtin,      ///< global builtin function; `index` = BuiltinId (Builtins.h)
    Module,       ///< imported module (`import math`); `index` = module id
    ModuleMember, ///< name brought in by `from M NAME`; `index` = module id, `member` = name
    AgentModel,   ///< `model` inside an agent body
    Record,       ///< `record Name { ... }` type; `record` set, `index` = record index
};

struct Binding {
    BindingKind kind = BindingKind::Local;
    bool isMutable = false;
    /// Local: 0 = `let`/`mut`, 1 = loop variable, 2 = match binding (for messages).
    uint8_t origin = 0;
    Name name = 0;
    SourceRange declRange;   ///< the name at its declaration
    TypeId type = 0;
    uint32_t index = 0;      ///< meaning depends on kind (see BindingKind)
    Name member = 0;         ///< ModuleMember: the member's name
    /// Function: its declaration. A `let` (Local or Global) initialised with
    /// a lambda or a function name: that function, so that calls through
    /// the variable can be checked for arity and result ("evident" functions).
    FnDecl* fn = nullptr;
    ActorDecl* actor = nullptr; ///< Actor: its declaration; State/Function inside an actor: owner
    RecordDecl* record = nullptr; ///< Record: its declaration
    FnDecl* owner = nullptr; ///< Local/Param: the function (or handler body fn) that declares it
    /// Free for Lowering: the register that holds a Local/Param (-1 = unassigned).
    int32_t reg = -1;
    /// The declaration's entry in the SymbolIndex (Symbols.h), -1 if none.
    int32_t symbol = -1;
};

// ------------------------------------------------------------------- types --

/// A type as written in source: `int`, `List[Int]`, `Result[Float, String]`, `Counter`.
struct TypeExpr {
    SourceRange range;
    Name name = 0;
    Span<TypeExpr*> args;
};

// ------------------------------------------------------------- expressions --

enum class ExprKind : uint8_t {
    Int, Float, String, Bool, Nil,
    Ident,      ///< a name
    Self,       ///< `self`
    Time,       ///< `time` (logical time)
    List,       ///< `[a, b]`
    Map,        ///< `{k: v, "k2": v}`
    Tensor,     ///< `tensor[2, 2]{1, 2, 3, 4}`
    Unary,      ///< `-x`, `not x`, `!x`
    Binary,     ///< arithmetic, comparison, logic, `..`
    Call,       ///< `f(x)`, `obj.method(x)`, `Msg(x)`, `Ok(x)`
    Index,      ///< `a[i]`
    Field,      ///< `a.b` (map field, module member, agent model member)
    Spawn,      ///< `spawn Counter` / `spawn(Counter)`
    Match,      ///< `match e { pat => body ... }`
    Ui,         ///< `Text {"x"}` inside a render block
    RenderBlock,///< `render { ... }` used as a value (UI tree)
    FString,    ///< `f"{name:<10} {price:>8.2f}"`
    Lambda,     ///< `fn(x) { ... }`, `fn(x) => x * 2`: an anonymous function value
    Error,      ///< placeholder after a syntax error (never reaches Lowering)
};

struct Expr {
    ExprKind kind;
    SourceRange range;
    TypeId type = 0; ///< set by the Checker (0 = any)
};

struct IntExpr : Expr { int64_t value = 0; };
struct FloatExpr : Expr { double value = 0; };
struct StringExpr : Expr { std::string_view value; }; ///< escapes already decoded
struct BoolExpr : Expr { bool value = false; };

struct IdentExpr : Expr {
    Name name = 0;
    Binding* binding = nullptr; ///< set by the Checker
    /// Set by the Checker when this names a Local/Param of an enclosing function
    /// from inside a nested `fn`: index into that nested FnDecl's `captures`.
    int32_t captureIndex = -1;
};

struct ListExpr : Expr { Span<Expr*> items; };

struct MapEntry {
    SourceRange keyRange;
    std::string_view key; ///< identifier or string key, as text (when keyExpr is null)
    /// Any other key: an int or float literal (`1`, `-2`), `true`/`false`,
    /// or a computed key in parentheses (`(k)`); its value is the key.
    Expr* keyExpr = nullptr;
};
struct MapExpr : Expr {
    Span<MapEntry> keys;
    Span<Expr*> values;
};

struct TensorExpr : Expr {
    Span<Expr*> dims;   ///< `tensor[2, 3]`
    Span<Expr*> items;  ///< row-major elements
};

enum class UnaryOp : uint8_t { Neg, Not };
struct UnaryExpr : Expr {
    UnaryOp op;
    Expr* operand = nullptr;
};

enum class BinaryOp : uint8_t {
    Add, Sub, Mul, Div, Mod,
    Eq, Ne, Lt, Le, Gt, Ge,
    And, Or,  ///< short-circuit
    Range,    ///< `a..b` (end excluded)
    In,       ///< `x in c`: membership (list element, map key, set element, substring)
};
const char* binaryOpSpelling(BinaryOp op);

struct BinaryExpr : Expr {
    BinaryOp op;
    SourceRange opRange;
    Expr* lhs = nullptr;
    Expr* rhs = nullptr;
};

/// How a call is dispatched; decided by the Checker.
enum class CallKind : uint8_t {
    Unresolved,   ///< not checked (or checking failed)
    Function,     ///< direct call of a known `fn`; `fn` set
    Builtin,      ///< global builtin or module function; `builtin` = BuiltinId
    Method,       ///< method on a value: callee is a FieldExpr, `method` = name
    Message,      ///< message constructor; `message` = message id
    Ok, Err,      ///< Result constructors
    Value,        ///< calling a function value held in a variable
    AgentModel,   ///< `model.run(x)` inside an agent
    Record,       ///< record construction `Order(id: 1, qty: 2)`; `record` set
    RecordWith,   ///< `o.with(qty: 3)`: a copy with some fields replaced; `record` set
};

/// The name of a named argument `name: value` (records); `name` 0 = positional.
struct ArgName {
    Name name = 0;
    SourceRange range;
};

struct CallExpr : Expr {
    Expr* callee = nullptr;
    Span<Expr*> args;
    /// Empty when every argument is positional; else one per argument.
    Span<ArgName> argNames;
    RecordDecl* record = nullptr;
    /// Record/RecordWith: for each field of `record` in declaration order,
    /// the index in `args` that gives it, or -1 (its default / unchanged).
    Span<int32_t> fieldArgs;
    CallKind callKind = CallKind::Unresolved;
    FnDecl* fn = nullptr;
    uint32_t builtin = 0;
    uint32_t message = 0;
    Name method = 0;
};

struct IndexExpr : Expr {
    Expr* object = nullptr;
    Expr* index = nullptr;
};

struct FieldExpr : Expr {
    Expr* object = nullptr;
    Name field = 0;
    SourceRange fieldRange;
    /// Set by the Checker when `object` is a module: the member's BuiltinId
    /// (or a constant such as `math.pi`), else -1.
    int32_t moduleMember = -1;
};

struct SpawnExpr : Expr {
    Name actorName = 0;
    SourceRange nameRange;
    ActorDecl* actor = nullptr; ///< set by the Checker
};

enum class PatternKind : uint8_t {
    Wildcard, ///< `_`
    Bind,     ///< `x` (binds anything)
    Literal,  ///< int, float, string, bool, nil (literal expression in `literal`)
    Ok, Err,  ///< `Ok(p)`, `Err(p)`
    Message,  ///< `Add(n)`, `Increment`
    Record,   ///< `Order(id, _, q)`, `Order(side: "buy", qty: q)`: a record of that type
};
struct Pattern {
    PatternKind kind = PatternKind::Wildcard;
    SourceRange range;
    Name name = 0;               ///< Bind: variable; Message: message name
    Binding* binding = nullptr;  ///< Bind: set by the Checker
    Expr* literal = nullptr;
    Span<Pattern*> args;         ///< Ok/Err: one; Message: one per parameter
    uint32_t message = 0;        ///< Message: message id, set by the Checker
    Span<ArgName> argNames;      ///< named sub-patterns (`qty: q`); empty when positional
    RecordDecl* record = nullptr;///< Record: set by the Checker
    Span<uint32_t> fields;       ///< Record: the field each sub-pattern matches, set by the Checker
};

struct MatchArm {
    Pattern* pattern = nullptr;
    Expr* value = nullptr;  ///< exactly one of value / body is set
    Block* body = nullptr;
    SourceRange range;
};

struct MatchExpr : Expr {
    Expr* subject = nullptr;
    Span<MatchArm> arms;
};

/// One property of a UI element: `bind: userName`, `onClick: login()`.
struct UiProp {
    Name key = 0;
    SourceRange keyRange;
    Expr* value = nullptr;
    /// `on*` properties are event handlers: the value is not evaluated at
    /// render time but when the event fires (Lowering makes it a closure).
    bool isEvent = false;
};

/// `Name { args..., key: value..., Child {...} ... }` inside a render block.
struct UiExpr : Expr {
    Name element = 0;           ///< `Text`, `Button`, a screen name, ...
    SourceRange elementRange;
    Span<Expr*> args;           ///< positional arguments (bare expressions)
    Span<UiProp> props;
    Span<Expr*> children;       ///< nested UiExpr
    ActorDecl* screen = nullptr;///< set by the Checker when `element` is a screen
};

/// `render { ... }` as a UI tree: each item is a UiExpr or a plain expression.
struct RenderBlockExpr : Expr {
    Span<Expr*> items;
};

/// One `{value:spec}` of an f-string.
struct FStringField {
    Expr* value = nullptr;
    SourceRange range;       ///< from its `{` to its `}`
    SourceRange specRange;   ///< the spec as written, after ':' (empty when none)
    std::string_view spec;   ///< the spec with its own fields as `{}` (`>{}` for `>{w}`)
    Span<Expr*> specArgs;    ///< the fields inside the spec, in order
};

/// `f"..."`: text and fields. Lowering calls format() with `templ`, then each
/// field's value followed by its spec's fields.
struct FStringExpr : Expr {
    Span<FStringField> fields;
    std::string_view templ;  ///< the whole as a format() template (text braces doubled)
};

/// An anonymous function (a lambda). `fn` is a nested FnDecl without a name
/// binding (FnDecl::isLambda); the short form `fn(x) => e` has the body
/// `{ return e }`. The Checker gives `fn` its index like a nested `fn`.
struct LambdaExpr : Expr {
    FnDecl* fn = nullptr;
};

// -------------------------------------------------------------- statements --

enum class StmtKind : uint8_t {
    Let,       ///< `let x = e`, `mut x: T = e`, top-level `x = e` declaring x
    Assign,    ///< `target = e`, `target += e` (target: Ident, Index, Field)
    Expr,      ///< expression statement
    If, While, For,
    Return, Break, Continue,
    Render,    ///< `render expr` / `render { ... }`
    Block,
    Fn,        ///< `fn` declaration (top-level or nested)
    Actor,     ///< `actor`/`screen`/`agent` declaration
    Model,     ///< `model Name { input T output T }`
    Import,    ///< `import a.b` / `from a.b name`
    Record,    ///< `record Order { id: int, side: string = "buy" }`
};

struct Stmt {
    StmtKind kind;
    SourceRange range;
};

struct Block : Stmt { Span<Stmt*> stmts; };

struct LetStmt : Stmt {
    bool isMutable = false;
    bool implicit = false;      ///< top-level `x = e` that declares x
    Name name = 0;
    SourceRange nameRange;
    TypeExpr* typeAnn = nullptr;
    Expr* init = nullptr;
    Binding* binding = nullptr; ///< set by the Checker
};

enum class AssignOp : uint8_t { Set, Add, Sub, Mul, Div, Mod };
struct AssignStmt : Stmt {
    AssignOp op = AssignOp::Set;
    Expr* target = nullptr;
    Expr* value = nullptr;
};

struct ExprStmt : Stmt { Expr* expr = nullptr; };

struct IfStmt : Stmt {
    Expr* cond = nullptr;
    Block* then = nullptr;
    Stmt* otherwise = nullptr; ///< Block, another IfStmt (else if), or null
};

struct WhileStmt : Stmt {
    Expr* cond = nullptr;
    Block* body = nullptr;
};

struct ForStmt : Stmt {
    Name var = 0;
    SourceRange varRange;
    /// `for k, v in m`: the second variable (the value of each map entry); 0 if none.
    Name value = 0;
    SourceRange valueRange;
    Expr* iterable = nullptr;   ///< `range(a, b)`, `a..b`, a list, a map (keys)
    Block* body = nullptr;
    Binding* binding = nullptr; ///< the loop variable; set by the Checker
    Binding* valueBinding = nullptr; ///< the second variable; set by the Checker
};

struct ReturnStmt : Stmt { Expr* value = nullptr; };

struct RenderStmt : Stmt { Expr* value = nullptr; }; ///< RenderBlockExpr or any expression

enum class Effect : uint8_t { Env = 1, Io = 2, Http = 4, Clock = 8 };
using EffectSet = uint8_t;

struct Param {
    Name name = 0;
    SourceRange range;
    TypeExpr* typeAnn = nullptr;
    Binding* binding = nullptr; ///< set by the Checker
};

enum class FnKind : uint8_t {
    Main,     ///< the synthetic top-level program
    Function, ///< `fn`
    Method,   ///< `fn` inside an actor/screen/agent
    Handler,  ///< `on Msg(...)` body
    Render,   ///< a screen's `render {}` body
    Init,     ///< synthetic state initialiser of an actor
};

struct FnDecl : Stmt {
    FnKind fnKind = FnKind::Function;
    bool isPure = false;
    /// An anonymous function (LambdaExpr). Without a `uses` clause
    /// (`usesRange` empty) its effects are inferred from its body.
    bool isLambda = false;
    Name name = 0;
    SourceRange nameRange;
    Span<Param> params;
    TypeExpr* returnAnn = nullptr;
    EffectSet uses = 0;
    SourceRange usesRange;
    Block* body = nullptr;
    // Checker annotations
    Binding* binding = nullptr;     ///< the function's own name binding
    FnDecl* enclosing = nullptr;    ///< lexically enclosing function (nested fn), else null
    ActorDecl* actor = nullptr;     ///< owning actor for methods/handlers
    Span<Binding*> captures;        ///< outer Locals/Params a nested fn reads (by value)
    uint32_t index = 0;             ///< dense id among all FnDecls of the program
    /// Lambdas: the type every `return` gives when the body always returns
    /// one type (the short form: its expression's type), else 0 (`any`).
    TypeId resultType = 0;
};

struct StateDecl {
    bool isMutable = true;   ///< false for `let` fields of actors and agents
    Name name = 0;
    SourceRange nameRange;
    SourceRange range;
    TypeExpr* typeAnn = nullptr;
    Expr* init = nullptr;
    Binding* binding = nullptr; ///< set by the Checker
};

struct OnDecl {
    Name message = 0;
    SourceRange nameRange;
    SourceRange range;
    FnDecl* fn = nullptr;        ///< params and body (fnKind = Handler)
    uint32_t messageId = 0;      ///< set by the Checker
};

enum class ActorKind : uint8_t { Actor, Screen, Agent };

struct ActorDecl : Stmt {
    ActorKind actorKind = ActorKind::Actor;
    Name name = 0;
    SourceRange nameRange;
    Span<StateDecl> state;
    Span<FnDecl*> methods;
    Span<OnDecl> handlers;
    FnDecl* render = nullptr;    ///< screen/agent `render {}` (fnKind = Render)
    std::string_view modelName;  ///< agent: `model "tiny"`
    SourceRange modelRange;
    // Checker annotations
    Binding* binding = nullptr;
    uint32_t index = 0;          ///< dense actor-type id
};

struct ModelDecl : Stmt {
    Name name = 0;
    SourceRange nameRange;
    TypeExpr* input = nullptr;
    TypeExpr* output = nullptr;
    Binding* binding = nullptr;
};

struct ImportStmt : Stmt {
    std::string_view module;   ///< dotted path, e.g. "ai.tensor"
    SourceRange moduleRange;
    Name member = 0;           ///< `from M NAME`: NAME; `import M`: 0
    SourceRange memberRange;
    Binding* binding = nullptr;///< set by the Checker
    // A file of the program (`import "./orders.aefl"`, `from "./orders.aefl" import a, b`):
    bool isFile = false;
    std::string_view path;     ///< the path as written (escapes decoded)
    SourceRange pathRange;     ///< the string literal
    Span<Name> names;          ///< `from`: the names listed; empty for `import`: every exported name
    Span<SourceRange> nameRanges;
    int32_t fileModule = -1;   ///< index of the imported file in the program (Project.h), -1 if not loaded
};

/// One field of a record declaration: `qty: int` or `qty: int = 0`.
struct RecordField {
    Name name = 0;
    SourceRange range;           ///< the name
    TypeExpr* typeAnn = nullptr; ///< required
    Expr* init = nullptr;        ///< default (a constant expression), or null
    TypeId type = 0;             ///< set by the Checker
};

/// `record Order { id: int, side: string, qty: int = 0 }`: a named product
/// type with value semantics. Built as `Order(id: 1, side: "buy")`.
struct RecordDecl : Stmt {
    Name name = 0;
    SourceRange nameRange;
    Span<RecordField> fields;
    // Checker annotations
    Binding* binding = nullptr;
    uint32_t index = 0;          ///< dense record-type id
    int32_t firstFieldSymbol = -1; ///< SymbolIndex entry of fields[0]; the others follow
    /// Field index of `name`, or -1.
    int32_t fieldIndex(Name n) const
    {
        for (uint32_t i = 0; i < fields.size(); ++i)
            if (fields[i].name == n)
                return int32_t(i);
        return -1;
    }
};

/// A parsed file. `main` is the synthetic function holding the top-level code;
/// declarations stay in `main->body` in source order.
struct Module {
    FnDecl* main = nullptr;
};

// Down-casts that check the kind in debug builds.
template <class T> T* as(Expr* e) { return static_cast<T*>(e); }
template <class T> const T* as(const Expr* e) { return static_cast<const T*>(e); }
template <class T> T* as(Stmt* s) { return static_cast<T*>(s); }
template <class T> const T* as(const Stmt* s) { return static_cast<const T*>(s); }

} // namespace aeroflow::compiler
