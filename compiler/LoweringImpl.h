#pragma once
// Private to Lowering.cpp and LoweringExpr.cpp: the state of one lowering run.
//
// Register discipline (as Lua's lcode.c): parameters are R[0..arity-1]; a
// local gets the next free register when its declaration is lowered and keeps
// it until its scope closes; temporaries are allocated stack-like above, and
// every statement (and every exprTo) frees the temporaries it allocated.

#include "Lowering.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace aeroflow::compiler::lowering {

using Reg = uint16_t;
using JumpList = std::vector<uint32_t>; ///< pcs of jumps waiting for a target

constexpr uint32_t kMaxRegs = 65535;
constexpr uint32_t kMaxConstants = 65535;

struct LoopContext {
    int64_t continueTarget = -1; ///< known (backward) target, or -1: patch `continues`
    JumpList continues;
    JumpList breaks;
};

/// One function under construction.
struct FunctionState {
    Function out;
    uint32_t index = 0;
    const FnDecl* decl = nullptr;     ///< null for synthetic functions
    SourceRange range;                ///< where limit errors are reported
    FunctionState* parent = nullptr;  ///< creating function of an event function
    bool lazyCaptures = false;        ///< event functions discover captures while lowered
    std::vector<const Binding*> captures;
    std::vector<const Binding*> bound; ///< synthetic functions: the bindings they gave registers
    uint32_t freeReg = 0;
    uint32_t maxRegs = 0;
    std::vector<uint8_t> localRegs;   ///< 1 where a register holds a named variable
    std::vector<size_t> openLocals;   ///< indices into out.locals still in scope
    std::vector<LoopContext> loops;
    std::unordered_map<std::string, uint32_t> constantIndex; ///< built once the pool is large
    bool renderReturns = false;       ///< Render functions return their tree
    uint32_t lastOffset = UINT32_MAX;
    LineCol lastPos;
    bool regsReported = false;
    bool constsReported = false;
};

/// Where a named value lives, seen from the function being lowered.
struct VarRef {
    enum class Kind : uint8_t { Register, Capture, Missing } kind = Kind::Missing;
    uint16_t index = 0;
};

/// An assignable location (or a plain value when Kind::Value). Index and
/// Field places take their container out of `parent` into `object` (see
/// open()), change it there and store it back, so that state and global
/// containers are changed in place rather than copied.
struct Place {
    enum class Kind : uint8_t { Reg, Global, State, Capture, Index, Field, Value } kind = Kind::Value;
    uint32_t slot = 0; ///< Reg: register; Global/State/Capture: index; Field: key constant
    Reg object = 0;    ///< Index/Field: container register; Value: the value
    Reg key = 0;       ///< Index: index register
    bool opened = false; ///< Index/Field: `object` holds the container
    std::unique_ptr<Place> parent;
    uint32_t at = 0;   ///< source offset for the instructions
};

class Lowerer {
public:
    Lowerer(const Module& module, const SemanticInfo& sema, TypeTable& types, const Interner& names,
        const SourceFile& file, DiagnosticSink& sink);
    std::unique_ptr<Program> run();

    // ---- Lowering.cpp: driver, functions, emission, statements
    void computeCaptures();
    void lowerFunction(const FnDecl* fn);
    void lowerActor(const ActorDecl* a);
    void beginFunction(FunctionState& fs, FunctionState* parent);
    void finishFunction(FunctionState& fs, uint32_t endOffset);
    std::string qualifiedName(const FnDecl* fn) const;
    std::string text(Name n) const { return std::string(m_names.text(n)); }
    void internalError(SourceRange r, const std::string& what);

    uint32_t pc() const { return uint32_t(m_fs->out.code.size()); }
    uint32_t emit(Op op, uint32_t a, uint32_t b, uint32_t c, uint32_t at);
    uint32_t emitBx(Op op, uint32_t a, uint32_t bx, uint32_t at);
    uint32_t emitJump(Op op, uint32_t a, uint32_t at);
    void jumpTo(Op op, uint32_t a, uint32_t target, uint32_t at);
    void patchJump(uint32_t jumpPc, uint32_t target);
    void patchHere(JumpList& jumps);
    uint32_t addConstant(Constant::Kind kind, uint64_t bits, std::string_view s);
    uint32_t stringConstant(std::string_view s);
    void loadInt(Reg dst, int64_t v, uint32_t at);
    void loadFloat(Reg dst, double v, uint32_t at);

    Reg allocReg();
    Reg allocRegs(uint32_t n);
    void freeTo(uint32_t mark) { m_fs->freeReg = mark; }
    bool isTemp(Reg r) const { return r >= m_fs->localRegs.size() || !m_fs->localRegs[r]; }
    void bindLocal(Binding* b, Reg r, std::string name);
    size_t openScope() const { return m_fs->openLocals.size(); }
    void closeScope(size_t openLocals, uint32_t freeReg);
    bool inRegister(const Binding* b) const;
    LineCol lineCol(uint32_t offset) { return m_file.lineCol(offset, m_lineHint); }
    VarRef resolveVar(const Binding* b, SourceRange where);
    int32_t captureSlot(FunctionState& fs, const Binding* b);

    void block(const Block* b);
    void stmt(const Stmt* s);
    void letStmt(const LetStmt* s);
    void assignStmt(const AssignStmt* s);
    void ifStmt(const IfStmt* s);
    void whileStmt(const WhileStmt* s);
    void forStmt(const ForStmt* s);
    void returnStmt(const ReturnStmt* s);
    void renderStmt(const RenderStmt* s);
    void fnStmt(const FnDecl* fn);

    // ---- LoweringExpr.cpp: expressions, places, calls, match, UI
    void exprTo(const Expr* e, Reg dst);
    Reg exprAny(const Expr* e);
    Reg leftOperand(const Expr* e, Reg dst);
    int32_t localRegister(const Expr* e) const;
    void jumpIfFalse(const Expr* e, JumpList& out);
    void jumpIfTrue(const Expr* e, JumpList& out);
    static bool writesDstEarly(const Expr* e);

    Place place(const Expr* e);
    void open(Place& p);
    void takePlace(Place& p, Reg dst);
    Reg loadPlace(Place& p, int32_t into = -1);
    void storePlace(Place& p, Reg value);
    void assignTo(const Expr* target, AssignOp op, const Expr* value, uint32_t at);

    void exprImpl(const Expr* e, Reg dst);
    void identTo(const IdentExpr* e, Reg dst);
    void binaryTo(const BinaryExpr* e, Reg dst);
    bool immediate(Op op, const Expr* rhs, bool lhsNumeric, int16_t& imm) const;
    void arith(Op op, Reg dst, Reg lhs, const Expr* rhs, uint32_t at, bool lhsNumeric);
    /// Did the checker prove `e` an int or a float?
    bool isNumeric(const Expr* e) const;
    void listTo(Span<Expr*> items, Reg dst, uint32_t at);
    void mapTo(const MapExpr* e, Reg dst);
    void tensorTo(const TensorExpr* e, Reg dst);
    void callTo(const CallExpr* e, Reg dst);
    void methodCallTo(const CallExpr* e, Reg dst);
    Reg callBase(Reg dst);
    Reg slot(uint32_t r);
    FieldType fieldType(TypeId id, int depth) const;
    void recordTo(const CallExpr* e, Reg dst);
    void recordWithTo(const CallExpr* e, Reg dst);
    void argsTo(Span<Expr*> args, Reg base, uint32_t count, uint32_t at);
    void closureTo(const FnDecl* fn, Reg dst, uint32_t at);
    Reg closureValue(const FnDecl* fn, uint32_t at);
    uint32_t closureSite(uint32_t function, const std::vector<const Binding*>& captures, uint32_t at);
    void builtinTo(uint32_t builtin, Reg dst, uint32_t at);
    void fstringTo(const FStringExpr* e, Reg dst);
    void matchTo(const MatchExpr* e, Reg dst);
    void pattern(const Pattern* p, Reg subject, JumpList& fail);
    void uiNodeTo(const UiExpr* e, Reg dst);
    uint32_t eventFunction(const Expr* value, std::string name, Reg dst);

    const Module& m_module;
    const SemanticInfo& m_sema;
    TypeTable& m_types;
    const Interner& m_names;
    const SourceFile& m_file;
    DiagnosticSink& m_sink;
    std::unique_ptr<Program> m_program;
    FunctionState* m_fs = nullptr;
    bool m_failed = false;
    /// Capture lists by FnDecl::index: the Checker's, extended with what
    /// references to capturing sibling functions need.
    std::vector<std::vector<const Binding*>> m_captures;
    uint32_t m_lineHint = 1;
};

} // namespace aeroflow::compiler::lowering
