#include "Ops.h"

#include "DetMath.h"
#include "MapKey.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"

#include <algorithm>
#include <cmath>

namespace aeroflow::engine {

namespace {

const char* opSymbol(ArithOp op)
{
    switch (op) {
    case ArithOp::Add: return "+";
    case ArithOp::Sub: return "-";
    case ArithOp::Mul: return "*";
    case ArithOp::Div: return "/";
    case ArithOp::Mod: return "%";
    }
    return "?";
}

[[noreturn]] void badOperands(ArithOp op, const Value& a, const Value& b)
{
    fail(std::string("cannot apply '") + opSymbol(op) + "' to " + describeType(a) + " and " + describeType(b));
}

[[noreturn]] void overflow(ArithOp op)
{
    fail(std::string("integer overflow in '") + opSymbol(op) + "'");
}

std::string shapeText(const TensorObj& t)
{
    std::string s = "[";
    for (size_t i = 0; i < t.shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(t.shape[i]);
    return s + "]";
}

Value newTensor(std::vector<uint32_t> shape, std::vector<double> data)
{
    chargeWork(data.size() / 4); // what made the data, and the data
    checkMemory(int64_t(data.size() * sizeof(double)));
    auto* t = new TensorObj;
    t->shape = std::move(shape);
    t->data = std::move(data);
    t->recharge();
    return Value::object(t);
}

const TensorObj& needTensor(const Value& v, const char* what)
{
    if (v.type() != ValueType::Tensor)
        fail(std::string(what) + " needs a tensor, found " + describeType(v));
    return asTensor(v);
}

double applyFloat(ArithOp op, double x, double y)
{
    switch (op) {
    case ArithOp::Add: return x + y;
    case ArithOp::Sub: return x - y;
    case ArithOp::Mul: return x * y;
    case ArithOp::Div:
        if (y == 0)
            fail("division by zero");
        return x / y;
    case ArithOp::Mod:
        if (y == 0)
            fail("remainder by zero");
        return std::fmod(x, y);
    }
    return 0;
}

Value tensorArith(ArithOp op, const Value& a, const Value& b)
{
    if (op == ArithOp::Div || op == ArithOp::Mod)
        badOperands(op, a, b);
    if (a.type() == ValueType::Tensor && b.type() == ValueType::Tensor) {
        const auto& x = asTensor(a);
        const auto& y = asTensor(b);
        if (x.shape != y.shape)
            fail("tensor shapes " + shapeText(x) + " and " + shapeText(y) + " do not match");
        std::vector<double> d(x.data.size());
        for (size_t i = 0; i < d.size(); ++i)
            d[i] = applyFloat(op, x.data[i], y.data[i]);
        return newTensor(x.shape, std::move(d));
    }
    if (op == ArithOp::Add)
        badOperands(op, a, b); // `+` is tensor + tensor only
    const bool tensorLeft = a.type() == ValueType::Tensor;
    const Value& tv = tensorLeft ? a : b;
    const Value& nv = tensorLeft ? b : a;
    if (!nv.isNumber())
        badOperands(op, a, b);
    const auto& t = asTensor(tv);
    const double n = nv.toDouble();
    std::vector<double> d(t.data.size());
    for (size_t i = 0; i < d.size(); ++i)
        d[i] = tensorLeft ? applyFloat(op, t.data[i], n) : applyFloat(op, n, t.data[i]);
    return newTensor(t.shape, std::move(d));
}

bool concatenable(const Value& v)
{
    return v.isString() || v.isNumber() || v.isBool() || v.isNil();
}

/// The capacity of `a + b` as the concatenation always made it: a copy of
/// the left string (std::string copies get capacity max(15, size)) with the
/// right appended (libstdc++ grows to max(need, twice the capacity)). A
/// string extended in place is charged this, so that accounting, memory
/// errors and snapshots do not depend on whether it was extended or copied.
size_t concatCapacity(size_t left, size_t right)
{
    const size_t copied = left <= 15 ? 15 : left;
    const size_t need = left + right;
    return need <= copied ? copied : std::max(need, 2 * copied);
}

int64_t checkIndex(const Value& i, int64_t size, const char* what)
{
    if (!i.isInt())
        fail(std::string(what) + " index must be an int, found " + describeType(i));
    const int64_t k = i.asInt();
    if (k < 0 || k >= size)
        fail(std::string(what) + " index " + std::to_string(k) + " out of range (length " + std::to_string(size) + ")");
    return k;
}

} // namespace

std::string describeType(const Value& v)
{
    return v.type() == ValueType::Record ? "record " + recordName(asRecord(v)) : valueTypeName(v.type());
}

int64_t checkedAdd(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        overflow(ArithOp::Add);
    return r;
}

int64_t checkedSub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        overflow(ArithOp::Sub);
    return r;
}

int64_t checkedMul(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        overflow(ArithOp::Mul);
    return r;
}

Value arith(ArithOp op, const Value& a, const Value& b, const compiler::Program* program)
{
    if (a.isInt() && b.isInt()) {
        const int64_t x = a.asInt(), y = b.asInt();
        int64_t r = 0;
        switch (op) {
        case ArithOp::Add:
            if (__builtin_add_overflow(x, y, &r))
                overflow(op);
            return Value::integer(r);
        case ArithOp::Sub:
            if (__builtin_sub_overflow(x, y, &r))
                overflow(op);
            return Value::integer(r);
        case ArithOp::Mul:
            if (__builtin_mul_overflow(x, y, &r))
                overflow(op);
            return Value::integer(r);
        case ArithOp::Div:
            if (y == 0)
                fail("division by zero");
            if (x == INT64_MIN && y == -1)
                overflow(op);
            return Value::integer(x / y);
        case ArithOp::Mod:
            if (y == 0)
                fail("remainder by zero");
            if (y == -1)
                return Value::integer(0);
            return Value::integer(x % y);
        }
    }
    if (a.isNumber() && b.isNumber())
        return Value::number(applyFloat(op, a.toDouble(), b.toDouble()));
    if (op == ArithOp::Add) {
        if (concatenates(a, b)) {
            if (a.isString()) {
                Value s = a;
                concatInto(s, b, false, false, program);
                return s;
            }
            std::string s = toDisplay(a, program);
            s += asString(b).text;
            chargeBytes(s.size());
            return makeString(std::move(s));
        }
        if (a.isList() && b.isList()) {
            const auto& x = asList(a).items;
            const auto& y = asList(b).items;
            std::vector<Value> items;
            chargeWork(x.size() + y.size());
            checkMemory(int64_t((x.size() + y.size()) * sizeof(Value)));
            items.reserve(x.size() + y.size());
            items.insert(items.end(), x.begin(), x.end());
            items.insert(items.end(), y.begin(), y.end());
            return makeList(std::move(items));
        }
    }
    if (a.type() == ValueType::Tensor || b.type() == ValueType::Tensor)
        return tensorArith(op, a, b);
    badOperands(op, a, b);
}

bool concatenates(const Value& a, const Value& b)
{
    return (a.isString() && concatenable(b)) || (b.isString() && concatenable(a));
}

void concatInto(Value& s, const Value& right, bool appendable, bool extend, const compiler::Program* program)
{
    const std::string& left = asString(s).text;
    std::string rightText;
    if (!right.isString() || right.obj() == s.obj())
        rightText = right.isString() ? asString(right).text : toDisplay(right, program);
    const std::string_view more = right.isString() && right.obj() != s.obj() ? std::string_view(asString(right).text)
                                                                             : std::string_view(rightText);
    const size_t charged = concatCapacity(left.size(), more.size());
    appendable = appendable && charged <= UINT32_MAX;
    chargeBytes(appendable ? more.size() : left.size() + more.size());
    checkMemory(int64_t(left.size() + more.size()));
    if (appendable && extend) {
        static_cast<StringObj*>(s.obj())->appendInPlace(more, charged);
        return;
    }
    std::string out = left;
    out += more;
    auto* o = new StringObj(std::move(out));
    if (o->text.capacity() != charged && charged <= UINT32_MAX) {
        o->spare = uint32_t(charged); // another standard library grows strings otherwise
        o->recharge();
    }
    s = Value::object(o);
}

Value negate(const Value& v)
{
    if (v.isInt()) {
        if (v.asInt() == INT64_MIN)
            fail("integer overflow in negation");
        return Value::integer(-v.asInt());
    }
    if (v.isFloat())
        return Value::number(-v.asFloat());
    if (v.type() == ValueType::Tensor) {
        const auto& t = asTensor(v);
        std::vector<double> d(t.data.size());
        for (size_t i = 0; i < d.size(); ++i)
            d[i] = -t.data[i];
        return newTensor(t.shape, std::move(d));
    }
    fail("cannot negate a value of type " + describeType(v));
}

int order(const Value& a, const Value& b)
{
    if (a.isInt() && b.isInt())
        return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt();
    if (a.isNumber() && b.isNumber()) {
        const double x = a.toDouble(), y = b.toDouble();
        if (std::isnan(x) || std::isnan(y))
            return std::isnan(x) - std::isnan(y); // NaN sorts last, deterministically
        return x < y ? -1 : x > y;
    }
    if (a.isString() && b.isString()) {
        chargeBytes(std::min(asString(a).text.size(), asString(b).text.size()));
        const int c = asString(a).text.compare(asString(b).text);
        return c < 0 ? -1 : c > 0;
    }
    fail("cannot compare " + describeType(a) + " with " + describeType(b) + " (only two numbers or two strings)");
}

bool compare(CompareOp op, const Value& a, const Value& b)
{
    if (a.isNumber() && b.isNumber() && !(a.isInt() && b.isInt())) {
        // IEEE semantics: every comparison with NaN is false.
        const double x = a.toDouble(), y = b.toDouble();
        switch (op) {
        case CompareOp::Lt: return x < y;
        case CompareOp::Le: return x <= y;
        case CompareOp::Gt: return x > y;
        case CompareOp::Ge: return x >= y;
        }
    }
    const int c = order(a, b);
    switch (op) {
    case CompareOp::Lt: return c < 0;
    case CompareOp::Le: return c <= 0;
    case CompareOp::Gt: return c > 0;
    case CompareOp::Ge: return c >= 0;
    }
    return false;
}

int64_t lengthOf(const Value& v, const char* what)
{
    switch (v.type()) {
    case ValueType::String: return asString(v).chars;
    case ValueType::List: return int64_t(asList(v).items.size());
    case ValueType::Map: return int64_t(asMap(v).entries.size());
    case ValueType::Set: return int64_t(asSet(v).entries.size());
    // As NumPy: the first dimension, so that len(m) and m[i] agree (a row of
    // a 2-D tensor); `for x in t` still visits every element.
    case ValueType::Tensor: return int64_t(asTensor(v).shape.empty() ? 0 : asTensor(v).shape[0]);
    default: fail(std::string(what) + " needs a string, list, map, set or tensor, found " + describeType(v));
    }
}

Value indexValue(const Value& c, const Value& i)
{
    switch (c.type()) {
    case ValueType::List: {
        const auto& l = asList(c).items;
        return l[size_t(checkIndex(i, int64_t(l.size()), "list"))];
    }
    case ValueType::String: {
        const auto& s = asString(c);
        const auto k = uint32_t(checkIndex(i, s.chars, "string"));
        if (s.ascii)
            return makeString(std::string(1, s.text[k]));
        const size_t at = utf8Offset(s.text, k); // a scan from the start: charged
        chargeBytes(at);
        return makeString(charAtByte(s, at));
    }
    case ValueType::Map: {
        const MapKey key(i);
        if (!key.ok())
            refuseMapKey(i, "map key");
        chargeBytes(key.bytes().size());
        const Value* v = asMap(c).lookup(key.bytes());
        if (!v)
            fail("map has no key " + describeMapKey(key.bytes()) + " (use has() or get())");
        return *v;
    }
    case ValueType::Set: fail("cannot index a set (use has() to test an element, or for x in s)");
    case ValueType::Tensor: {
        const auto& t = asTensor(c);
        const int64_t k = checkIndex(i, t.shape[0], "tensor");
        if (t.shape.size() == 1)
            return Value::number(t.data[size_t(k)]);
        chargeWork(t.data.size() / t.shape[0] / 4);
        std::vector<uint32_t> shape(t.shape.begin() + 1, t.shape.end());
        size_t stride = 1;
        for (auto d : shape)
            stride *= d;
        std::vector<double> d(t.data.begin() + std::ptrdiff_t(size_t(k) * stride),
                              t.data.begin() + std::ptrdiff_t(size_t(k + 1) * stride));
        return newTensor(std::move(shape), std::move(d));
    }
    default: fail("cannot index a value of type " + describeType(c));
    }
}

void setIndexValue(Value& c, const Value& i, Value v)
{
    switch (c.type()) {
    case ValueType::List: {
        const int64_t k = checkIndex(i, int64_t(asList(c).items.size()), "list");
        mutableList(c).items[size_t(k)] = std::move(v);
        return;
    }
    case ValueType::Map: {
        const MapKey key(i);
        if (!key.ok())
            refuseMapKey(i, "map key");
        chargeBytes(key.bytes().size());
        checkMemory(int64_t(key.bytes().size()) + 48);
        mutableMap(c).set(key.bytes(), std::move(v));
        return;
    }
    default: fail("cannot assign an element of a value of type " + describeType(c));
    }
}

namespace {

/// The index of field `key` of record `r`; a runtime error when it has none.
size_t recordField(const RecordObj& r, std::string_view key)
{
    const int32_t f = r.desc->fieldIndex(key);
    if (f < 0)
        fail("record " + r.desc->name + " has no field '" + std::string(key) + "'");
    return size_t(f);
}

} // namespace

Value fieldValue(const Value& m, std::string_view key)
{
    if (m.type() == ValueType::Record) {
        const auto& r = asRecord(m);
        return r.fields[recordField(r, key)];
    }
    if (!m.isMap())
        fail("cannot read field '" + std::string(key) + "' of a value of type " + describeType(m));
    chargeBytes(key.size());
    const MapKey k(key);
    const Value* v = asMap(m).lookup(k.bytes());
    if (!v)
        fail("map has no key " + describeMapKey(k.bytes()) + " (use has() or get())");
    return *v;
}

void setFieldValue(Value& m, std::string_view key, Value v)
{
    if (m.type() == ValueType::Record) {
        const size_t f = recordField(asRecord(m), key);
        mutableRecord(m).fields[f] = std::move(v);
        return;
    }
    if (!m.isMap())
        fail("cannot set field '" + std::string(key) + "' of a value of type " + describeType(m));
    chargeBytes(key.size());
    checkMemory(int64_t(key.size()) + 48);
    mutableMap(m).set(MapKey(key).bytes(), std::move(v));
}

// --- tensors ------------------------------------------------------------------

Value makeTensor(const Value& shape, const Value& items)
{
    if (!shape.isList() || !items.isList())
        fail("a tensor needs a list of dimensions and a list of elements");
    std::vector<uint32_t> dims;
    size_t count = 1;
    for (const auto& d : asList(shape).items) {
        if (!d.isInt() || d.asInt() <= 0 || d.asInt() > (1 << 24))
            fail("tensor dimensions must be positive ints");
        dims.push_back(uint32_t(d.asInt()));
        count *= size_t(d.asInt());
        if (count > (size_t(1) << 28))
            fail("tensor is too large");
    }
    if (dims.empty() || dims.size() > 4)
        fail("a tensor has 1 to 4 dimensions");
    const auto& xs = asList(items).items;
    chargeWork(xs.size());
    if (xs.size() != count)
        fail("this tensor needs " + std::to_string(count) + " elements, found " + std::to_string(xs.size()));
    std::vector<double> data;
    data.reserve(count);
    for (const auto& x : xs) {
        if (!x.isNumber())
            fail("tensor elements must be numbers, found " + describeType(x));
        data.push_back(x.toDouble());
    }
    return newTensor(std::move(dims), std::move(data));
}

Value tensorMatmul(const Value& a, const Value& b)
{
    const auto& x = needTensor(a, "matmul()");
    const auto& y = needTensor(b, "matmul()");
    if (x.shape.size() != 2 || y.shape.size() != 2 || x.shape[1] != y.shape[0])
        fail("matmul() needs shapes [m, k] and [k, n], found " + shapeText(x) + " and " + shapeText(y));
    const size_t m = x.shape[0], k = x.shape[1], n = y.shape[1];
    chargeWork(m * n * k / 4);
    std::vector<double> d(m * n, 0.0);
    for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j < n; ++j) {
            double s = 0;
            for (size_t p = 0; p < k; ++p)
                s += x.data[i * k + p] * y.data[p * n + j];
            d[i * n + j] = s;
        }
    return newTensor({uint32_t(m), uint32_t(n)}, std::move(d));
}

Value tensorRelu(const Value& v)
{
    const auto& t = needTensor(v, "relu()");
    std::vector<double> d(t.data.size());
    for (size_t i = 0; i < d.size(); ++i)
        d[i] = t.data[i] > 0 ? t.data[i] : 0.0;
    return newTensor(t.shape, std::move(d));
}

Value tensorSoftmax(const Value& v)
{
    // Along the last axis: each row is normalised on its own.
    const auto& t = needTensor(v, "softmax()");
    const size_t row = t.shape.back();
    std::vector<double> d(t.data.size());
    for (size_t r = 0; r < d.size(); r += row) {
        double mx = t.data[r];
        for (size_t i = 1; i < row; ++i)
            mx = std::max(mx, t.data[r + i]);
        double sum = 0;
        for (size_t i = 0; i < row; ++i)
            sum += d[r + i] = detmath::exp(t.data[r + i] - mx);
        for (size_t i = 0; i < row; ++i)
            d[r + i] /= sum;
    }
    return newTensor(t.shape, std::move(d));
}

Value tensorTranspose(const Value& v)
{
    const auto& t = needTensor(v, "transpose()");
    if (t.shape.size() == 1)
        return newTensor({1, t.shape[0]}, t.data);
    if (t.shape.size() != 2)
        fail("transpose() needs a 1- or 2-dimensional tensor, found shape " + shapeText(t));
    const size_t m = t.shape[0], n = t.shape[1];
    std::vector<double> d(m * n);
    for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j < n; ++j)
            d[j * m + i] = t.data[i * n + j];
    return newTensor({uint32_t(n), uint32_t(m)}, std::move(d));
}

Value tensorShape(const Value& v)
{
    const auto& t = needTensor(v, "shape()");
    std::vector<Value> dims;
    for (auto d : t.shape)
        dims.push_back(Value::integer(d));
    return makeList(std::move(dims));
}

Value tensorSum(const Value& v)
{
    const auto& t = needTensor(v, "sum()");
    chargeWork(t.data.size() / 4);
    double s = 0;
    for (double x : t.data)
        s += x;
    return Value::number(s);
}

} // namespace aeroflow::engine
