#include "Print.h"

#include "Text.h"

#include "Program.h"

#include <charconv>
#include <cmath>

namespace aeroflow::engine {

namespace {

using compiler::appendQuoted;
using compiler::isIdentifier;

void append(std::string& out, const Value& v, const compiler::Program* p, bool quoted);

void appendSeq(std::string& out, const std::vector<Value>& items, const compiler::Program* p)
{
    for (size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ", ";
        append(out, items[i], p, true);
    }
}

void appendUiInline(std::string& out, const UiNodeObj& n, const compiler::Program* p)
{
    out += n.desc ? n.desc->element : "?";
    out += " {";
    bool first = true;
    auto sep = [&] { out += first ? " " : ", "; first = false; };
    for (const auto& a : n.args) {
        sep();
        append(out, a, p, true);
    }
    for (size_t i = 0; n.desc && i < n.props.size() && i < n.desc->props.size(); ++i) {
        sep();
        const auto& d = n.desc->props[i];
        out += d.key + ": ";
        if (d.eventFunction >= 0)
            out += "<event>";
        else
            append(out, n.props[i], p, true);
    }
    for (const auto& c : n.children) {
        sep();
        append(out, c, p, true);
    }
    out += first ? "}" : " }";
}

void append(std::string& out, const Value& v, const compiler::Program* p, bool quoted)
{
    switch (v.type()) {
    case ValueType::Nil: out += "nil"; return;
    case ValueType::Bool: out += v.asBool() ? "true" : "false"; return;
    case ValueType::Int: {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, v.asInt());
        out.append(buf, r.ptr);
        return;
    }
    case ValueType::Float: out += formatFloat(v.asFloat()); return;
    case ValueType::String:
        if (quoted)
            appendQuoted(out, asString(v).text);
        else
            out += asString(v).text;
        return;
    case ValueType::List:
        out += '[';
        appendSeq(out, asList(v).items, p);
        out += ']';
        return;
    case ValueType::Map: {
        out += '{';
        bool first = true;
        for (const auto& [k, x] : asMap(v).entries) {
            if (!first)
                out += ", ";
            first = false;
            if (isIdentifier(k))
                out += k;
            else
                appendQuoted(out, k);
            out += ": ";
            append(out, x, p, true);
        }
        out += '}';
        return;
    }
    case ValueType::Tensor: {
        const auto& t = asTensor(v);
        out += "tensor[";
        for (size_t i = 0; i < t.shape.size(); ++i) {
            if (i)
                out += ", ";
            out += std::to_string(t.shape[i]);
        }
        out += "]{";
        for (size_t i = 0; i < t.data.size(); ++i) {
            if (i)
                out += ", ";
            out += formatFloat(t.data[i]);
        }
        out += '}';
        return;
    }
    case ValueType::Actor:
        out += '<';
        out += p && v.actorType() < p->actors.size() ? p->actors[v.actorType()].name : "actor";
        out += '#';
        out += std::to_string(v.actorId());
        out += '>';
        return;
    case ValueType::Message: {
        const auto& m = asMessage(v);
        out += p && m.message < p->messages.size() ? p->messages[m.message].name : "message";
        if (!m.args.empty()) {
            out += '(';
            appendSeq(out, m.args, p);
            out += ')';
        }
        return;
    }
    case ValueType::Result:
        out += asResult(v).ok ? "Ok(" : "Err(";
        append(out, asResult(v).value, p, true);
        out += ')';
        return;
    case ValueType::Function: {
        const auto& c = asClosure(v);
        out += "<fn ";
        out += p && c.function < p->functions.size() ? p->functions[c.function].name : "?";
        out += '>';
        return;
    }
    case ValueType::UiNode: appendUiInline(out, asUiNode(v), p); return;
    }
}

void appendTreeLines(std::string& out, const Value& v, const compiler::Program* p, int depth)
{
    if (v.type() == ValueType::List) {
        for (const auto& x : asList(v).items)
            appendTreeLines(out, x, p, depth);
        return;
    }
    out.append(size_t(depth) * 2, ' ');
    if (v.type() != ValueType::UiNode) {
        append(out, v, p, true);
        out += '\n';
        return;
    }
    const auto& n = asUiNode(v);
    out += n.desc ? n.desc->element : "?";
    for (const auto& a : n.args) {
        out += ' ';
        append(out, a, p, true);
    }
    for (size_t i = 0; n.desc && i < n.props.size() && i < n.desc->props.size(); ++i) {
        const auto& d = n.desc->props[i];
        out += ' ';
        out += d.key;
        if (d.eventFunction >= 0)
            continue; // an event handler: its key says enough
        if (d.bindState >= 0) {
            // bind=field "current value"
            out += '=';
            std::string name = "?";
            if (p && n.actorType >= 0 && size_t(n.actorType) < p->actors.size()
                && size_t(d.bindState) < p->actors[size_t(n.actorType)].stateFields.size())
                name = p->actors[size_t(n.actorType)].stateFields[size_t(d.bindState)];
            out += name;
            out += ' ';
            append(out, n.props[i], p, true);
            continue;
        }
        out += '=';
        append(out, n.props[i], p, true);
    }
    out += '\n';
    for (const auto& c : n.children)
        appendTreeLines(out, c, p, depth + 1);
}

} // namespace

std::string formatFloat(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d < 0 ? "-inf" : "inf";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".e") == std::string::npos)
        s += ".0";
    return s;
}

std::string toDisplay(const Value& v, const compiler::Program* program)
{
    if (v.isString())
        return asString(v).text;
    std::string out;
    append(out, v, program, false);
    return out;
}

void appendRepr(std::string& out, const Value& v, const compiler::Program* program) { append(out, v, program, true); }

bool isUiTree(const Value& v)
{
    if (v.type() == ValueType::UiNode)
        return true;
    if (v.type() != ValueType::List || asList(v).items.empty())
        return false;
    for (const auto& x : asList(v).items)
        if (x.type() != ValueType::UiNode)
            return false;
    return true;
}

std::string formatUiTree(const Value& v, const compiler::Program* program)
{
    std::string out;
    appendTreeLines(out, v, program, 0);
    return out;
}

} // namespace aeroflow::engine
