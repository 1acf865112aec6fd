#include "Program.h"

#include "Builtins.h"

#include <algorithm>

namespace aeroflow::compiler {

namespace {

struct OpInfo {
    const char* name;
    OpFormat format;
    const char* effect;
};

constexpr OpInfo kOps[] = {
#define OP(name, format, effect) {#name, OpFormat::format, effect},
#include "Opcodes.def"
};
static_assert(std::size(kOps) == size_t(Op::Count));

constexpr OperandKinds kFormats[] = {
#define OPFORMAT(name, ka, kb, kc) {OperandKind::ka, OperandKind::kb, OperandKind::kc},
#include "Opcodes.def"
};

} // namespace

const char* opName(Op op) { return op < Op::Count ? kOps[size_t(op)].name : "?"; }
OpFormat opFormat(Op op) { return op < Op::Count ? kOps[size_t(op)].format : OpFormat::None; }
const char* opEffect(Op op) { return op < Op::Count ? kOps[size_t(op)].effect : ""; }
OperandKinds operandKinds(OpFormat format) { return kFormats[size_t(format)]; }
bool isJump(Op op) { return operandKinds(opFormat(op)).b == OperandKind::JumpX; }

const char* functionKindName(FunctionKind kind)
{
    switch (kind) {
    case FunctionKind::Main: return "main";
    case FunctionKind::Function: return "function";
    case FunctionKind::Method: return "method";
    case FunctionKind::Handler: return "handler";
    case FunctionKind::Render: return "render";
    case FunctionKind::Init: return "init";
    case FunctionKind::Event: return "event";
    }
    return "?";
}

const char* actorKindName(ActorType::Kind kind)
{
    switch (kind) {
    case ActorType::Kind::Actor: return "actor";
    case ActorType::Kind::Screen: return "screen";
    case ActorType::Kind::Agent: return "agent";
    }
    return "?";
}

SourcePlace Program::locate(uint32_t line) const
{
    for (size_t i = files.size(); i-- > 0;)
        if (line >= files[i].firstLine)
            return {files[i].name, line - files[i].firstLine + 1, uint32_t(i)};
    return {sourceName, line, 0};
}

std::string Program::where(LineCol pos) const
{
    const SourcePlace at = locate(pos.line);
    return std::string(at.file) + ":" + std::to_string(at.line) + ":" + std::to_string(pos.col);
}

uint32_t Program::programLine(std::string_view file, uint32_t line) const
{
    auto matches = [&](std::string_view name) {
        if (file == name)
            return true;
        // "orders.aefl" matches "shop/orders.aefl"; "shop/orders.aefl" matches "./shop/orders.aefl".
        auto endsWith = [](std::string_view a, std::string_view b) {
            return a.size() > b.size() && a.substr(a.size() - b.size()) == b && a[a.size() - b.size() - 1] == '/';
        };
        return endsWith(name, file) || endsWith(file, name);
    };
    if (files.empty())
        return matches(sourceName) || file.empty() ? line : 0;
    for (const SourceSpan& f : files)
        if (matches(f.name))
            return line >= 1 && line <= f.lineCount ? f.firstLine + line - 1 : 0;
    return 0;
}

LineCol Function::positionAt(uint32_t pc) const
{
    if (lines.empty())
        return position;
    // The last entry whose pc is <= the wanted one.
    auto it = std::upper_bound(lines.begin(), lines.end(), pc,
                               [](uint32_t p, const LineEntry& e) { return p < e.pc; });
    if (it == lines.begin())
        return {lines.front().line, lines.front().col};
    --it;
    return {it->line, it->col};
}

int32_t ActorType::handlerFor(uint32_t message) const
{
    auto it = std::lower_bound(handlers.begin(), handlers.end(), message,
                               [](const HandlerEntry& h, uint32_t m) { return h.message < m; });
    return it != handlers.end() && it->message == message ? int32_t(it->function) : -1;
}

template <class T>
static int32_t findByName(const std::vector<T>& items, std::string_view name)
{
    for (size_t i = 0; i < items.size(); ++i)
        if (items[i].name == name)
            return int32_t(i);
    return -1;
}

int32_t Program::findFunction(std::string_view name) const { return findByName(functions, name); }
int32_t Program::findActor(std::string_view name) const { return findByName(actors, name); }
int32_t Program::findMessage(std::string_view name) const { return findByName(messages, name); }

uint64_t fnv1a64(std::string_view bytes)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char ch : bytes) {
        h ^= ch;
        h *= 0x100000001b3ull;
    }
    return h;
}

// ------------------------------------------------------------- verification --

namespace {

class Verifier {
public:
    Verifier(const Program& p, std::vector<std::string>& out) : m_p(p), m_out(out) {}

    void function(uint32_t index)
    {
        const Function& f = m_p.functions[index];
        m_fn = &f;
        m_fnIndex = index;
        if (f.numRegs < f.arity || f.numRegs > 65535)
            problem("numRegs " + std::to_string(f.numRegs) + " does not fit arity " + std::to_string(f.arity));
        if (f.code.empty()) {
            problem("has no code");
            return;
        }
        const Op last = f.code.back().op;
        if (last != Op::RETURN && last != Op::RETURNNIL && last != Op::HALT)
            problem("does not end with a return");
        if (f.actor >= int32_t(m_p.actors.size()))
            problem("owning actor out of range");
        if (f.lines.empty() || f.lines.front().pc != 0)
            problem("line table does not start at pc 0");
        for (size_t i = 1; i < f.lines.size(); ++i)
            if (f.lines[i].pc <= f.lines[i - 1].pc)
                problem("line table not increasing");
        for (uint32_t pc = 0; pc < f.code.size(); ++pc)
            instr(pc, f.code[pc]);
        for (const ClosureSite& site : f.closures) {
            if (site.function >= m_p.functions.size()) {
                problem("closure site names function " + std::to_string(site.function));
                continue;
            }
            if (site.sources.size() != m_p.functions[site.function].captures.size())
                problem("closure site of function " + std::to_string(site.function) + " has the wrong capture count");
            for (const CaptureSource& s : site.sources)
                if (s.fromCapture ? s.index >= f.captures.size() : s.index >= f.numRegs)
                    problem("closure capture source out of range");
        }
        for (const UiNodeDesc& node : f.uiNodes)
            for (const UiPropDesc& prop : node.props)
                if (prop.eventFunction >= int32_t(m_p.functions.size()))
                    problem("ui event function out of range");
    }

private:
    void problem(const std::string& what, int64_t pc = -1)
    {
        std::string s = "function " + std::to_string(m_fnIndex) + " (" + m_fn->name + ")";
        if (pc >= 0)
            s += " pc " + std::to_string(pc);
        m_out.push_back(s + ": " + what);
    }

    void reg(uint32_t pc, uint32_t r, uint32_t count = 1)
    {
        if (count > 0 && r + count > m_fn->numRegs)
            problem("register " + std::to_string(r + count - 1) + " out of range", pc);
    }

    void operand(uint32_t pc, const Instr& in, OperandKind kind, uint32_t v)
    {
        const Function& f = *m_fn;
        switch (kind) {
        case OperandKind::None:
        case OperandKind::Imm:
        case OperandKind::ImmX:
        case OperandKind::Count:
            break;
        case OperandKind::Reg: reg(pc, v); break;
        case OperandKind::Const:
        case OperandKind::ConstX:
            if (v >= f.constants.size())
                problem("constant out of range", pc);
            else if ((in.op == Op::FIELD || in.op == Op::SETFIELD || in.op == Op::CALLMETHOD || in.op == Op::CALLMODEL)
                     && f.constants[v].kind != Constant::Kind::String)
                problem("key constant is not a string", pc);
            break;
        case OperandKind::Builtin:
            if (v >= uint32_t(BuiltinId::Count))
                problem("builtin out of range", pc);
            break;
        case OperandKind::Message:
            if (v >= m_p.messages.size())
                problem("message out of range", pc);
            break;
        case OperandKind::Record:
            if (v >= m_p.records.size())
                problem("record out of range", pc);
            else if (in.op == Op::NEWREC && in.c != m_p.records[v].fields.size())
                problem("record built with the wrong number of fields", pc);
            break;
        case OperandKind::Capture:
            if (v >= f.captures.size())
                problem("capture out of range", pc);
            break;
        case OperandKind::GlobalX:
            if (v >= m_p.globals.size())
                problem("global out of range", pc);
            break;
        case OperandKind::StateX:
            if (f.actor < 0 || f.actor >= int32_t(m_p.actors.size()) || v >= m_p.actors[f.actor].stateFields.size())
                problem("state field out of range", pc);
            break;
        case OperandKind::FunctionX:
            if (v >= m_p.functions.size())
                problem("function out of range", pc);
            break;
        case OperandKind::ClosureX:
            if (v >= f.closures.size())
                problem("closure site out of range", pc);
            break;
        case OperandKind::ActorX:
            if (v >= m_p.actors.size())
                problem("actor out of range", pc);
            break;
        case OperandKind::UiNodeX:
            if (v >= f.uiNodes.size())
                problem("ui node out of range", pc);
            break;
        case OperandKind::JumpX: {
            const int64_t target = int64_t(pc) + 1 + in.sbc();
            if (target < 0 || target >= int64_t(f.code.size()))
                problem("jump target " + std::to_string(target) + " out of range", pc);
            break;
        }
        }
    }

    void instr(uint32_t pc, const Instr& in)
    {
        if (in.op >= Op::Count) {
            problem("invalid opcode", pc);
            return;
        }
        const OperandKinds k = operandKinds(opFormat(in.op));
        operand(pc, in, k.a, in.a);
        const bool wide = isWide(k.b);
        operand(pc, in, k.b, wide ? in.bc() : in.b);
        if (!wide)
            operand(pc, in, k.c, in.c);
        // Register ranges that the formats do not spell out.
        switch (in.op) {
        case Op::NEWLIST:
        case Op::LISTAPPEND: reg(pc, in.b, in.c); break;
        case Op::NEWMAP: reg(pc, in.b, 2u * in.c); break;
        case Op::CALLVALUE:
        case Op::CALLBUILTIN:
        case Op::MSG:
        case Op::CALLMODEL: reg(pc, in.a, std::max<uint32_t>(in.c, 1)); break;
        case Op::CALLMETHOD: {
            // A mutating method hands the receiver back in R[A+1], even without arguments.
            bool mutates = false;
            if (in.b < m_fn->constants.size())
                for (const MethodInfo& m : allMethods())
                    mutates = mutates || (m.mutates && m.name == m_fn->constants[in.b].s);
            reg(pc, in.a, std::max<uint32_t>(in.c + 1u, mutates ? 2 : 1));
            break;
        }
        case Op::CALL:
            if (in.bc() < m_p.functions.size())
                reg(pc, in.a, std::max<uint32_t>(m_p.functions[in.bc()].arity, 1));
            break;
        case Op::FORPREP:
        case Op::FORLOOP: reg(pc, in.a, 4); break;
        case Op::ITERPREP:
        case Op::ITERNEXT: reg(pc, in.a, 3); break;
        case Op::UINODE:
            if (in.bc() < m_fn->uiNodes.size()) {
                const UiNodeDesc& d = m_fn->uiNodes[in.bc()];
                reg(pc, in.a, std::max<uint32_t>(1, d.argCount + uint32_t(d.props.size()) + d.childCount));
            }
            break;
        default: break;
        }
    }

    const Program& m_p;
    std::vector<std::string>& m_out;
    const Function* m_fn = nullptr;
    uint32_t m_fnIndex = 0;
};

} // namespace

std::vector<std::string> verifyProgram(const Program& program)
{
    std::vector<std::string> out;
    if (program.mainFunction >= program.functions.size())
        out.push_back("main function out of range");
    Verifier v(program, out);
    for (uint32_t i = 0; i < program.functions.size(); ++i)
        v.function(i);
    for (size_t i = 0; i < program.actors.size(); ++i) {
        const ActorType& a = program.actors[i];
        const std::string who = "actor " + std::to_string(i) + " (" + a.name + ")";
        if (a.initFunction >= program.functions.size())
            out.push_back(who + ": init function out of range");
        if (a.renderFunction >= int32_t(program.functions.size()))
            out.push_back(who + ": render function out of range");
        for (size_t h = 0; h < a.handlers.size(); ++h) {
            if (a.handlers[h].function >= program.functions.size() || a.handlers[h].message >= program.messages.size())
                out.push_back(who + ": handler out of range");
            if (h > 0 && a.handlers[h].message <= a.handlers[h - 1].message)
                out.push_back(who + ": handlers not sorted by message id");
        }
    }
    return out;
}

} // namespace aeroflow::compiler
