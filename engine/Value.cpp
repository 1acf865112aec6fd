#include "Value.h"

#include "RuntimeError.h"

#include <bit>
#include <cmath>

namespace aeroflow::engine {

namespace {
thread_local HeapAccount* tl_account = nullptr;

// Maps up to this size are searched linearly; bigger ones too, for now (an
// index is future work, see docs/ENGINE.md), which keeps them deterministic
// and simple.
} // namespace

const char* valueTypeName(ValueType type)
{
    switch (type) {
    case ValueType::Nil: return "nil";
    case ValueType::Bool: return "bool";
    case ValueType::Int: return "int";
    case ValueType::Float: return "float";
    case ValueType::String: return "string";
    case ValueType::List: return "list";
    case ValueType::Map: return "map";
    case ValueType::Tensor: return "tensor";
    case ValueType::Actor: return "actor";
    case ValueType::Message: return "message";
    case ValueType::Result: return "result";
    case ValueType::Function: return "function";
    case ValueType::UiNode: return "ui";
    }
    return "?";
}

HeapAccount* currentHeapAccount() { return tl_account; }
void setCurrentHeapAccount(HeapAccount* account) { tl_account = account; }

void checkMemory(int64_t extraBytes)
{
    HeapAccount* a = tl_account;
    if (!a || a->current >= a->bytesByActor.size())
        return;
    if (extraBytes < 0 || a->bytesByActor[a->current] + extraBytes > a->limit)
        fail("out of memory: the actor's memory limit of " + std::to_string(a->limit) + " bytes is exceeded",
             ErrorKind::Memory);
}

Obj::Obj(ValueType t) : type(t)
{
    if (tl_account)
        owner = tl_account->current;
}

Obj::~Obj()
{
    if (tl_account && charged && owner < tl_account->bytesByActor.size())
        tl_account->bytesByActor[owner] -= charged;
}

void Obj::recharge()
{
    const int64_t now = measure();
    const int64_t delta = now - charged;
    charged = now;
    if (tl_account && delta) {
        if (owner >= tl_account->bytesByActor.size())
            tl_account->bytesByActor.resize(owner + 1, 0);
        tl_account->bytesByActor[owner] += delta;
    }
}

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPoolMessages = false; // let ASan see every message's lifetime
#else
constexpr bool kPoolMessages = true;
#endif
/// Free MessageObj blocks of this thread (bounded; freed at thread exit).
struct MessagePool {
    struct Block {
        Block* next;
    };
    Block* head = nullptr;
    uint32_t count = 0;
    ~MessagePool()
    {
        while (head) {
            Block* b = head;
            head = b->next;
            ::operator delete(b);
        }
        count = 0;
        dead = true;
    }
    static constexpr uint32_t kMax = 4096;
    static thread_local bool dead; ///< set once this thread's pool is gone
};
thread_local bool MessagePool::dead = false;
thread_local MessagePool t_messagePool;
} // namespace

void* MessageObj::operator new(size_t size)
{
    if (kPoolMessages && size == sizeof(MessageObj) && !MessagePool::dead) {
        MessagePool& pool = t_messagePool;
        if (pool.head) {
            MessagePool::Block* b = pool.head;
            pool.head = b->next;
            --pool.count;
            return b;
        }
    }
    return ::operator new(size);
}

void MessageObj::operator delete(void* p, size_t size) noexcept
{
    if (kPoolMessages && size == sizeof(MessageObj) && !MessagePool::dead) {
        MessagePool& pool = t_messagePool;
        if (pool.count < MessagePool::kMax) {
            auto* b = static_cast<MessagePool::Block*>(p);
            b->next = pool.head;
            pool.head = b;
            ++pool.count;
            return;
        }
    }
    ::operator delete(p);
}

Value Value::object(Obj* o)
{
    Value v(o->type);
    v.m_u.obj = o;
    return v;
}

StringObj::StringObj(std::string s) : Obj(ValueType::String), text(std::move(s))
{
    for (unsigned char c : text)
        if (c >= 0x80) {
            ascii = false;
            break;
        }
    chars = ascii ? uint32_t(text.size()) : utf8Length(text);
    recharge();
}

int64_t MapObj::measure() const
{
    int64_t n = int64_t(sizeof(*this) + entries.capacity() * sizeof(entries[0]));
    for (const auto& e : entries)
        n += int64_t(e.first.capacity());
    return n;
}

int64_t MapObj::find(std::string_view key) const
{
    for (size_t i = 0; i < entries.size(); ++i)
        if (entries[i].first == key)
            return int64_t(i);
    return -1;
}

void MapObj::set(std::string_view key, Value v)
{
    const int64_t i = find(key);
    if (i >= 0) {
        entries[size_t(i)].second = std::move(v);
        return;
    }
    entries.emplace_back(std::string(key), std::move(v));
    recharge();
}

bool MapObj::remove(std::string_view key, Value* removed)
{
    const int64_t i = find(key);
    if (i < 0)
        return false;
    if (removed)
        *removed = std::move(entries[size_t(i)].second);
    entries.erase(entries.begin() + i);
    recharge();
    return true;
}

Value makeString(std::string s)
{
    checkMemory(int64_t(s.size()));
    return Value::object(new StringObj(std::move(s)));
}

Value makeList(std::vector<Value> items)
{
    checkMemory(int64_t(items.size() * sizeof(Value)));
    return Value::object(new ListObj(std::move(items)));
}

Value makeMap()
{
    auto* m = new MapObj;
    m->recharge();
    return Value::object(m);
}

Value makeMessage(uint32_t id, std::vector<Value> args) { return Value::object(new MessageObj(id, std::move(args))); }
Value makeResult(bool ok, Value v) { return Value::object(new ResultObj(ok, std::move(v))); }
Value makeClosure(uint32_t function, std::vector<Value> captures)
{
    return Value::object(new ClosureObj(function, std::move(captures)));
}

ListObj& mutableList(Value& v)
{
    auto* l = static_cast<ListObj*>(v.obj());
    if (l->refs > 1) {
        checkMemory(int64_t(l->items.size() * sizeof(Value)));
        v = Value::object(new ListObj(l->items));
        l = static_cast<ListObj*>(v.obj());
    }
    return *l;
}

MapObj& mutableMap(Value& v)
{
    auto* m = static_cast<MapObj*>(v.obj());
    if (m->refs > 1) {
        checkMemory(m->charged);
        auto* c = new MapObj;
        c->entries = m->entries;
        c->recharge();
        v = Value::object(c);
        m = c;
    }
    return *m;
}

namespace {
/// The capacity n push_backs leave in an empty std::vector (libstdc++ doubles
/// from 1). Copies reserve it up front: one allocation instead of log2(n),
/// and the same capacity, hence the same bytes charged, as before.
size_t pushedCapacity(size_t n) { return n == 0 ? 0 : std::bit_ceil(n); }
} // namespace

Value deepCopy(const Value& v)
{
    switch (v.type()) {
    case ValueType::List: {
        const auto& l = asList(v);
        std::vector<Value> items;
        items.reserve(l.items.size());
        for (const auto& x : l.items)
            items.push_back(deepCopy(x));
        return makeList(std::move(items));
    }
    case ValueType::Map: {
        Value out = makeMap();
        auto* m = static_cast<MapObj*>(out.obj());
        m->entries.reserve(pushedCapacity(asMap(v).entries.size()));
        for (const auto& [k, x] : asMap(v).entries)
            m->entries.emplace_back(k, deepCopy(x));
        m->recharge();
        return out;
    }
    case ValueType::Tensor: {
        const auto& t = asTensor(v);
        checkMemory(int64_t(t.data.size() * sizeof(double)));
        auto* c = new TensorObj;
        c->shape = t.shape;
        c->data = t.data;
        c->recharge();
        return Value::object(c);
    }
    case ValueType::Message: {
        const auto& m = asMessage(v);
        std::vector<Value> args;
        args.reserve(pushedCapacity(m.args.size()));
        for (const auto& x : m.args)
            args.push_back(deepCopy(x));
        return makeMessage(m.message, std::move(args));
    }
    case ValueType::Result: return makeResult(asResult(v).ok, deepCopy(asResult(v).value));
    case ValueType::Function: {
        const auto& c = asClosure(v);
        std::vector<Value> caps;
        caps.reserve(pushedCapacity(c.captures.size()));
        for (const auto& x : c.captures)
            caps.push_back(deepCopy(x));
        return makeClosure(c.function, std::move(caps));
    }
    case ValueType::UiNode: {
        const auto& n = asUiNode(v);
        auto* c = new UiNodeObj;
        c->desc = n.desc;
        c->actorType = n.actorType;
        c->args.reserve(pushedCapacity(n.args.size()));
        c->props.reserve(pushedCapacity(n.props.size()));
        c->children.reserve(pushedCapacity(n.children.size()));
        for (const auto& x : n.args)
            c->args.push_back(deepCopy(x));
        for (const auto& x : n.props)
            c->props.push_back(deepCopy(x));
        for (const auto& x : n.children)
            c->children.push_back(deepCopy(x));
        c->recharge();
        return Value::object(c);
    }
    default:
        return v; // unboxed values and immutable strings
    }
}

bool valuesEqual(const Value& a, const Value& b)
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
    case ValueType::String: return a.obj() == b.obj() || asString(a).text == asString(b).text;
    case ValueType::Actor: return a.actorId() == b.actorId();
    case ValueType::List: {
        const auto& x = asList(a).items;
        const auto& y = asList(b).items;
        if (x.size() != y.size())
            return false;
        for (size_t i = 0; i < x.size(); ++i)
            if (!valuesEqual(x[i], y[i]))
                return false;
        return true;
    }
    case ValueType::Map: {
        const auto& x = asMap(a);
        const auto& y = asMap(b);
        if (x.entries.size() != y.entries.size())
            return false;
        for (const auto& [k, v] : x.entries) {
            const int64_t j = y.find(k);
            if (j < 0 || !valuesEqual(v, y.entries[size_t(j)].second))
                return false;
        }
        return true;
    }
    case ValueType::Tensor: return asTensor(a).shape == asTensor(b).shape && asTensor(a).data == asTensor(b).data;
    case ValueType::Message: {
        const auto& x = asMessage(a);
        const auto& y = asMessage(b);
        if (x.message != y.message || x.args.size() != y.args.size())
            return false;
        for (size_t i = 0; i < x.args.size(); ++i)
            if (!valuesEqual(x.args[i], y.args[i]))
                return false;
        return true;
    }
    case ValueType::Result: return asResult(a).ok == asResult(b).ok && valuesEqual(asResult(a).value, asResult(b).value);
    default: return a.obj() == b.obj(); // functions and UI trees: identity
    }
}

uint32_t utf8Length(std::string_view s)
{
    uint32_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

size_t utf8Offset(std::string_view s, uint32_t index)
{
    size_t i = 0;
    uint32_t seen = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (seen == index)
                return i;
            ++seen;
        }
    }
    return s.size();
}

std::string charAt(const StringObj& s, uint32_t index)
{
    if (s.ascii)
        return std::string(1, s.text[index]);
    const size_t b = utf8Offset(s.text, index);
    size_t e = b + 1;
    while (e < s.text.size() && (static_cast<unsigned char>(s.text[e]) & 0xC0) == 0x80)
        ++e;
    return s.text.substr(b, e - b);
}

} // namespace aeroflow::engine
