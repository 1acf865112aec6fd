// Values that used to knock the host over, and costs that used to grow
// quadratically:
//  - values nested hundreds of thousands of levels deep are printed, copied,
//    hashed, compared, recorded and freed without recursion on the C++ stack
//    (in this process, and as child processes of the `aeroflow` command on
//    the interpreter and the JIT, where the old engine died of SIGSEGV);
//  - the iterative walks give exactly what the recursive ones gave (printed
//    forms, state hashes, deep copies with their memory charges), checked
//    against recursive reference implementations on random values;
//  - maps keep insertion order and charge exactly what a vector of entries
//    was charged, under 200,000 random inserts, lookups and removals,
//    checked against such a vector;
//  - a string extended in place is charged exactly as the copy it replaces;
//  - work inside one instruction (copying, comparing, printing) is charged,
//    so heavy single instructions end in the fuel error.

#include "Compiler.h"
#include "Hash.h"
#include "Ops.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Scheduler.h"
#include "Text.h"
#include "Value.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <bit>
#include <functional>
#include <random>

using namespace aeroflow;
using namespace aeroflow::engine;

namespace {

// --- the recursive walks of before, as references ------------------------------

void refAppend(std::string& out, const Value& v, const compiler::Program* p, bool quoted);

void refSeq(std::string& out, const std::vector<Value>& items, const compiler::Program* p)
{
    for (size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ", ";
        refAppend(out, items[i], p, true);
    }
}

void refAppend(std::string& out, const Value& v, const compiler::Program* p, bool quoted)
{
    switch (v.type()) {
    case ValueType::String:
        if (quoted)
            compiler::appendQuoted(out, asString(v).text);
        else
            out += asString(v).text;
        return;
    case ValueType::List:
        out += '[';
        refSeq(out, asList(v).items, p);
        out += ']';
        return;
    case ValueType::Map: {
        out += '{';
        bool first = true;
        for (const auto& [k, x] : asMap(v).entries) {
            if (!first)
                out += ", ";
            first = false;
            if (compiler::isIdentifier(k))
                out += k;
            else
                compiler::appendQuoted(out, k);
            out += ": ";
            refAppend(out, x, p, true);
        }
        out += '}';
        return;
    }
    case ValueType::Message: {
        const auto& m = asMessage(v);
        out += "message";
        if (!m.args.empty()) {
            out += '(';
            refSeq(out, m.args, p);
            out += ')';
        }
        return;
    }
    case ValueType::Result:
        out += asResult(v).ok ? "Ok(" : "Err(";
        refAppend(out, asResult(v).value, p, true);
        out += ')';
        return;
    case ValueType::UiNode: {
        const auto& n = asUiNode(v);
        out += n.desc ? n.desc->element : "?";
        out += " {";
        bool first = true;
        auto sep = [&] { out += first ? " " : ", "; first = false; };
        for (const auto& a : n.args) {
            sep();
            refAppend(out, a, p, true);
        }
        for (size_t i = 0; n.desc && i < n.props.size() && i < n.desc->props.size(); ++i) {
            sep();
            const auto& d = n.desc->props[i];
            out += d.key + ": ";
            if (d.eventFunction >= 0)
                out += "<event>";
            else
                refAppend(out, n.props[i], p, true);
        }
        for (const auto& c : n.children) {
            sep();
            refAppend(out, c, p, true);
        }
        out += first ? "}" : " }";
        return;
    }
    default: out += toDisplay(v, p); return; // scalars, tensors, functions: unchanged code
    }
}

uint64_t refMix(uint64_t h, uint64_t x) { return hashWord(h, x); }

uint64_t refHash(const Value& v, uint64_t h)
{
    h = refMix(h, uint64_t(v.type()) + 1);
    switch (v.type()) {
    case ValueType::Nil: return h;
    case ValueType::Bool: return refMix(h, v.asBool() ? 1 : 0);
    case ValueType::Int: return refMix(h, uint64_t(v.asInt()));
    case ValueType::Float: return refMix(h, std::bit_cast<uint64_t>(v.asFloat()));
    case ValueType::Actor: return refMix(refMix(h, v.actorId()), v.actorType());
    case ValueType::String: return hashBytes(h, asString(v).text);
    case ValueType::List: {
        h = refMix(h, asList(v).items.size());
        for (const auto& x : asList(v).items)
            h = refHash(x, h);
        return h;
    }
    case ValueType::Map: {
        h = refMix(h, asMap(v).entries.size());
        for (const auto& [k, x] : asMap(v).entries)
            h = refHash(x, hashBytes(h, k));
        return h;
    }
    case ValueType::Tensor: {
        const auto& t = asTensor(v);
        h = refMix(h, t.shape.size());
        for (uint32_t d : t.shape)
            h = refMix(h, d);
        for (double d : t.data)
            h = refMix(h, std::bit_cast<uint64_t>(d));
        return h;
    }
    case ValueType::Message: {
        const auto& m = asMessage(v);
        h = refMix(refMix(h, m.message), m.args.size());
        for (const auto& x : m.args)
            h = refHash(x, h);
        return h;
    }
    case ValueType::Result: return refHash(asResult(v).value, refMix(h, asResult(v).ok ? 1 : 0));
    case ValueType::Function: {
        const auto& c = asClosure(v);
        h = refMix(refMix(h, c.function), c.captures.size());
        for (const auto& x : c.captures)
            h = refHash(x, h);
        return h;
    }
    case ValueType::UiNode: {
        const auto& n = asUiNode(v);
        h = hashBytes(h, n.desc ? std::string_view(n.desc->element) : std::string_view());
        h = refMix(h, uint64_t(int64_t(n.actorType)));
        for (const auto* part : {&n.args, &n.props, &n.children}) {
            h = refMix(h, part->size());
            for (const auto& x : *part)
                h = refHash(x, h);
        }
        return h;
    }
    }
    return h;
}

bool refEqual(const Value& a, const Value& b)
{
    if (a.isNumber() && b.isNumber()) {
        if (a.isInt() && b.isInt())
            return a.asInt() == b.asInt();
        return a.toDouble() == b.toDouble();
    }
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case ValueType::Nil: return true;
    case ValueType::Bool: return a.asBool() == b.asBool();
    case ValueType::String: return asString(a).text == asString(b).text;
    case ValueType::Actor: return a.actorId() == b.actorId();
    case ValueType::List: {
        const auto& x = asList(a).items;
        const auto& y = asList(b).items;
        if (x.size() != y.size())
            return false;
        for (size_t i = 0; i < x.size(); ++i)
            if (!refEqual(x[i], y[i]))
                return false;
        return true;
    }
    case ValueType::Map: {
        if (asMap(a).entries.size() != asMap(b).entries.size())
            return false;
        for (const auto& [k, v] : asMap(a).entries) {
            const int64_t j = asMap(b).find(k);
            if (j < 0 || !refEqual(v, asMap(b).entries[size_t(j)].second))
                return false;
        }
        return true;
    }
    case ValueType::Message: {
        const auto& x = asMessage(a);
        const auto& y = asMessage(b);
        if (x.message != y.message || x.args.size() != y.args.size())
            return false;
        for (size_t i = 0; i < x.args.size(); ++i)
            if (!refEqual(x.args[i], y.args[i]))
                return false;
        return true;
    }
    case ValueType::Result: return asResult(a).ok == asResult(b).ok && refEqual(asResult(a).value, asResult(b).value);
    default: return a.obj() == b.obj();
    }
}

// --- random values -------------------------------------------------------------

struct Gen {
    std::mt19937_64 rng;
    std::vector<compiler::UiNodeDesc> descs;

    explicit Gen(uint64_t seed) : rng(seed)
    {
        compiler::UiNodeDesc a;
        a.element = "Column";
        compiler::UiNodeDesc b;
        b.element = "Button";
        b.props.push_back({"label", -1, -1});
        b.props.push_back({"onClick", 3, -1});
        b.props.push_back({"value", -1, 0});
        descs = {a, b};
    }
    uint64_t below(uint64_t n) { return rng() % n; }
    std::string key()
    {
        static const char* keys[] = {"a", "b", "name", "x y", "", "with\"quote", "k12345678901234567890", "é"};
        return keys[below(8)] + std::to_string(below(3));
    }
    Value scalar()
    {
        switch (below(6)) {
        case 0: return Value();
        case 1: return Value::boolean(below(2));
        case 2: return Value::integer(int64_t(rng()) >> below(64));
        case 3: return Value::number(double(int64_t(rng() % 20001) - 10000) / 8.0);
        case 4: return makeString(key());
        default: return Value::actor(uint32_t(below(5)), uint32_t(below(3)));
        }
    }
    Value value(int depth)
    {
        if (depth <= 0 || below(3) == 0)
            return scalar();
        const size_t n = below(5);
        switch (below(6)) {
        case 0: {
            std::vector<Value> xs;
            for (size_t i = 0; i < n; ++i)
                xs.push_back(value(depth - 1));
            return makeList(std::move(xs));
        }
        case 1: {
            Value m = makeMap();
            for (size_t i = 0; i < n; ++i)
                mutableMap(m).set(key(), value(depth - 1));
            if (n > 2 && below(2))
                mutableMap(m).remove(asMap(m).entries[0].first);
            return m;
        }
        case 2: {
            std::vector<Value> xs;
            for (size_t i = 0; i < n; ++i)
                xs.push_back(value(depth - 1));
            return makeMessage(uint32_t(below(4)), std::move(xs));
        }
        case 3: return makeResult(below(2), value(depth - 1));
        case 4: {
            std::vector<Value> xs;
            for (size_t i = 0; i < n; ++i)
                xs.push_back(value(depth - 1));
            return makeClosure(uint32_t(below(4)), std::move(xs));
        }
        default: {
            auto* node = new UiNodeObj;
            Value v = Value::object(node);
            node->desc = &descs[below(2)];
            node->actorType = int32_t(below(2));
            for (size_t i = 0; i < below(3); ++i)
                node->args.push_back(value(depth - 1));
            for (size_t i = 0; i < node->desc->props.size(); ++i)
                node->props.push_back(value(depth - 1));
            for (size_t i = 0; i < below(3); ++i)
                node->children.push_back(value(depth - 1));
            node->recharge();
            return v;
        }
        }
    }
};

/// A list nested `depth` levels deep around an int.
Value nested(size_t depth, int64_t leaf)
{
    Value x = Value::integer(leaf);
    for (size_t i = 0; i < depth; ++i)
        x = makeList({x});
    return x;
}

/// Installs a heap account (actor 1 current) for the scope.
struct Account {
    HeapAccount account;
    Account()
    {
        account.bytesByActor.assign(4, 0);
        account.current = 1;
        setCurrentHeapAccount(&account);
    }
    ~Account() { setCurrentHeapAccount(nullptr); }
    int64_t bytes() const { return account.bytesByActor[1]; }
};

struct RunResult {
    std::string out, err;
    RunStats stats;
};

RunResult run(const std::string& source, RunOptions options, std::shared_ptr<const compiler::Program>* keep = nullptr)
{
    RunResult r;
    auto c = compiler::compile("t.aefl", source, {true, false});
    if (!c.ok() || !c.program) {
        r.err = "compile error: " + c.formatDiagnostics(false);
        return r;
    }
    if (keep)
        *keep = c.program;
    r.stats = runProgram(c.program, std::move(options), [&](Stream s, std::string_view t) {
        (s == Stream::Output ? r.out : r.err).append(t);
    });
    return r;
}

const QString kBin = QStringLiteral(AEROFLOW_BIN);

} // namespace

class TestLimitsValues : public QObject {
    Q_OBJECT
private slots:
    void deepValuesInProcess();
    void walksMatchRecursiveReference();
    void deepCopyChargesAsBefore();
    void mapMatchesVectorOfEntries();
    void mapCopiesAndPositions();
    void stringAppendChargesAsCopy();
    void workBudget_data();
    void workBudget();
    void noSignal_data();
    void noSignal();
};

void TestLimitsValues::deepValuesInProcess()
{
    // A million levels: printed, hashed, deep-copied, compared, freed.
    constexpr size_t kDepth = 1'000'000;
    Value a = nested(kDepth, 7);
    Value b = nested(kDepth, 7);
    const std::string text = toDisplay(a, nullptr);
    QCOMPARE(text.size(), 2 * kDepth + 1);
    QCOMPARE(text.substr(kDepth - 2, 5), std::string("[[7]]"));
    QCOMPARE(hashValue(a, 1), hashValue(b, 1));
    QVERIFY(valuesEqual(a, b));
    Value c = deepCopy(a);
    QVERIFY(c.obj() != a.obj());
    QVERIFY(valuesEqual(a, c));
    Value d = nested(kDepth, 8);
    QVERIFY(!valuesEqual(a, d));
    QVERIFY(hashValue(a, 1) != hashValue(d, 1));
    // Deep maps, results and messages too; then all of it is freed here.
    Value m = makeMap();
    for (size_t i = 0; i < 300'000; ++i) {
        Value outer = makeMap();
        mutableMap(outer).set("in", std::move(m));
        m = std::move(outer);
    }
    Value r = makeResult(true, Value());
    for (size_t i = 0; i < 300'000; ++i)
        r = makeResult(i % 2, makeMessage(1, {r}));
    QCOMPARE(toDisplay(m, nullptr).size(), size_t(300'000 * 6 + 2)); // {in: ...}
    QVERIFY(valuesEqual(deepCopy(r), r));
    a = b = c = d = m = r = Value();
}

void TestLimitsValues::walksMatchRecursiveReference()
{
    for (uint64_t seed = 1; seed <= 400; ++seed) {
        Gen g(seed);
        const Value v = g.value(6);
        std::string want;
        refAppend(want, v, nullptr, false);
        if (v.isString())
            want = asString(v).text;
        QCOMPARE(toDisplay(v, nullptr), want);
        std::string repr, refRepr;
        appendRepr(repr, v, nullptr);
        refAppend(refRepr, v, nullptr, true);
        QCOMPARE(repr, refRepr);
        QCOMPARE(hashValue(v, seed), refHash(v, seed));
        const Value copy = deepCopy(v);
        QCOMPARE(valuesEqual(v, copy), refEqual(v, copy)); // functions, UI nodes: identity
        QCOMPARE(toDisplay(copy, nullptr), toDisplay(v, nullptr));
        QCOMPARE(hashValue(copy, 3), hashValue(v, 3));
        const Value other = Gen(seed % 7).value(6);
        QCOMPARE(valuesEqual(v, other), refEqual(v, other));
        QCOMPARE(valuesEqual(v, v), refEqual(v, v));
    }
}

void TestLimitsValues::deepCopyChargesAsBefore()
{
    // deepCopy builds each container after its children, with the
    // reservations of the recursive copy: lists exactly their size,
    // messages, closures, UI parts and maps what push_backs leave; every
    // object charged what it measures, the total charged to the actor.
    for (uint64_t seed = 1; seed <= 200; ++seed) {
        Account acct;
        Gen g(seed);
        const Value v = g.value(5);
        const int64_t before = acct.bytes();
        const Value copy = deepCopy(v);
        QCOMPARE(toDisplay(copy, nullptr), toDisplay(v, nullptr));
        const auto pushed = [](size_t n) { return n == 0 ? size_t(0) : std::bit_ceil(n); };
        int64_t sum = 0;
        std::function<void(const Value&)> add = [&](const Value& x) {
            if (!x.isObject() || x.isString())
                return;
            QCOMPARE(x.obj()->charged, x.obj()->measure());
            QCOMPARE(x.obj()->owner, uint32_t(1));
            sum += x.obj()->charged;
            switch (x.type()) {
            case ValueType::List:
                QCOMPARE(asList(x).items.capacity(), asList(x).items.size());
                for (const auto& y : asList(x).items)
                    add(y);
                break;
            case ValueType::Map:
                QCOMPARE(asMap(x).entries.capacity(), pushed(asMap(x).entries.size()));
                for (const auto& [k, y] : asMap(x).entries)
                    add(y);
                break;
            case ValueType::Message:
                QCOMPARE(asMessage(x).args.capacity(), pushed(asMessage(x).args.size()));
                for (const auto& y : asMessage(x).args)
                    add(y);
                break;
            case ValueType::Result: add(asResult(x).value); break;
            case ValueType::Function:
                QCOMPARE(asClosure(x).captures.capacity(), pushed(asClosure(x).captures.size()));
                for (const auto& y : asClosure(x).captures)
                    add(y);
                break;
            case ValueType::UiNode:
                for (const auto* part : {&asUiNode(x).args, &asUiNode(x).props, &asUiNode(x).children}) {
                    QCOMPARE(part->capacity(), pushed(part->size()));
                    for (const auto& y : *part)
                        add(y);
                }
                break;
            default: break;
            }
        };
        add(copy);
        QCOMPARE(acct.bytes() - before, sum);
    }
}

void TestLimitsValues::mapMatchesVectorOfEntries()
{
    // The map against the vector of entries it used to be: same order, same
    // values, same charged bytes (capacity and key capacities) after every
    // operation of a random mix of 100,000 inserts, updates, lookups and
    // removals (the golden map_many_keys.aefl does 200,000 of each).
    Account acct;
    std::mt19937_64 rng(42);
    Value m = makeMap();
    std::vector<std::pair<std::string, int64_t>> model;
    size_t modelCapacity = 0;
    const auto modelCharge = [&] {
        int64_t n = int64_t(sizeof(Obj) + sizeof(std::vector<std::pair<std::string, Value>>)) +
                    int64_t(modelCapacity * sizeof(std::pair<std::string, Value>));
        for (const auto& e : model)
            n += int64_t(std::string(e.first).capacity());
        return n;
    };
    int64_t keyBytes = 0;
    for (int op = 0; op < 100'000; ++op) {
        const uint64_t r = rng();
        const std::string key = "k" + std::to_string(r % (op < 50'000 ? 20'000 : 1'000));
        auto it = std::find_if(model.begin(), model.end(), [&](const auto& e) { return e.first == key; });
        switch (r >> 61) {
        case 0:
        case 1:
        case 2: { // set
            mutableMap(m).set(key, Value::integer(op));
            if (it != model.end()) {
                it->second = op;
            } else {
                if (model.size() == modelCapacity)
                    modelCapacity = model.empty() ? 1 : 2 * model.size();
                model.emplace_back(key, op);
                keyBytes += int64_t(std::string(key).capacity());
            }
            break;
        }
        case 3:
        case 4: { // remove
            Value removed;
            const bool had = mutableMap(m).remove(key, &removed);
            QCOMPARE(had, it != model.end());
            if (had) {
                QCOMPARE(removed.asInt(), it->second);
                keyBytes -= int64_t(std::string(key).capacity());
                model.erase(it);
            }
            break;
        }
        default: { // lookup
            const Value* v = asMap(m).lookup(key);
            QCOMPARE(v != nullptr, it != model.end());
            if (v)
                QCOMPARE(v->asInt(), it->second);
        }
        }
        QCOMPARE(asMap(m).entries.size(), model.size());
        QCOMPARE(asMap(m).entries.capacity(), modelCapacity);
        QCOMPARE(asMap(m).entries.keyBytes(), keyBytes);
        if (op % 5'000 == 0 || op > 99'990) {
            QCOMPARE(m.obj()->charged, modelCharge());
            size_t i = 0;
            for (const auto& [k, v] : asMap(m).entries) {
                QCOMPARE(k, model[i].first);
                QCOMPARE(v.asInt(), model[i].second);
                ++i;
            }
            QCOMPARE(i, model.size());
        }
    }
    QCOMPARE(acct.bytes(), m.obj()->charged);
}

void TestLimitsValues::mapCopiesAndPositions()
{
    Value m = makeMap();
    for (int i = 0; i < 100; ++i)
        mutableMap(m).set("k" + std::to_string(i), Value::integer(i));
    for (int i = 0; i < 100; i += 3)
        mutableMap(m).remove("k" + std::to_string(i));
    // A copy on write has no holes and capacity == size, as a copied vector.
    Value shared = m;
    MapObj& c = mutableMap(shared);
    QVERIFY(&c != &asMap(m));
    QCOMPARE(c.entries.size(), size_t(66));
    QCOMPARE(c.entries.capacity(), size_t(66));
    QCOMPARE(toDisplay(shared, nullptr), toDisplay(m, nullptr));
    // Positions (find, operator[]) count live entries in insertion order.
    QCOMPARE(asMap(m).find("k1"), int64_t(0));
    QCOMPARE(asMap(m).find("k2"), int64_t(1));
    QCOMPARE(asMap(m).find("k4"), int64_t(2));
    QCOMPARE(asMap(m).find("k3"), int64_t(-1));
    QCOMPARE(asMap(m).entries[65].first, std::string("k98"));
    mutableMap(m).set("k3", Value::integer(-3));
    QCOMPARE(asMap(m).find("k3"), int64_t(66));
    QCOMPARE(asMap(m).entries[66].second.asInt(), int64_t(-3));
    // Snapshot-like rebuild: reserve(cap) + append keeps capacity.
    auto* r = new MapObj;
    Value rv = Value::object(r);
    r->entries.reserve(128);
    for (const auto& [k, v] : asMap(m).entries)
        r->entries.append(k, v);
    QCOMPARE(r->entries.capacity(), size_t(128));
    QVERIFY(valuesEqual(rv, m));
    QCOMPARE(hashValue(rv, 9), hashValue(m, 9));
}

void TestLimitsValues::stringAppendChargesAsCopy()
{
    // s + x made as a copy and s extended in place: same text, same charged
    // bytes and capacity, for many sizes across the small-string boundary.
    Account acct;
    for (size_t a = 0; a < 80; ++a)
        for (size_t b : {size_t(0), size_t(1), size_t(2), size_t(7), size_t(15), size_t(16), size_t(40), size_t(100)}) {
            Value copied = makeString(std::string(a, 'a'));
            Value extended = makeString(std::string(a, 'a'));
            const Value right = makeString(std::string(b, 'b'));
            concatInto(copied, right, true, false, nullptr);
            concatInto(extended, right, true, true, nullptr);
            QCOMPARE(asString(extended).text, asString(copied).text);
            QCOMPARE(asString(extended).capacity(), asString(copied).capacity());
            QCOMPARE(extended.obj()->charged, copied.obj()->charged);
            // And what the old concatenation made: std::string(left) += right.
            std::string old(a, 'a');
            old += std::string(b, 'b');
            QCOMPARE(asString(copied).capacity(), old.capacity());
        }
    // Repeated appends in place: charged as the last copy would have been.
    Value s = makeString("");
    for (int i = 0; i < 10'000; ++i)
        concatInto(s, makeString(i % 2 ? "é" : "x"), true, true, nullptr);
    QCOMPARE(asString(s).chars, uint32_t(10'000));
    QVERIFY(!asString(s).ascii);
    QCOMPARE(s.obj()->charged, s.obj()->measure());
    QCOMPARE(acct.bytes(), s.obj()->charged);
}

void TestLimitsValues::workBudget_data()
{
    QTest::addColumn<QString>("body");
    // Each line is cheap in instructions and expensive in work.
    const QString big = QStringLiteral("mut xs = range(200000)\nmut s = \"x\"\nfor i in range(20) { s = s + s }\n");
    QTest::newRow("compare") << big + "mut n = 0\nwhile true { if xs == xs.slice(0) { n = n + 1 } }\n";
    QTest::newRow("str") << big + "while true { let t = str(xs) }\n";
    QTest::newRow("concat lists") << big + "while true { let t = xs + xs }\n";
    QTest::newRow("copy on write") << big + "while true { mut t = xs\n t[0] = 1 }\n";
    QTest::newRow("sort") << big + "while true { let t = xs.sort() }\n";
    QTest::newRow("keys") << big + "mut m = {}\nfor i in range(50000) { m[str(i)] = i }\nwhile true { let k = m.keys() }\n";
    QTest::newRow("json") << "import json\n" + big + "while true { let t = json.encode(xs) }\n";
    QTest::newRow("string compare") << big + "let u = s + \"\"\nwhile true { let b = s < u }\n";
    QTest::newRow("send") << big + "actor Sink { on Take(v) { } }\nlet k = spawn(Sink)\nwhile true { send(k, Take(xs)) }\n";
    QTest::newRow("shared big string") << big + "mut many = []\nfor i in range(2000) { many.push(s) }\nprint(many)\n";
}

void TestLimitsValues::workBudget()
{
    QFETCH(QString, body);
    RunOptions options;
    options.fuel = 5'000'000; // instructions: far more than these loops get through
    options.maxMessages = 1'000;
    const RunResult r = run(body.toStdString(), options);
    QVERIFY2(r.err.find("runtime error: work budget exhausted") != std::string::npos, r.err.c_str());
}

void TestLimitsValues::noSignal_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expectOut");
    QTest::addColumn<QString>("expectErr");

    const QString deep = QStringLiteral("mut x = []\nfor i in range(50000) { x = [x] }\n");
    const QString deep300k = QStringLiteral("mut x = []\nfor i in range(300000) { x = [x] }\n");
    const QString actor = QStringLiteral("actor A {\n  state kept = nil\n  on Take(v) { kept = v\n    print(\"got\") }\n}\n");
    for (const QString& mode : {QStringLiteral("--no-jit"), QStringLiteral("--jit")}) {
        const QString m = mode == QLatin1String("--jit") ? QStringLiteral(" jit") : QString();
        QTest::newRow(qPrintable("print" + m)) << deep + "print(len(str(x)))\n" << QStringList{mode} << "100002" << "";
        QTest::newRow(qPrintable("send" + m))
            << actor + deep + "send(spawn(A), Take(x))\n" << QStringList{mode} << "got" << "";
        QTest::newRow(qPrintable("log-hash" + m))
            << actor + deep + "send(spawn(A), Take(x))\n" << QStringList{mode, "--log-hash"} << "got" << "hash";
        QTest::newRow(qPrintable("record" + m))
            << actor + deep + "send(spawn(A), Take(x))\n" << QStringList{mode, "--record", "@TRACE@"} << "got" << "";
        QTest::newRow(qPrintable("free at exit" + m)) << deep300k + "print(\"built\")\n" << QStringList{mode} << "built" << "";
        QTest::newRow(qPrintable("json 1M" + m))
            << "import json\nmut x = []\nfor i in range(1000000) { x = [x] }\nprint(\"built\")\nprint(json.encode(x))\n"
            << QStringList{mode} << "built" << "nested too deeply";
        QTest::newRow(qPrintable("snapshot" + m))
            << actor + deep + "send(spawn(A), Take(x))\n" << QStringList{mode, "--snapshot", "@SNAP@"} << "got" << "";
    }
}

void TestLimitsValues::noSignal()
{
    QFETCH(QString, program);
    QFETCH(QStringList, args);
    QFETCH(QString, expectOut);
    QFETCH(QString, expectErr);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("deep.aefl"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(program.toUtf8());
    }
    QStringList argv{QStringLiteral("run"), file};
    for (QString a : args) {
        a.replace(QLatin1String("@TRACE@"), dir.filePath(QStringLiteral("t.aftrace")));
        a.replace(QLatin1String("@SNAP@"), dir.filePath(QStringLiteral("s.afs")));
        argv << a;
    }
    QProcess p;
    p.start(kBin, argv);
    QVERIFY(p.waitForFinished(300'000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable("signal; stderr: " + err.left(2000)));
    QVERIFY2(out.contains(expectOut), qPrintable(out.left(2000) + "\n" + err.left(2000)));
    if (!expectErr.isEmpty())
        QVERIFY2(err.contains(expectErr), qPrintable(err.left(2000)));
    if (args.contains(QStringLiteral("--snapshot"))) {
        // The snapshot of the deep state resumes (restore and free, again without recursion).
        QProcess resume;
        resume.start(kBin, {QStringLiteral("resume"), dir.filePath(QStringLiteral("s.afs"))});
        QVERIFY(resume.waitForFinished(300'000));
        QVERIFY2(resume.exitStatus() == QProcess::NormalExit && resume.exitCode() == 0,
                 qPrintable(QString::fromUtf8(resume.readAllStandardError()).left(2000)));
    }
    if (args.contains(QStringLiteral("--record"))) {
        QProcess replay;
        replay.start(kBin, {QStringLiteral("replay"), dir.filePath(QStringLiteral("t.aftrace")), QStringLiteral("--verify")});
        QVERIFY(replay.waitForFinished(300'000));
        QVERIFY2(replay.exitStatus() == QProcess::NormalExit && replay.exitCode() == 0,
                 qPrintable(QString::fromUtf8(replay.readAllStandardOutput() + replay.readAllStandardError()).left(2000)));
    }
}

QTEST_GUILESS_MAIN(TestLimitsValues)
#include "tst_limits_values.moc"
