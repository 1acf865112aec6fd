#include "Disassembler.h"

#include "Text.h"

#include "Builtins.h"

#include <charconv>
#include <cstdio>

namespace aeroflow::compiler {

namespace {


std::string floatText(double v)
{
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string s = ec == std::errc() ? std::string(buf, end) : std::string("?");
    if (s.find_first_of(".eEn") == std::string::npos) // keep floats visibly floats: 2.0, not 2
        s += ".0";
    return s;
}

std::string builtinName(uint32_t id)
{
    if (id >= uint32_t(BuiltinId::Count))
        return "builtin?" + std::to_string(id);
    const BuiltinInfo& info = builtinInfo(BuiltinId(id));
    return info.module.empty() ? std::string(info.name) : std::string(info.module) + "." + std::string(info.name);
}

template <class T>
std::string nameAt(const std::vector<T>& items, uint32_t i)
{
    return i < items.size() ? items[i].name : "?" + std::to_string(i);
}

void append(std::string& comment, const std::string& part)
{
    if (part.empty())
        return;
    if (!comment.empty())
        comment += ", ";
    comment += part;
}

class Lister {
public:
    Lister(const Program& p, const Function& f) : m_p(p), m_f(f) {}

    std::string functionRef(uint32_t index) const { return "#" + std::to_string(index) + " " + nameAt(m_p.functions, index); }

    std::string constant(uint32_t i) const
    {
        return i < m_f.constants.size() ? constantText(m_f.constants[i]) : "K?" + std::to_string(i);
    }

    std::string closure(uint32_t i) const
    {
        if (i >= m_f.closures.size())
            return "closure?" + std::to_string(i);
        const ClosureSite& site = m_f.closures[i];
        std::string s = "fn " + functionRef(site.function);
        if (!site.sources.empty()) {
            s += " [";
            for (size_t k = 0; k < site.sources.size(); ++k) {
                const CaptureSource& src = site.sources[k];
                s += (k ? " " : "") + std::string(src.fromCapture ? "U" : "R") + std::to_string(src.index);
            }
            s += "]";
        }
        return s;
    }

    std::string uiNode(uint32_t i) const
    {
        if (i >= m_f.uiNodes.size())
            return "ui?" + std::to_string(i);
        const UiNodeDesc& d = m_f.uiNodes[i];
        std::string s = d.element;
        if (d.screenActor >= 0)
            s += " (screen " + nameAt(m_p.actors, uint32_t(d.screenActor)) + ")";
        s += " args " + std::to_string(d.argCount);
        if (!d.props.empty()) {
            s += " props {";
            for (size_t k = 0; k < d.props.size(); ++k) {
                const UiPropDesc& pd = d.props[k];
                s += (k ? " " : "") + pd.key;
                if (pd.eventFunction >= 0)
                    s += "=>" + functionRef(uint32_t(pd.eventFunction));
                if (pd.bindState >= 0)
                    s += "<->" + stateName(uint32_t(pd.bindState));
            }
            s += "}";
        }
        s += " children " + std::to_string(d.childCount);
        return s;
    }

    std::string stateName(uint32_t i) const
    {
        if (m_f.actor < 0 || size_t(m_f.actor) >= m_p.actors.size())
            return "S?" + std::to_string(i);
        const auto& fields = m_p.actors[size_t(m_f.actor)].stateFields;
        return i < fields.size() ? fields[i] : "S?" + std::to_string(i);
    }

    // Operand text and its comment part.
    void operand(uint32_t pc, const Instr& in, OperandKind kind, uint32_t v, std::string& ops, std::string& comment) const
    {
        if (kind == OperandKind::None)
            return;
        std::string text;
        std::string note;
        switch (kind) {
        case OperandKind::None: break;
        case OperandKind::Reg:
        case OperandKind::Count: text = std::to_string(v); break;
        case OperandKind::Imm:
            text = std::to_string(int16_t(v));
            break;
        case OperandKind::ImmX:
            text = std::to_string(int32_t(v));
            break;
        case OperandKind::Const:
        case OperandKind::ConstX: text = std::to_string(v); note = constant(v); break;
        case OperandKind::Builtin: text = std::to_string(v); note = builtinName(v); break;
        case OperandKind::Message: text = std::to_string(v); note = "message " + nameAt(m_p.messages, v); break;
        case OperandKind::Record: text = std::to_string(v); note = "record " + nameAt(m_p.records, v); break;
        case OperandKind::Capture:
            text = std::to_string(v);
            note = "capture " + (v < m_f.captures.size() ? m_f.captures[v] : "?");
            break;
        case OperandKind::GlobalX: text = std::to_string(v); note = "global " + nameAt(m_p.globals, v); break;
        case OperandKind::StateX: text = std::to_string(v); note = "state " + stateName(v); break;
        case OperandKind::FunctionX: text = std::to_string(v); note = functionRef(v); break;
        case OperandKind::ClosureX: text = std::to_string(v); note = closure(v); break;
        case OperandKind::ActorX: text = std::to_string(v); note = "actor " + nameAt(m_p.actors, v); break;
        case OperandKind::UiNodeX: text = std::to_string(v); note = uiNode(v); break;
        case OperandKind::JumpX:
            text = std::to_string(int32_t(v));
            note = "to " + std::to_string(int64_t(pc) + 1 + int32_t(v));
            break;
        }
        (void)in;
        if (!ops.empty())
            ops += ' ';
        ops += text;
        append(comment, note);
    }

    std::string line(uint32_t pc) const
    {
        const Instr& in = m_f.code[pc];
        const OperandKinds k = operandKinds(opFormat(in.op));
        std::string ops;
        std::string comment;
        operand(pc, in, k.a, in.a, ops, comment);
        if (isWide(k.b)) {
            operand(pc, in, k.b, in.bc(), ops, comment);
        } else {
            operand(pc, in, k.b, in.b, ops, comment);
            operand(pc, in, k.c, in.c, ops, comment);
        }
        if (in.op == Op::LOADI)
            comment = std::to_string(in.sbc());
        const LineCol pos = m_f.positionAt(pc);
        // A program of several files: the line in the function's own file.
        const uint32_t line = m_p.files.empty() ? pos.line : m_p.locate(pos.line).line;
        char head[64];
        std::snprintf(head, sizeof head, "%5u  %5u:%-4u %-12s ", pc, line, pos.col, opName(in.op));
        std::string out = head;
        out += ops;
        if (!comment.empty()) {
            if (ops.size() < 16)
                out.append(16 - ops.size(), ' ');
            out += " ; " + comment;
        }
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        return out + "\n";
    }

private:
    const Program& m_p;
    const Function& m_f;
};

} // namespace

std::string constantText(const Constant& k)
{
    switch (k.kind) {
    case Constant::Kind::Nil: return "nil";
    case Constant::Kind::Bool: return k.b ? "true" : "false";
    case Constant::Kind::Int: return std::to_string(k.i);
    case Constant::Kind::Float: return floatText(k.f);
    case Constant::Kind::String: return quoted(k.s);
    }
    return "?";
}

std::string disassembleFunction(const Program& program, uint32_t index)
{
    if (index >= program.functions.size())
        return {};
    const Function& f = program.functions[index];
    Lister lister(program, f);
    std::string out = "function #" + std::to_string(index) + " " + f.name + " (" + functionKindName(f.kind);
    if (f.actor >= 0)
        out += " of " + nameAt(program.actors, uint32_t(f.actor));
    out += ") arity " + std::to_string(f.arity) + ", " + std::to_string(f.numRegs) + " registers, "
        + std::to_string(f.captures.size()) + " captures";
    if (!f.captures.empty()) {
        out += " [";
        for (size_t i = 0; i < f.captures.size(); ++i)
            out += (i ? " " : "") + f.captures[i];
        out += "]";
    }
    if (program.files.empty())
        out += ", at " + std::to_string(f.position.line) + ":" + std::to_string(f.position.col) + "\n";
    else
        out += ", at " + program.where(f.position) + "\n";
    for (uint32_t pc = 0; pc < f.code.size(); ++pc)
        out += lister.line(pc);
    if (!f.constants.empty()) {
        out += "  constants:";
        for (size_t i = 0; i < f.constants.size(); ++i)
            out += " " + std::to_string(i) + "=" + constantText(f.constants[i]);
        out += "\n";
    }
    if (!f.locals.empty()) {
        out += "  locals:";
        for (const LocalVar& v : f.locals)
            out += " " + v.name + "=R" + std::to_string(v.reg) + "[" + std::to_string(v.startPc) + ","
                + std::to_string(v.endPc) + ")";
        out += "\n";
    }
    return out;
}

std::string disassemble(const Program& program)
{
    char hash[32];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(program.programHash));
    std::string out = "program " + program.sourceName + " (hash " + hash + "): " + std::to_string(program.functions.size())
        + " functions, " + std::to_string(program.actors.size()) + " actors, main #" + std::to_string(program.mainFunction)
        + "\n";
    if (!program.imports.empty()) {
        out += "imports:";
        for (const std::string& imp : program.imports)
            out += " " + imp;
        out += "\n";
    }
    if (!program.globals.empty()) {
        out += "globals:";
        for (size_t i = 0; i < program.globals.size(); ++i)
            out += " " + std::to_string(i) + "=" + program.globals[i].name + (program.globals[i].isMutable ? "(mut)" : "");
        out += "\n";
    }
    if (!program.messages.empty()) {
        out += "messages:";
        for (size_t i = 0; i < program.messages.size(); ++i)
            out += " " + std::to_string(i) + "=" + program.messages[i].name + "/" + std::to_string(program.messages[i].arity);
        out += "\n";
    }
    for (size_t i = 0; i < program.actors.size(); ++i) {
        const ActorType& a = program.actors[i];
        auto fn = [&](int64_t index) {
            return index < 0 ? std::string("-") : "#" + std::to_string(index) + " " + nameAt(program.functions, uint32_t(index));
        };
        out += "actor " + std::to_string(i) + " " + a.name + " (" + actorKindName(a.kind) + "): state [";
        for (size_t k = 0; k < a.stateFields.size(); ++k)
            out += (k ? " " : "") + a.stateFields[k];
        out += "], init " + fn(a.initFunction) + ", render " + fn(a.renderFunction);
        if (!a.modelName.empty())
            out += ", model " + quoted(a.modelName);
        out += "\n";
        for (const HandlerEntry& h : a.handlers)
            out += "  on " + nameAt(program.messages, h.message) + " -> " + fn(h.function) + "\n";
    }
    for (uint32_t i = 0; i < program.functions.size(); ++i)
        out += "\n" + disassembleFunction(program, i);
    return out;
}

} // namespace aeroflow::compiler
