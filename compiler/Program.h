#pragma once
// The compiled program: register bytecode plus the symbol tables the engine,
// the JIT and the debugger need. Self-contained: no pointers into the AST (its
// arena dies after compilation); names are std::string. A plain value type,
// copyable and movable; build one with lower() (Lowering.h).

#include "Source.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aeroflow::compiler {

/// Opcodes, in the order of Opcodes.def.
enum class Op : uint8_t {
#define OP(name, format, effect) name,
#include "Opcodes.def"
    Count
};

/// Operand layouts of Opcodes.def; operandKinds() says what each slot means.
enum class OpFormat : uint8_t {
#define OPFORMAT(name, ka, kb, kc) name,
#include "Opcodes.def"
};

/// What an operand names. The …X kinds are wide: they sit in b and take c too.
enum class OperandKind : uint8_t {
    None, Reg, Imm, Count, Const, Builtin, Message, Capture, Record,
    ConstX, ImmX, GlobalX, StateX, FunctionX, ClosureX, ActorX, UiNodeX, JumpX,
};

/// Wide kinds sit in b and take c too (Instr::bc / Instr::sbc).
inline bool isWide(OperandKind k) { return k >= OperandKind::ConstX; }

struct OperandKinds {
    OperandKind a, b, c;
};

const char* opName(Op op);          ///< "LOADK"
OpFormat opFormat(Op op);
const char* opEffect(Op op);        ///< the effect comment of Opcodes.def
OperandKinds operandKinds(OpFormat format);
/// Does this op transfer control with an sBx offset (JMP, JMPIF, FORLOOP, …)?
bool isJump(Op op);

/// One instruction: 8 bytes. Wide operands use b|c (b low, c high).
struct Instr {
    Op op = Op::NOP;
    uint8_t pad = 0;
    uint16_t a = 0, b = 0, c = 0;

    uint32_t bc() const { return uint32_t(b) | (uint32_t(c) << 16); }
    int32_t sbc() const { return static_cast<int32_t>(bc()); }
    int16_t sc() const { return static_cast<int16_t>(c); }
    void setBc(uint32_t v) { b = uint16_t(v & 0xffff); c = uint16_t(v >> 16); }
    void setSbc(int32_t v) { setBc(static_cast<uint32_t>(v)); }
};
static_assert(sizeof(Instr) == 8);

/// A constant of a function's pool (deduplicated by kind and exact value).
struct Constant {
    enum class Kind : uint8_t { Nil, Bool, Int, Float, String };
    Kind kind = Kind::Nil;
    bool b = false;
    int64_t i = 0;
    double f = 0;
    std::string s;
};

/// Run-length line table entry: instructions from `pc` up to the next entry's
/// pc come from `line`:`col` (1-based, as Source.h).
struct LineEntry {
    uint32_t pc = 0;
    uint32_t line = 1;
    uint32_t col = 1;
};

/// Where a CLOSURE site takes one captured value from, in the creating frame.
struct CaptureSource {
    bool fromCapture = false; ///< false: register `index`; true: the creator's own capture `index`
    uint16_t index = 0;
};

/// Operand table of one CLOSURE instruction.
struct ClosureSite {
    uint32_t function = 0;
    std::vector<CaptureSource> sources; ///< one per capture of `function`, in order
};

/// One property of a UI node. Its value is an operand of UINODE (see Opcodes.def).
struct UiPropDesc {
    std::string key;
    /// `on*` props: the synthetic event function (its closure is the operand);
    /// the engine runs it when the event fires, and delivers its result to the
    /// screen if that is a message. -1 otherwise.
    int32_t eventFunction = -1;
    /// `bind: field`: the state field typed text is written back to; the
    /// operand is the field's current value. -1 otherwise.
    int32_t bindState = -1;
};

/// Static description of one UINODE instruction.
struct UiNodeDesc {
    std::string element;        ///< `Text`, `Button`, … or the screen's name
    int32_t screenActor = -1;   ///< actor index when a screen is used as a component
    uint16_t argCount = 0;
    std::vector<UiPropDesc> props;
    uint16_t childCount = 0;
};

/// Debug info: a named variable lives in `reg` for pc in [startPc, endPc).
struct LocalVar {
    std::string name;
    uint16_t reg = 0;
    uint32_t startPc = 0;
    uint32_t endPc = 0;
};

enum class FunctionKind : uint8_t { Main, Function, Method, Handler, Render, Init, Event };
const char* functionKindName(FunctionKind kind);

struct Function {
    std::string name;                  ///< `main`, `add`, `outer.inner`, `Counter.on Add`, `Login.render`
    FunctionKind kind = FunctionKind::Function;
    uint32_t arity = 0;                ///< parameters occupy R[0..arity-1]
    uint32_t numRegs = 0;              ///< frame size (>= arity)
    int32_t actor = -1;                ///< owning actor type, -1 for none
    std::vector<std::string> captures; ///< names of the captured values, in U[] order
    std::vector<Instr> code;           ///< always ends with RETURN or RETURNNIL
    std::vector<Constant> constants;
    std::vector<LineEntry> lines;
    std::vector<ClosureSite> closures;
    std::vector<UiNodeDesc> uiNodes;
    std::vector<LocalVar> locals;
    LineCol position;                  ///< the declaration

    /// Source position of instruction `pc` (the last entry for pcs past the end).
    LineCol positionAt(uint32_t pc) const;
};

struct HandlerEntry {
    uint32_t message = 0;  ///< message id
    uint32_t function = 0; ///< its handler function
};

struct ActorType {
    enum class Kind : uint8_t { Actor, Screen, Agent };
    std::string name;
    Kind kind = Kind::Actor;
    std::vector<std::string> stateFields;  ///< S[] names, in declaration order
    uint32_t initFunction = 0;             ///< sets every state field (FunctionKind::Init)
    std::vector<HandlerEntry> handlers;    ///< sorted by message id
    std::vector<uint32_t> methods;         ///< function indices of its `fn`s
    int32_t renderFunction = -1;           ///< returns the UI tree; -1 for none
    std::string modelName;                 ///< agents: `model "tiny"`

    /// Handler function for a message id, or -1.
    int32_t handlerFor(uint32_t message) const;
};
const char* actorKindName(ActorType::Kind kind);

struct MessageType {
    std::string name;
    uint32_t arity = 0;
};

/// The declared type of a record field, as far as the engine needs it
/// (json.decode into records checks and converts by it).
struct FieldType {
    enum class Kind : uint8_t { Any, Nil, Bool, Int, Float, String, List, Map, Record, Other };
    Kind kind = Kind::Any;
    int32_t record = -1;              ///< Record: its index in Program::records
    std::vector<FieldType> args;      ///< List: element; Map: key, value
};

/// A `record` declaration: its fields in declaration order.
struct RecordType {
    std::string name;
    std::vector<std::string> fields;
    std::vector<FieldType> types;     ///< one per field
    uint32_t index = 0;               ///< its position in Program::records

    /// Index of the field called `name`, or -1.
    int32_t fieldIndex(std::string_view name) const
    {
        for (size_t i = 0; i < fields.size(); ++i)
            if (fields[i] == name)
                return int32_t(i);
        return -1;
    }
};

struct GlobalVar {
    std::string name;
    bool isMutable = false;
};

/// One file of a program of several files: its lines in the combined text.
struct SourceSpan {
    std::string name;        ///< display name ("shop/orders.aefl")
    uint32_t firstLine = 1;  ///< its line 1 is this line of the program
    uint32_t lineCount = 0;
};

/// A line of the program as the user sees it.
struct SourcePlace {
    std::string_view file;
    uint32_t line = 1;
    uint32_t fileIndex = 0; ///< index in Program::files (0 for one file)
};

struct Program {
    std::string sourceName;
    uint64_t programHash = 0;          ///< fnv1a64 of the source text
    std::vector<Function> functions;   ///< [i] is FnDecl::index i; synthetic ones follow
    std::vector<ActorType> actors;     ///< by actor index (ActorDecl::index)
    std::vector<MessageType> messages; ///< by message id
    std::vector<GlobalVar> globals;    ///< by global slot
    std::vector<std::string> imports;
    std::vector<RecordType> records;   ///< by record index (RecordDecl::index)
    uint32_t mainFunction = 0;

    /// First function / actor / message with this name, or -1.
    int32_t findFunction(std::string_view name) const;
    int32_t findActor(std::string_view name) const;
    int32_t findMessage(std::string_view name) const;

    /// A program of several files (`import "./x.aefl"`): lines in `lines`
    /// and `position` count in the files' combined text, in this order.
    /// Empty for a program of one file.
    std::vector<SourceSpan> files;
    /// The file and its own line for a line of the program.
    SourcePlace locate(uint32_t line) const;
    /// "file:line:col" of a position, as runtime errors print it.
    std::string where(LineCol pos) const;
    /// The line of the program for `line` of `file` (a display name, or a
    /// path that ends with one's name after a '/'); 0 when no file matches.
    uint32_t programLine(std::string_view file, uint32_t line) const;
};

/// FNV-1a, 64 bits.
uint64_t fnv1a64(std::string_view bytes);

/// Structural checks an engine may run before trusting a program (jump
/// targets, register/constant/function indices in range, every function ends
/// with a return, …). Returns one line per problem; empty when sound.
std::vector<std::string> verifyProgram(const Program& program);

} // namespace aeroflow::compiler
