// Builtin functions, module members and value methods (compiler/Builtins.h),
// dispatched by id from Vm::resume.

#include "Builtins.h"
#include "DetMath.h"
#include "Format.h"
#include "Json.h"
#include "MapKey.h"
#include "Ops.h"
#include "ParseDouble.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Scheduler.h"
#include "Sets.h"
#include "Vm.h"
#include "WorldBridge.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>

namespace aeroflow::engine {

using compiler::BuiltinId;
using compiler::MethodId;

namespace {

const std::string& needString(const Value& v, const char* what)
{
    if (!v.isString())
        fail(std::string(what) + " needs a string, found " + describeType(v));
    return asString(v).text;
}

int64_t needInt(const Value& v, const char* what)
{
    if (!v.isInt())
        fail(std::string(what) + " needs an int, found " + describeType(v));
    return v.asInt();
}

double needNumber(const Value& v, const char* what)
{
    if (!v.isNumber())
        fail(std::string(what) + " needs a number, found " + describeType(v));
    return v.toDouble();
}

const std::vector<Value>& needList(const Value& v, const char* what)
{
    if (!v.isList())
        fail(std::string(what) + " needs a list, found " + describeType(v));
    return asList(v).items;
}

int64_t floatToInt(double d, const char* what)
{
    if (!std::isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        fail(std::string(what) + ": " + formatFloat(d) + " does not fit in an int");
    return int64_t(d);
}

Value range(Value* a, uint32_t n)
{
    int64_t lo = 0, hi, step = 1;
    if (n == 1) {
        hi = needInt(a[0], "range()");
    } else {
        lo = needInt(a[0], "range()");
        hi = needInt(a[1], "range()");
        if (n == 3)
            step = needInt(a[2], "range()");
    }
    if (step == 0)
        fail("range() step must not be 0");
    uint64_t count = 0;
    if (step > 0 && lo < hi)
        count = (uint64_t(hi) - uint64_t(lo) - 1) / uint64_t(step) + 1;
    else if (step < 0 && lo > hi)
        count = (uint64_t(lo) - uint64_t(hi) - 1) / (uint64_t(0) - uint64_t(step)) + 1;
    if (count > (uint64_t(1) << 40))
        checkMemory(-1);
    chargeWork(count);
    checkMemory(int64_t(count * sizeof(Value)));
    std::vector<Value> items;
    items.reserve(count);
    int64_t v = lo;
    for (uint64_t i = 0; i < count; ++i, v = int64_t(uint64_t(v) + uint64_t(step)))
        items.push_back(Value::integer(v));
    return makeList(std::move(items));
}

Value sumOf(const std::vector<Value>& xs)
{
    chargeWork(xs.size());
    bool isFloat = false;
    int64_t i = 0;
    double f = 0;
    for (const auto& x : xs) {
        if (!x.isNumber())
            fail("sum() needs numbers, found " + describeType(x));
        if (x.isFloat() && !isFloat) {
            isFloat = true;
            f = double(i);
        }
        if (isFloat)
            f += x.toDouble();
        else
            i = checkedAdd(i, x.asInt());
    }
    return isFloat ? Value::number(f) : Value::integer(i);
}

Value extreme(Value* a, uint32_t n, bool wantMax, const char* what)
{
    const Value* items = a;
    size_t count = n;
    if (n == 1 && a[0].isList()) {
        items = asList(a[0]).items.data();
        count = asList(a[0]).items.size();
    }
    if (count == 0)
        fail(std::string(what) + " of an empty list");
    chargeWork(count);
    size_t best = 0;
    for (size_t i = 1; i < count; ++i) {
        const int c = order(items[i], items[best]);
        if (wantMax ? c > 0 : c < 0)
            best = i;
    }
    return items[best];
}

std::string caseMap(std::string s, bool upper)
{
    chargeBytes(s.size());
    for (auto& c : s)
        if (upper && c >= 'a' && c <= 'z')
            c = char(c - 32);
        else if (!upper && c >= 'A' && c <= 'Z')
            c = char(c + 32);
    return s;
}

std::string trim(const std::string& s)
{
    chargeBytes(s.size());
    const char* ws = " \t\n\r\f\v";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

Value split(const StringObj& s, const std::string& sep)
{
    chargeBytes(s.text.size());
    std::vector<Value> parts;
    if (sep.empty()) {
        chargeWork(s.chars);
        // One pass over the characters (charAt would rescan from the start);
        // stray continuation bytes before the first character belong to none.
        size_t first = 0;
        while (first < s.text.size() && (static_cast<unsigned char>(s.text[first]) & 0xC0) == 0x80)
            ++first;
        for (size_t b = first; b < s.text.size();) {
            size_t e = b + 1;
            while (e < s.text.size() && (static_cast<unsigned char>(s.text[e]) & 0xC0) == 0x80)
                ++e;
            parts.push_back(makeString(s.text.substr(b, e - b)));
            b = e;
        }
        return makeList(std::move(parts));
    }
    size_t pos = 0;
    for (;;) {
        const size_t k = s.text.find(sep, pos);
        if (k == std::string::npos)
            break;
        chargeWork(1);
        parts.push_back(makeString(s.text.substr(pos, k - pos)));
        pos = k + sep.size();
    }
    parts.push_back(makeString(s.text.substr(pos)));
    return makeList(std::move(parts));
}

std::string replaceAll(const std::string& s, const std::string& from, const std::string& to)
{
    chargeBytes(s.size());
    if (from.empty())
        return s;
    std::string out;
    size_t pos = 0;
    for (;;) {
        const size_t k = s.find(from, pos);
        if (k == std::string::npos)
            break;
        out.append(s, pos, k - pos);
        out += to;
        pos = k + from.size();
        chargeBytes(to.size());
        checkMemory(int64_t(out.size()));
    }
    out.append(s, pos);
    return out;
}

std::string joinList(const std::vector<Value>& xs, const std::string& sep, const compiler::Program* p)
{
    chargeWork(xs.size());
    std::string out;
    OutputMeter meter(out);
    for (size_t i = 0; i < xs.size(); ++i) {
        if (i)
            out += sep;
        if (xs[i].isString())
            out += asString(xs[i]).text; // toDisplay of a string, without the copy
        else
            appendDisplay(out, xs[i], p);
        meter.note();
    }
    meter.settle(false);
    return out;
}

bool listContains(const std::vector<Value>& xs, const Value& v)
{
    chargeWork(xs.size());
    for (const auto& x : xs)
        if (valuesEqual(x, v))
            return true;
    return false;
}

Value sorted(const std::vector<Value>& xs)
{
    chargeWork(xs.size() * (std::bit_width(xs.size()) + 1));
    std::vector<Value> out = xs;
    for (size_t i = 1; i < out.size(); ++i)
        order(out[0], out[i]); // throws for mixed kinds before sorting
    std::stable_sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return order(a, b) < 0; });
    return makeList(std::move(out));
}

/// enumerate(xs): [[0, x0], [1, x1], ...]; zip(xs, ys): [[x0, y0], ...] up
/// to the shorter list's end.
Value pairs(const std::vector<Value>* xs, const std::vector<Value>& ys)
{
    const size_t n = xs ? std::min(xs->size(), ys.size()) : ys.size();
    chargeWork(n);
    checkMemory(int64_t(n * 3 * sizeof(Value)));
    std::vector<Value> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i)
        out.push_back(makeList({xs ? (*xs)[i] : Value::integer(int64_t(i)), ys[i]}));
    return makeList(std::move(out));
}

Value reversed(const std::vector<Value>& xs)
{
    chargeWork(xs.size());
    return makeList(std::vector<Value>(xs.rbegin(), xs.rend()));
}

int64_t mathRound(const Value& v, BuiltinId id)
{
    if (v.isInt())
        return v.asInt();
    const double d = needNumber(v, "math");
    switch (id) {
    case BuiltinId::MathFloor: return floatToInt(std::floor(d), "math.floor");
    case BuiltinId::MathCeil: return floatToInt(std::ceil(d), "math.ceil");
    default: return floatToInt(std::round(d), "math.round");
    }
}

Value absValue(const Value& v)
{
    if (v.isInt()) {
        if (v.asInt() == INT64_MIN)
            fail("integer overflow in abs()");
        return Value::integer(v.asInt() < 0 ? -v.asInt() : v.asInt());
    }
    if (v.isFloat())
        return Value::number(std::fabs(v.asFloat()));
    fail("abs() needs a number, found " + describeType(v));
}

Value toInt(const Value& v)
{
    if (v.isInt())
        return v;
    if (v.isFloat())
        return Value::integer(floatToInt(std::trunc(v.asFloat()), "int()"));
    if (v.isBool())
        return Value::integer(v.asBool() ? 1 : 0);
    if (v.isString()) {
        const std::string t = trim(asString(v).text);
        int64_t r = 0;
        const char* b = t.data();
        if (!t.empty() && t[0] == '+')
            ++b;
        auto res = std::from_chars(b, t.data() + t.size(), r);
        if (t.empty() || res.ec != std::errc() || res.ptr != t.data() + t.size())
            fail("int() cannot convert \"" + asString(v).text + "\" to an int");
        return Value::integer(r);
    }
    fail("int() cannot convert a value of type " + describeType(v));
}

Value toFloat(const Value& v)
{
    if (v.isNumber())
        return Value::number(v.toDouble());
    if (v.isString()) {
        const std::string t = trim(asString(v).text);
        double r = 0;
        const char* b = t.data();
        if (!t.empty() && t[0] == '+')
            ++b;
        auto res = parseDouble(b, t.data() + t.size(), r);
        if (t.empty() || res.ec != std::errc() || res.ptr != t.data() + t.size())
            fail("float() cannot convert \"" + asString(v).text + "\" to a float");
        return Value::number(r);
    }
    fail("float() cannot convert a value of type " + describeType(v));
}

[[noreturn]] void notSupported(BuiltinId id)
{
    const auto& info = compiler::builtinInfo(id);
    fail(std::string(info.module) + "." + std::string(info.name) + " is not supported yet by this engine");
}

} // namespace

Value Vm::callBuiltin(uint16_t rawId, Value* a, uint32_t n, Fiber& fiber)
{
    const auto id = BuiltinId(rawId);
    const compiler::Program* p = &m_program;
    switch (id) {
    case BuiltinId::Print: {
        std::string line;
        for (uint32_t i = 0; i < n; ++i) {
            if (i)
                line += ' ';
            line += toDisplay(a[i], p);
        }
        line += '\n';
        m_sched.output(std::move(line));
        return {};
    }
    case BuiltinId::Len:
    case BuiltinId::StringLen:
    case BuiltinId::ListLen: return Value::integer(lengthOf(a[0], "len()"));
    case BuiltinId::Range: return range(a, n);
    case BuiltinId::Str: return makeString(toDisplay(a[0], p));
    case BuiltinId::Format: return formatTemplate(a, n, p);
    case BuiltinId::ToInt: return toInt(a[0]);
    case BuiltinId::ToFloat: return toFloat(a[0]);
    case BuiltinId::TypeOf:
        return makeString(a[0].type() == ValueType::Record ? recordName(asRecord(a[0])) : valueTypeName(a[0].type()));
    case BuiltinId::Abs:
    case BuiltinId::MathAbs: return absValue(a[0]);
    case BuiltinId::Min:
    case BuiltinId::MathMin: return extreme(a, n, false, "min()");
    case BuiltinId::Max:
    case BuiltinId::MathMax: return extreme(a, n, true, "max()");
    case BuiltinId::Assert:
        if (!a[0].isBool())
            fail("assert() needs a bool condition, found " + describeType(a[0]));
        if (!a[0].asBool())
            fail(n > 1 ? "assertion failed: " + toDisplay(a[1], p) : std::string("assertion failed"));
        return {};
    case BuiltinId::Random: return Value::number(m_sched.currentActor().rng.nextDouble());
    case BuiltinId::RandomInt: {
        const int64_t lo = needInt(a[0], "random_int()"), hi = needInt(a[1], "random_int()");
        if (lo > hi)
            fail("random_int(" + std::to_string(lo) + ", " + std::to_string(hi) + "): the low bound is above the high bound");
        return Value::integer(m_sched.currentActor().rng.nextInRange(lo, hi));
    }
    case BuiltinId::Env: {
        auto v = m_sched.env(needString(a[0], "env()"));
        return v ? makeString(*v) : Value();
    }
    case BuiltinId::ReadLine: {
        auto v = m_sched.readLine();
        return v ? makeString(*v) : Value();
    }
    case BuiltinId::Send: m_sched.send(a[0], a[1], 1); return {};
    case BuiltinId::After: m_sched.send(a[1], a[2], needInt(a[0], "after() delay")); return {};
    case BuiltinId::Emit: m_sched.emit(a[0]); return {};
    case BuiltinId::Monitor: m_sched.monitor(a[0]); return {};
    case BuiltinId::Link: m_sched.link(a[0]); return {};
    case BuiltinId::Supervise:
        if (n == 1)
            return m_sched.supervise(a[0], nullptr, 0, 0);
        if (n != 4)
            fail("supervise() takes the child, or the child, a strategy, a restart limit and a window in ticks");
        return m_sched.supervise(a[0], &a[1], needInt(a[2], "supervise() restart limit"),
                                 needInt(a[3], "supervise() window"));
    case BuiltinId::Ask: return m_sched.ask(a[0], a[1], needInt(a[2], "ask() timeout"));
    case BuiltinId::Recv: {
        if (!m_sched.inMain())
            fail("recv() is only available in the main program; actors receive messages with 'on' handlers");
        if (m_callbacks > 0)
            fail("recv() cannot wait inside a function called by map, filter, sort and the like; receive in a loop "
                 "around them");
        Value v;
        if (m_sched.takeMainInbox(v))
            return v;
        m_suspend = true;
        return {};
    }
    case BuiltinId::Stop:
        if (m_sched.inMain())
            fail("stop() stops the current actor; the main program ends when its code and all messages are done");
        m_sched.stopCurrent();
        return {};
    case BuiltinId::Matmul:
    case BuiltinId::TensorMatmul: return tensorMatmul(a[0], a[1]);
    case BuiltinId::Relu:
    case BuiltinId::TensorRelu: return tensorRelu(a[0]);
    case BuiltinId::Softmax:
    case BuiltinId::TensorSoftmax: return tensorSoftmax(a[0]);
    case BuiltinId::Transpose:
    case BuiltinId::TensorTranspose: return tensorTranspose(a[0]);
    case BuiltinId::Shape:
    case BuiltinId::TensorShape: return tensorShape(a[0]);
    case BuiltinId::Sum:
    case BuiltinId::TensorSum:
    case BuiltinId::ListSum:
        if (a[0].type() == ValueType::Tensor)
            return tensorSum(a[0]);
        return sumOf(needList(a[0], "sum()"));
    case BuiltinId::MathSqrt: return Value::number(std::sqrt(needNumber(a[0], "math.sqrt()")));
    case BuiltinId::MathFloor:
    case BuiltinId::MathCeil:
    case BuiltinId::MathRound: return Value::integer(mathRound(a[0], id));
    case BuiltinId::MathPow: return Value::number(detmath::pow(needNumber(a[0], "math.pow()"), needNumber(a[1], "math.pow()")));
    case BuiltinId::MathExp: return Value::number(detmath::exp(needNumber(a[0], "math.exp()")));
    case BuiltinId::MathLog: return Value::number(detmath::log(needNumber(a[0], "math.log()")));
    case BuiltinId::MathSin: return Value::number(detmath::sin(needNumber(a[0], "math.sin()")));
    case BuiltinId::MathCos: return Value::number(detmath::cos(needNumber(a[0], "math.cos()")));
    case BuiltinId::MathTan: return Value::number(detmath::tan(needNumber(a[0], "math.tan()")));
    case BuiltinId::MathPi: return Value::number(3.141592653589793);
    case BuiltinId::MathE: return Value::number(2.718281828459045);
    case BuiltinId::StringUpper: return makeString(caseMap(needString(a[0], "string.upper()"), true));
    case BuiltinId::StringLower: return makeString(caseMap(needString(a[0], "string.lower()"), false));
    case BuiltinId::StringTrim: return makeString(trim(needString(a[0], "string.trim()")));
    case BuiltinId::StringSplit:
        needString(a[0], "string.split()");
        return split(asString(a[0]), needString(a[1], "string.split()"));
    case BuiltinId::StringJoin: return makeString(joinList(needList(a[0], "string.join()"), needString(a[1], "string.join()"), p));
    case BuiltinId::StringContains:
        chargeBytes(needString(a[0], "string.contains()").size());
        return Value::boolean(needString(a[0], "string.contains()").find(needString(a[1], "string.contains()")) != std::string::npos);
    case BuiltinId::StringReplace:
        return makeString(replaceAll(needString(a[0], "string.replace()"), needString(a[1], "string.replace()"),
                                     needString(a[2], "string.replace()")));
    case BuiltinId::Sort:
    case BuiltinId::ListSort:
        if (n < 2)
            return sorted(needList(a[0], id == BuiltinId::Sort ? "sort()" : "list.sort()"));
        return runCallback(uint8_t(compiler::Callback::Sort), fiber, a[0], a[1], nullptr);
    case BuiltinId::Map:
    case BuiltinId::Filter:
    case BuiltinId::AnyOf:
    case BuiltinId::AllOf:
    case BuiltinId::SortBy: return runCallback(uint8_t(compiler::callbackOf(id)), fiber, a[0], a[1], nullptr);
    case BuiltinId::Reduce: {
        if (n == 2)
            return runCallback(uint8_t(compiler::Callback::Reduce), fiber, a[0], a[1], nullptr);
        const Value init = a[1];
        return runCallback(uint8_t(compiler::Callback::Reduce), fiber, a[0], a[2], &init);
    }
    case BuiltinId::Enumerate: return pairs(nullptr, needList(a[0], "enumerate()"));
    case BuiltinId::Zip: return pairs(&needList(a[0], "zip()"), needList(a[1], "zip()"));
    case BuiltinId::SetOf: return setFrom(n > 0 ? &a[0] : nullptr);
    case BuiltinId::ListReverse: return reversed(needList(a[0], "list.reverse()"));
    case BuiltinId::ListContains: return Value::boolean(listContains(needList(a[0], "list.contains()"), a[1]));
    case BuiltinId::JsonEncode: return makeString(jsonEncode(a[0], p));
    case BuiltinId::JsonDecode: {
        const std::string& text = needString(a[0], "json.decode()");
        chargeWork(text.size() / 8);
        if (n == 2 && p)
            return jsonDecodeRecord(text, *p, a[1].isInt() ? a[1].asInt() : -1);
        return jsonDecode(text);
    }
    case BuiltinId::CryptoSha256: {
        const std::string& text = needString(a[0], "crypto.sha256()");
        chargeWork(text.size() / 4);
        return makeString(sha256Hex(text));
    }
    case BuiltinId::HttpCore:
    case BuiltinId::CryptoJwt:
    case BuiltinId::UiView: return {}; // published names without meaning yet
    case BuiltinId::HttpGet:
    case BuiltinId::HttpPost:
    case BuiltinId::NetHttpGet:
    case BuiltinId::NetHttpPost: {
        Value out;
        const bool post = id == BuiltinId::HttpPost || id == BuiltinId::NetHttpPost;
        if (m_callbacks > 0 && m_sched.inMain())
            fail(std::string(compiler::builtinInfo(id).module) + "." + std::string(compiler::builtinInfo(id).name) +
                 "() in the main program waits for its answer, which it cannot do inside a function called by map, "
                 "filter, sort and the like");
        if (!m_sched.world().call(post, a, n, out)) {
            m_suspend = true; // the main program waits; this builtin runs again when the answer is in
            return {};
        }
        return out;
    }
    case BuiltinId::NetHttpServe: return m_sched.world().serve(a[0], a[1], false);
    case BuiltinId::NetWsServe: return m_sched.world().serve(a[0], a[1], true);
    case BuiltinId::Respond: m_sched.world().respond(a, n); return {};
    case BuiltinId::WsSend: m_sched.world().wsSend(a[0], a[1]); return {};
    case BuiltinId::WsClose: m_sched.world().wsClose(a[0]); return {};
    case BuiltinId::Now: return m_sched.world().now();
    case BuiltinId::Every: return m_sched.world().startTimer(a, true);
    case BuiltinId::AfterMs: return m_sched.world().startTimer(a, false);
    case BuiltinId::CancelTimer: return m_sched.world().cancelTimer(a[0]);
    case BuiltinId::FsRead: return m_sched.world().readFile(a[0]);
    case BuiltinId::FsWrite: return m_sched.world().writeFile(a[0], a[1]);
    default: notSupported(id);
    }
}

Value Vm::callMethod(uint32_t function, uint32_t constant, Value* r, uint32_t argc, Fiber& fiber)
{
    const Value& recv = r[0];
    const std::string& name = m_program.functions[function].constants[constant].s;
    compiler::MethodReceiver kind;
    switch (recv.type()) {
    case ValueType::String: kind = compiler::MethodReceiver::String; break;
    case ValueType::List: kind = compiler::MethodReceiver::List; break;
    case ValueType::Map: kind = compiler::MethodReceiver::Map; break;
    case ValueType::Tensor: kind = compiler::MethodReceiver::Tensor; break;
    case ValueType::Result: kind = compiler::MethodReceiver::Result; break;
    case ValueType::Set: kind = compiler::MethodReceiver::Set; break;
    default: fail(describeType(recv) + " has no method '" + name + "'");
    }
    int16_t& cached = m_methodCache[function][constant][size_t(kind)];
    if (cached == -2) {
        const auto* info = compiler::findMethod(kind, name);
        cached = info ? int16_t(info->id) : int16_t(-1);
    }
    if (cached < 0)
        fail(describeType(recv) + " has no method '" + name + "'");
    const auto& info = compiler::methodInfo(MethodId(cached));
    if (int(argc) < info.minArgs || int(argc) > info.maxArgs)
        fail("method '" + name + "' takes " + std::to_string(info.minArgs) + " arguments, found " + std::to_string(argc));
    Value* args = r + 1;
    const compiler::Program* p = &m_program;

    if (info.mutates) {
        // The changed receiver goes to R[A+1] (the lowering stores it back).
        Value target = r[0];
        r[0] = Value(); // drop this register's reference: copy only when really shared
        Value result;
        switch (MethodId(cached)) {
        case MethodId::ListPush: {
            checkMemory(int64_t(sizeof(Value)) * int64_t(asList(target).items.size() / 2 + 1));
            auto& l = mutableList(target);
            l.items.push_back(args[0]);
            l.recharge();
            break;
        }
        case MethodId::ListPop: {
            if (asList(target).items.empty())
                fail("pop() on an empty list");
            auto& l = mutableList(target);
            result = std::move(l.items.back());
            l.items.pop_back();
            break;
        }
        case MethodId::ListInsert: {
            const int64_t i = needInt(args[0], "insert()");
            const int64_t size = int64_t(asList(target).items.size());
            if (i < 0 || i > size)
                fail("insert() index " + std::to_string(i) + " out of range (length " + std::to_string(size) + ")");
            chargeWork(uint64_t(size - i));
            checkMemory(int64_t(sizeof(Value)) * (size / 2 + 1));
            auto& l = mutableList(target);
            l.items.insert(l.items.begin() + i, args[1]);
            l.recharge();
            break;
        }
        case MethodId::ListRemoveAt: {
            const int64_t i = needInt(args[0], "remove_at()");
            const int64_t size = int64_t(asList(target).items.size());
            if (i < 0 || i >= size)
                fail("remove_at() index " + std::to_string(i) + " out of range (length " + std::to_string(size) + ")");
            chargeWork(uint64_t(size - i));
            auto& l = mutableList(target);
            result = std::move(l.items[size_t(i)]);
            l.items.erase(l.items.begin() + i);
            break;
        }
        case MethodId::MapRemove: {
            const MapKey key(args[0]);
            if (!key.ok())
                refuseMapKey(args[0], "map key");
            chargeBytes(key.bytes().size());
            if (asMap(target).lookup(key.bytes()))
                mutableMap(target).remove(key.bytes(), &result);
            break;
        }
        case MethodId::SetAdd: result = Value::boolean(setAdd(target, args[0])); break;
        case MethodId::SetRemove: result = Value::boolean(setRemove(target, args[0])); break;
        default: fail("unknown mutating method '" + name + "'");
        }
        r[1] = std::move(target);
        return result;
    }

    switch (MethodId(cached)) {
    case MethodId::StrLen:
    case MethodId::ListLen:
    case MethodId::MapLen: return Value::integer(lengthOf(recv, "len()"));
    case MethodId::StrUpper: return makeString(caseMap(asString(recv).text, true));
    case MethodId::StrLower: return makeString(caseMap(asString(recv).text, false));
    case MethodId::StrTrim: return makeString(trim(asString(recv).text));
    case MethodId::StrSplit: return split(asString(recv), needString(args[0], "split()"));
    case MethodId::StrContains:
        chargeBytes(asString(recv).text.size());
        return Value::boolean(asString(recv).text.find(needString(args[0], "contains()")) != std::string::npos);
    case MethodId::StrStartsWith:
        chargeBytes(needString(args[0], "starts_with()").size());
        return Value::boolean(asString(recv).text.starts_with(needString(args[0], "starts_with()")));
    case MethodId::StrEndsWith:
        chargeBytes(needString(args[0], "ends_with()").size());
        return Value::boolean(asString(recv).text.ends_with(needString(args[0], "ends_with()")));
    case MethodId::StrReplace:
        return makeString(replaceAll(asString(recv).text, needString(args[0], "replace()"), needString(args[1], "replace()")));
    case MethodId::StrFind: {
        const auto& s = asString(recv);
        chargeBytes(s.text.size());
        const size_t k = s.text.find(needString(args[0], "find()"));
        if (k == std::string::npos)
            return Value::integer(-1);
        return Value::integer(s.ascii ? int64_t(k) : int64_t(utf8Length(std::string_view(s.text).substr(0, k))));
    }
    case MethodId::StrSubstr: {
        const auto& s = asString(recv);
        const int64_t start = needInt(args[0], "substr()");
        if (start < 0 || start > int64_t(s.chars))
            fail("substr() start " + std::to_string(start) + " out of range (length " + std::to_string(s.chars) + ")");
        int64_t len = argc > 1 ? needInt(args[1], "substr()") : int64_t(s.chars) - start;
        if (len < 0)
            fail("substr() length must not be negative");
        len = std::min<int64_t>(len, int64_t(s.chars) - start);
        const size_t b = s.ascii ? size_t(start) : utf8Offset(s.text, uint32_t(start));
        const size_t e = s.ascii ? size_t(start + len) : utf8Offset(s.text, uint32_t(start + len));
        chargeBytes(s.ascii ? e - b : e);
        return makeString(s.text.substr(b, e - b));
    }
    case MethodId::ListContains: return Value::boolean(listContains(asList(recv).items, args[0]));
    case MethodId::ListIndexOf: {
        const auto& xs = asList(recv).items;
        chargeWork(xs.size());
        for (size_t i = 0; i < xs.size(); ++i)
            if (valuesEqual(xs[i], args[0]))
                return Value::integer(int64_t(i));
        return Value::integer(-1);
    }
    case MethodId::ListSlice: {
        const auto& xs = asList(recv).items;
        const int64_t size = int64_t(xs.size());
        const int64_t b = needInt(args[0], "slice()");
        const int64_t e = argc > 1 ? needInt(args[1], "slice()") : size;
        if (b < 0 || b > size || e < b || e > size)
            fail("slice(" + std::to_string(b) + ", " + std::to_string(e) + ") out of range (length " + std::to_string(size) + ")");
        chargeWork(uint64_t(e - b));
        return makeList(std::vector<Value>(xs.begin() + b, xs.begin() + e));
    }
    case MethodId::ListReverse: return reversed(asList(recv).items);
    case MethodId::ListSort:
        if (argc == 0)
            return sorted(asList(recv).items);
        return runCallback(uint8_t(compiler::Callback::Sort), fiber, recv, args[0], nullptr);
    case MethodId::ListMap:
    case MethodId::ListFilter:
    case MethodId::ListAny:
    case MethodId::ListAll:
    case MethodId::ListSortBy:
        return runCallback(uint8_t(compiler::callbackOf(MethodId(cached))), fiber, recv, args[0], nullptr);
    case MethodId::ListReduce: {
        if (argc == 1)
            return runCallback(uint8_t(compiler::Callback::Reduce), fiber, recv, args[0], nullptr);
        const Value init = args[0];
        return runCallback(uint8_t(compiler::Callback::Reduce), fiber, recv, args[1], &init);
    }
    case MethodId::ListEnumerate: return pairs(nullptr, asList(recv).items);
    case MethodId::ListZip: return pairs(&asList(recv).items, needList(args[0], "zip()"));
    case MethodId::MapItems: {
        const auto& entries = asMap(recv).entries;
        chargeWork(entries.size());
        checkMemory(int64_t(entries.size() * 3 * sizeof(Value)));
        std::vector<Value> out;
        out.reserve(entries.size());
        for (const auto& [k, v] : entries)
            out.push_back(makeList({decodeMapKey(k), v}));
        return makeList(std::move(out));
    }
    case MethodId::ListJoin: return makeString(joinList(asList(recv).items, needString(args[0], "join()"), p));
    case MethodId::ListSum: return sumOf(asList(recv).items);
    case MethodId::ListFirst:
    case MethodId::ListLast: {
        const auto& xs = asList(recv).items;
        if (xs.empty())
            fail(std::string(MethodId(cached) == MethodId::ListFirst ? "first()" : "last()") + " of an empty list");
        return MethodId(cached) == MethodId::ListFirst ? xs.front() : xs.back();
    }
    case MethodId::MapKeys:
    case MethodId::MapValues: {
        chargeWork(asMap(recv).entries.size());
        std::vector<Value> out;
        for (const auto& [k, v] : asMap(recv).entries)
            out.push_back(MethodId(cached) == MethodId::MapKeys ? decodeMapKey(k) : v);
        return makeList(std::move(out));
    }
    case MethodId::MapHas: {
        const MapKey key(args[0]);
        if (!key.ok())
            refuseMapKey(args[0], "map key");
        chargeBytes(key.bytes().size());
        return Value::boolean(asMap(recv).lookup(key.bytes()) != nullptr);
    }
    case MethodId::MapGet: {
        const MapKey key(args[0]);
        if (!key.ok())
            refuseMapKey(args[0], "map key");
        chargeBytes(key.bytes().size());
        if (const Value* v = asMap(recv).lookup(key.bytes()))
            return *v;
        return argc > 1 ? args[1] : Value();
    }
    case MethodId::SetLen: return Value::integer(lengthOf(recv, "len()"));
    case MethodId::SetHas: return Value::boolean(setHas(recv, args[0]));
    case MethodId::SetUnion: return setUnion(recv, args[0]);
    case MethodId::SetIntersection: return setIntersection(recv, args[0]);
    case MethodId::SetDifference: return setDifference(recv, args[0]);
    case MethodId::SetToList: return setToList(recv);
    case MethodId::TensorShapeM: return tensorShape(recv);
    case MethodId::TensorSumM: return tensorSum(recv);
    case MethodId::TensorTransposeM: return tensorTranspose(recv);
    case MethodId::ResultIsOk: return Value::boolean(asResult(recv).ok);
    case MethodId::ResultIsErr: return Value::boolean(!asResult(recv).ok);
    case MethodId::ResultUnwrap:
        if (!asResult(recv).ok) {
            std::string s;
            appendRepr(s, recv, p);
            fail("unwrap() of " + s);
        }
        return asResult(recv).value;
    case MethodId::ResultUnwrapOr: return asResult(recv).ok ? asResult(recv).value : args[0];
    default: fail("unknown method '" + name + "'");
    }
}

} // namespace aeroflow::engine
