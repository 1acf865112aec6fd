// Scheduler state <-> `.afs` sections (docs/SNAPSHOT_FORMAT.md).
//
// Heap objects go into one object table, children before parents, each
// written once: values refer to objects by table index, never by address, so
// the image is position independent and sharing (hence copy-on-write
// behaviour and memory accounting) survives a round trip exactly. Loading is
// a single forward pass in which every reference must point backwards, so a
// forged image cannot build a cycle or make the loader recurse.

#include "SnapshotIo.h"

#include "MapKey.h"

#include "Program.h"
#include "Vm.h"
#include "WorldBridge.h"

#include <algorithm>
#include <unordered_map>

namespace aeroflow::engine {

namespace {

enum class Tag : uint8_t { Nil, False, True, Int, Float, Actor, Object };
enum class Packing : uint8_t { Tagged, Ints, Floats };

/// Upper bound on container sizes read from an image before they are
/// checked against the bytes left: a count can never exceed the bytes that
/// would encode it.
constexpr uint64_t kMinEncodedValue = 1;

// --- saving -----------------------------------------------------------------

class ObjectTable {
public:
    ObjectTable(const compiler::Program& p, ByteWriter& w) : m_program(p), m_w(w)
    {
        for (uint32_t f = 0; f < p.functions.size(); ++f)
            for (uint32_t i = 0; i < p.functions[f].uiNodes.size(); ++i)
                m_uiDescs.emplace(&p.functions[f].uiNodes[i], std::pair{f, i});
    }

    /// Writes `v`'s objects (if not yet written) to the table.
    void add(const Value& root)
    {
        if (!root.isObject() || m_index.contains(root.obj()))
            return;
        // Iterative post-order: an object is written after all its children.
        struct Item {
            const Obj* obj;
            bool expanded;
        };
        std::vector<Item> stack{{root.obj(), false}};
        while (!stack.empty()) {
            Item& top = stack.back();
            if (m_index.contains(top.obj)) {
                stack.pop_back();
                continue;
            }
            if (!top.expanded) {
                top.expanded = true;
                const Obj* o = top.obj;
                forEachChild(o, [&](const Value& c) {
                    if (c.isObject() && !m_index.contains(c.obj()))
                        stack.push_back({c.obj(), false});
                });
                continue;
            }
            const Obj* o = top.obj;
            stack.pop_back();
            write(o);
            m_index.emplace(o, uint32_t(m_index.size()));
        }
    }

    void value(ByteWriter& w, const Value& v) const
    {
        switch (v.type()) {
        case ValueType::Nil: w.u8(uint8_t(Tag::Nil)); return;
        case ValueType::Bool: w.u8(uint8_t(v.asBool() ? Tag::True : Tag::False)); return;
        case ValueType::Int: w.u8(uint8_t(Tag::Int)); w.i64(v.asInt()); return;
        case ValueType::Float: w.u8(uint8_t(Tag::Float)); w.f64(v.asFloat()); return;
        case ValueType::Actor:
            w.u8(uint8_t(Tag::Actor));
            w.u32(v.actorId());
            w.u32(v.actorType());
            return;
        default: w.u8(uint8_t(Tag::Object)); w.u32(m_index.at(v.obj())); return;
        }
    }

    uint32_t count() const { return uint32_t(m_index.size()); }

private:
    template <typename F>
    static void forEachChild(const Obj* o, F&& f)
    {
        switch (o->type) {
        case ValueType::List:
            for (const auto& x : static_cast<const ListObj*>(o)->items)
                f(x);
            break;
        case ValueType::Map:
            for (const auto& e : static_cast<const MapObj*>(o)->entries)
                f(e.second);
            break;
        case ValueType::Set: break; // elements are encoded keys, not values
        case ValueType::Message:
            for (const auto& x : static_cast<const MessageObj*>(o)->args)
                f(x);
            break;
        case ValueType::Result: f(static_cast<const ResultObj*>(o)->value); break;
        case ValueType::Function:
            for (const auto& x : static_cast<const ClosureObj*>(o)->captures)
                f(x);
            break;
        case ValueType::Record:
            for (const auto& x : static_cast<const RecordObj*>(o)->fields)
                f(x);
            break;
        case ValueType::UiNode: {
            const auto* n = static_cast<const UiNodeObj*>(o);
            for (const auto* part : {&n->args, &n->props, &n->children})
                for (const auto& x : *part)
                    f(x);
            break;
        }
        default: break;
        }
    }

    /// Element vectors: all ints or all floats are written packed (8 bytes
    /// each, one copy), anything else as tagged values.
    void values(const std::vector<Value>& xs)
    {
        m_w.u64(xs.capacity());
        m_w.u64(xs.size());
        Packing packing = xs.empty() ? Packing::Tagged : Packing::Ints;
        for (const auto& x : xs)
            if (!x.isInt()) {
                packing = Packing::Tagged;
                break;
            }
        if (packing == Packing::Tagged && !xs.empty()) {
            packing = Packing::Floats;
            for (const auto& x : xs)
                if (!x.isFloat()) {
                    packing = Packing::Tagged;
                    break;
                }
        }
        m_w.u8(uint8_t(packing));
        switch (packing) {
        case Packing::Tagged:
            for (const auto& x : xs)
                value(m_w, x);
            break;
        case Packing::Ints: {
            const size_t at = m_w.grow(xs.size() * 8);
            for (size_t i = 0; i < xs.size(); ++i)
                m_w.store64(at + 8 * i, uint64_t(xs[i].asInt()));
            break;
        }
        case Packing::Floats: {
            const size_t at = m_w.grow(xs.size() * 8);
            for (size_t i = 0; i < xs.size(); ++i)
                m_w.store64(at + 8 * i, std::bit_cast<uint64_t>(xs[i].asFloat()));
            break;
        }
        }
    }

    void write(const Obj* o)
    {
        m_w.u8(uint8_t(o->type));
        m_w.u32(o->owner);
        m_w.i64(o->charged);
        switch (o->type) {
        case ValueType::String: {
            const auto* s = static_cast<const StringObj*>(o);
            m_w.u64(s->capacity());
            m_w.bytes(s->text);
            break;
        }
        case ValueType::List: values(static_cast<const ListObj*>(o)->items); break;
        case ValueType::Map: {
            const auto* m = static_cast<const MapObj*>(o);
            m_w.u64(m->entries.capacity());
            m_w.u64(m->entries.size());
            for (const auto& [k, x] : m->entries) {
                m_w.u64(k.capacity());
                m_w.bytes(k); // the key's encoding (MapKey.h): a string key's own text
                value(m_w, x);
            }
            break;
        }
        case ValueType::Set: {
            const auto* m = static_cast<const SetObj*>(o);
            m_w.u64(m->entries.capacity());
            m_w.u64(m->entries.size());
            for (const auto& e : m->entries) {
                m_w.u64(e.first.capacity());
                m_w.bytes(e.first);
            }
            break;
        }
        case ValueType::Tensor: {
            const auto* t = static_cast<const TensorObj*>(o);
            m_w.u64(t->shape.capacity());
            m_w.u64(t->shape.size());
            for (uint32_t d : t->shape)
                m_w.u32(d);
            m_w.u64(t->data.capacity());
            m_w.u64(t->data.size());
            if constexpr (std::endian::native == std::endian::little)
                m_w.raw(t->data.data(), t->data.size() * sizeof(double));
            else
                for (double d : t->data)
                    m_w.f64(d);
            break;
        }
        case ValueType::Message: {
            const auto* m = static_cast<const MessageObj*>(o);
            m_w.u32(m->message);
            values(m->args);
            break;
        }
        case ValueType::Result: {
            const auto* r = static_cast<const ResultObj*>(o);
            m_w.u8(r->ok ? 1 : 0);
            value(m_w, r->value);
            break;
        }
        case ValueType::Function: {
            const auto* c = static_cast<const ClosureObj*>(o);
            m_w.u32(c->function);
            values(c->captures);
            break;
        }
        case ValueType::Record: {
            const auto* rec = static_cast<const RecordObj*>(o);
            m_w.u32(recordIndex(*rec));
            values(rec->fields);
            break;
        }
        case ValueType::UiNode: {
            const auto* n = static_cast<const UiNodeObj*>(o);
            const auto it = m_uiDescs.find(n->desc);
            m_w.u32(it == m_uiDescs.end() ? UINT32_MAX : it->second.first);
            m_w.u32(it == m_uiDescs.end() ? UINT32_MAX : it->second.second);
            m_w.u32(uint32_t(n->actorType));
            values(n->args);
            values(n->props);
            values(n->children);
            break;
        }
        default: break;
        }
    }

    const compiler::Program& m_program;
    ByteWriter& m_w;
    // Lookup only; never iterated, so its order cannot leak into the image.
    std::unordered_map<const Obj*, uint32_t> m_index;
    std::unordered_map<const compiler::UiNodeDesc*, std::pair<uint32_t, uint32_t>> m_uiDescs;
};

// --- loading ----------------------------------------------------------------

/// A copy of `text` whose capacity is exactly `cap` (as the saved string's
/// was): reserve() may round up (libstdc++ doubles), a sized construction
/// does not, and shrinking with resize() keeps the allocation.
std::string withCapacity(std::string_view text, uint64_t cap)
{
    std::string s(size_t(cap), '\0');
    std::memcpy(s.data(), text.data(), text.size());
    s.resize(text.size());
    return s;
}

class Loader {
public:
    Loader(const compiler::Program& p, uint32_t version, uint32_t actorCount, std::vector<int32_t> actorTypes)
        : m_program(p), m_version(version), m_actorCount(actorCount), m_actorTypes(std::move(actorTypes))
    {
    }

    std::string error;

    bool fail(std::string message)
    {
        if (error.empty())
            error = std::move(message);
        return false;
    }

    bool value(ByteReader& r, Value& out)
    {
        const auto tag = Tag(r.u8());
        if (r.failed)
            return fail("truncated value");
        switch (tag) {
        case Tag::Nil: out = Value(); return true;
        case Tag::False: out = Value::boolean(false); return true;
        case Tag::True: out = Value::boolean(true); return true;
        case Tag::Int: out = Value::integer(r.i64()); return !r.failed || fail("truncated value");
        case Tag::Float: out = Value::number(r.f64()); return !r.failed || fail("truncated value");
        case Tag::Actor: {
            const uint32_t id = r.u32(), type = r.u32();
            if (r.failed)
                return fail("truncated value");
            if (id == 0 || id >= m_actorCount || m_actorTypes[id] != int32_t(type))
                return fail("actor reference " + std::to_string(id) + " does not match the actor table");
            out = Value::actor(id, type);
            return true;
        }
        case Tag::Object: {
            const uint32_t i = r.u32();
            if (r.failed)
                return fail("truncated value");
            if (i >= m_objects.size())
                return fail("object reference " + std::to_string(i) + " points forward or past the table");
            out = m_objects[i];
            return true;
        }
        }
        return fail("unknown value tag " + std::to_string(unsigned(tag)));
    }

    bool values(ByteReader& r, std::vector<Value>& out)
    {
        const uint64_t cap = r.u64(), n = r.u64();
        if (r.failed || n > r.remaining() / kMinEncodedValue || cap < n || cap > n + (uint64_t(1) << 24))
            return fail("bad element count");
        const auto packing = Packing(r.u8());
        if (r.failed)
            return fail("truncated element list");
        out.reserve(cap);
        switch (packing) {
        case Packing::Tagged:
            for (uint64_t i = 0; i < n; ++i) {
                Value v;
                if (!value(r, v))
                    return false;
                out.push_back(std::move(v));
            }
            return true;
        case Packing::Ints:
        case Packing::Floats: {
            const char* p = n ? r.raw(n * 8) : "";
            if (!p)
                return fail("truncated packed list");
            for (uint64_t i = 0; i < n; ++i) {
                uint64_t w;
                std::memcpy(&w, p + 8 * i, 8);
                if constexpr (std::endian::native == std::endian::big)
                    w = std::byteswap(w);
                out.push_back(packing == Packing::Ints ? Value::integer(int64_t(w))
                                                       : Value::number(std::bit_cast<double>(w)));
            }
            return true;
        }
        }
        return fail("unknown list packing " + std::to_string(unsigned(packing)));
    }

    bool objects(std::string_view section)
    {
        ByteReader r(section);
        const uint64_t count = r.u64();
        if (r.failed || count > section.size())
            return fail("bad object count");
        m_objects.reserve(count);
        for (uint64_t i = 0; i < count; ++i)
            if (!object(r))
                return fail("object " + std::to_string(i) + ": " + (error.empty() ? "malformed" : error));
        if (!r.atEnd())
            return fail("trailing bytes after the object table");
        return true;
    }

    bool object(ByteReader& r)
    {
        const auto type = ValueType(r.u8());
        const uint32_t owner = r.u32();
        const int64_t charged = r.i64();
        if (r.failed)
            return fail("truncated object");
        if (owner >= m_actorCount)
            return fail("object owner out of range");
        if (charged < 0)
            return fail("negative object size");
        m_owner = owner;
        m_charged = charged;
        Obj* o = nullptr;
        switch (type) {
        case ValueType::String: {
            const uint64_t cap = r.u64();
            std::string_view text = r.bytes();
            if (r.failed || cap < text.size() || cap > text.size() + (uint64_t(1) << 24))
                return fail("bad string");
            o = new StringObj(withCapacity(text, cap));
            break;
        }
        case ValueType::List: {
            auto* l = new ListObj;
            o = l;
            if (!values(r, l->items))
                return adopt(o, false);
            break;
        }
        case ValueType::Map: {
            auto* m = new MapObj;
            o = m;
            const uint64_t cap = r.u64(), n = r.u64();
            if (r.failed || n > r.remaining() || cap < n || cap > n + (uint64_t(1) << 24))
                return adopt(o, fail("bad map size"));
            m->entries.reserve(cap);
            for (uint64_t i = 0; i < n; ++i) {
                std::string key;
                if (!mapKey(r, key))
                    return adopt(o, fail("bad map key"));
                if (m->entries.lookup(key)) // no map the engine makes has one
                    return adopt(o, fail("duplicate map key"));
                Value v;
                if (!value(r, v))
                    return adopt(o, false);
                m->entries.append(std::move(key), std::move(v));
            }
            break;
        }
        case ValueType::Set: {
            if (m_version < 4)
                return fail("unknown object type " + std::to_string(unsigned(type)));
            auto* m = new SetObj;
            o = m;
            const uint64_t cap = r.u64(), n = r.u64();
            if (r.failed || n > r.remaining() || cap < n || cap > n + (uint64_t(1) << 24))
                return adopt(o, fail("bad set size"));
            m->entries.reserve(cap);
            for (uint64_t i = 0; i < n; ++i) {
                std::string key;
                if (!mapKey(r, key))
                    return adopt(o, fail("bad set element"));
                if (m->entries.lookup(key))
                    return adopt(o, fail("duplicate set element"));
                m->entries.append(std::move(key), Value());
            }
            break;
        }
        case ValueType::Tensor: {
            auto* t = new TensorObj;
            o = t;
            const uint64_t scap = r.u64(), sn = r.u64();
            if (r.failed || sn > r.remaining() / 4 || scap < sn || scap > sn + 64)
                return adopt(o, fail("bad tensor shape"));
            t->shape.reserve(scap);
            uint64_t elements = 1;
            for (uint64_t i = 0; i < sn; ++i) {
                const uint32_t d = r.u32();
                t->shape.push_back(d);
                elements = d == 0 ? 0 : (elements > UINT64_MAX / d ? UINT64_MAX : elements * d);
            }
            const uint64_t dcap = r.u64(), dn = r.u64();
            if (r.failed || dn > r.remaining() / 8 || dcap < dn || dcap > dn + (uint64_t(1) << 24) ||
                (sn > 0 && elements != dn))
                return adopt(o, fail("bad tensor data"));
            t->data.reserve(dcap);
            t->data.resize(dn);
            const char* p = r.raw(dn * 8);
            if (!p)
                return adopt(o, fail("truncated tensor"));
            if constexpr (std::endian::native == std::endian::little) {
                if (dn > 0) // data() may be null for an empty vector
                    std::memcpy(t->data.data(), p, dn * 8);
            } else
                for (uint64_t i = 0; i < dn; ++i) {
                    uint64_t w;
                    std::memcpy(&w, p + 8 * i, 8);
                    t->data[i] = std::bit_cast<double>(std::byteswap(w));
                }
            break;
        }
        case ValueType::Message: {
            const uint32_t id = r.u32();
            auto* m = new MessageObj(0, {});
            o = m;
            if (r.failed || id >= m_program.messages.size())
                return adopt(o, fail("message id out of range"));
            m->message = id;
            if (!values(r, m->args))
                return adopt(o, false);
            if (m->args.size() != m_program.messages[id].arity)
                return adopt(o, fail("message argument count does not match its type"));
            break;
        }
        case ValueType::Result: {
            const uint8_t ok = r.u8();
            Value v;
            if (r.failed || ok > 1 || !value(r, v))
                return fail("bad result");
            o = new ResultObj(ok == 1, std::move(v));
            break;
        }
        case ValueType::Function: {
            const uint32_t fn = r.u32();
            auto* c = new ClosureObj(0, {});
            o = c;
            if (r.failed || fn >= m_program.functions.size())
                return adopt(o, fail("closure function out of range"));
            c->function = fn;
            if (!values(r, c->captures))
                return adopt(o, false);
            if (c->captures.size() != m_program.functions[fn].captures.size())
                return adopt(o, fail("closure capture count does not match its function"));
            break;
        }
        case ValueType::Record: {
            const uint32_t idx = r.u32();
            if (r.failed || idx >= m_program.records.size())
                return fail("record type out of range");
            auto* rec = new RecordObj(&m_program.records[idx], {});
            o = rec;
            if (!values(r, rec->fields))
                return adopt(o, false);
            if (rec->fields.size() != m_program.records[idx].fields.size())
                return adopt(o, fail("record field count does not match its type"));
            break;
        }
        case ValueType::UiNode: {
            auto* n = new UiNodeObj;
            o = n;
            const uint32_t fn = r.u32(), idx = r.u32(), actorType = r.u32();
            if (r.failed || fn >= m_program.functions.size() || idx >= m_program.functions[fn].uiNodes.size())
                return adopt(o, fail("UI node description out of range"));
            if (int32_t(actorType) < -1 || (int32_t(actorType) >= 0 && actorType >= m_program.actors.size()))
                return adopt(o, fail("UI node actor type out of range"));
            n->desc = &m_program.functions[fn].uiNodes[idx];
            n->actorType = int32_t(actorType);
            if (!values(r, n->args) || !values(r, n->props) || !values(r, n->children))
                return adopt(o, false);
            if (n->props.size() != n->desc->props.size())
                return adopt(o, fail("UI node property count does not match its description"));
            for (const auto& c : n->children)
                if (c.type() != ValueType::UiNode)
                    return adopt(o, fail("UI node child is not a UI node"));
            break;
        }
        default: return fail("unknown object type " + std::to_string(unsigned(type)));
        }
        return adopt(o, true);
    }

    /// Takes ownership of a new object: into the table when `ok`, freed otherwise.
    bool adopt(Obj* o, bool ok)
    {
        Value v = Value::object(o);
        if (!ok)
            return false;
        // The owner and size charged as they were, so later frees and
        // re-measures account exactly as in the uninterrupted run.
        o->owner = m_owner;
        o->charged = m_charged;
        m_objects.push_back(std::move(v));
        return true;
    }

private:
    /// A key as this engine stores it: version 4 images hold encodings
    /// (checked: they come from a file), older ones the raw text of string
    /// keys (escaped where it would read as another kind of key).
    bool mapKey(ByteReader& r, std::string& out)
    {
        const uint64_t kcap = r.u64();
        std::string_view key = r.bytes();
        if (r.failed || kcap < key.size() || kcap > key.size() + (uint64_t(1) << 24))
            return false;
        if (m_version >= 4) {
            if (!validMapKey(key))
                return false;
            out = withCapacity(key, kcap);
        } else {
            out = mapKeyIsText(key) ? withCapacity(key, kcap) : escapeLegacyKey(key);
        }
        return true;
    }

    const compiler::Program& m_program;
    uint32_t m_version;
    uint32_t m_actorCount;
    std::vector<int32_t> m_actorTypes;
    std::vector<Value> m_objects;
    uint32_t m_owner = 0;
    int64_t m_charged = 0;
};

void writeFrames(ByteWriter& w, const ObjectTable& t, const Fiber& f)
{
    w.u64(f.regs.size());
    for (const auto& v : f.regs)
        t.value(w, v);
    w.u64(f.frames.size());
    for (const auto& fr : f.frames) {
        w.u32(fr.function);
        w.u32(fr.pc);
        w.u32(fr.base);
        w.u32(fr.ret);
        t.value(w, fr.closure);
    }
    t.value(w, f.result);
    w.u64(f.fuel);
}

} // namespace

bool SnapshotIo::touchesWorld(const Scheduler& s)
{
    return !s.m_world->empty();
}

SnapshotSections SnapshotIo::save(const Scheduler& s, std::string& image)
{
    SnapshotSections out;
    // The section starts with the object count, patched in at the end.
    const size_t countAt = image.size();
    ByteWriter tw(image);
    tw.u64(0);
    ObjectTable objects(*s.m_program, tw);

    // Roots, in a fixed order: actors' state, queued payloads, globals, the
    // main program's stack and inbox.
    for (const auto& a : s.m_actors)
        for (const auto& v : a->state)
            objects.add(v);
    // The priority queue's container is in heap order, which depends only on
    // the order of pushes, itself deterministic; sorted here anyway so the
    // image does not depend on the heap's internal layout.
    struct QueueView : std::priority_queue<Scheduler::Envelope, std::vector<Scheduler::Envelope>,
                                           std::greater<Scheduler::Envelope>> {
        static const std::vector<Scheduler::Envelope>& of(const std::priority_queue<
            Scheduler::Envelope, std::vector<Scheduler::Envelope>, std::greater<Scheduler::Envelope>>& q)
        {
            return q.*&QueueView::c;
        }
    };
    std::vector<const Scheduler::Envelope*> queue;
    for (const auto& e : QueueView::of(s.m_queue))
        queue.push_back(&e);
    std::sort(queue.begin(), queue.end(), [](const auto* a, const auto* b) { return *b > *a; });
    for (const auto* e : queue)
        objects.add(e->payload);
    for (const auto& v : s.m_globals)
        objects.add(v);
    if (s.m_mainFiber) {
        for (const auto& v : s.m_mainFiber->regs)
            objects.add(v);
        for (const auto& f : s.m_mainFiber->frames)
            objects.add(f.closure);
        objects.add(s.m_mainFiber->result);
    }
    for (const auto& v : s.m_mainInbox)
        objects.add(v);
    const bool world = !s.m_world->empty();
    if (world)
        for (const Value* v : s.m_world->roots())
            objects.add(*v);

    tw.store64(countAt, objects.count());

    ByteWriter aw(out.actors);
    aw.u32(uint32_t(s.m_actors.size()));
    for (const auto& a : s.m_actors) {
        aw.u32(a->id);
        aw.u32(uint32_t(a->type));
        aw.u32(a->parent);
        aw.u8(uint8_t((a->alive ? 1 : 0) | (a->stopRequested ? 2 : 0) | (a->hasRendered ? 4 : 0)));
        aw.u64(a->nextSeq);
        for (uint64_t x : a->rng.state())
            aw.u64(x);
        aw.i64(a->id < s.m_heap.bytesByActor.size() ? s.m_heap.bytesByActor[a->id] : 0);
        aw.bytes(a->lastRender);
        aw.u64(a->state.size());
        for (const auto& v : a->state)
            objects.value(aw, v);
    }

    ByteWriter qw(out.queue);
    qw.u64(queue.size());
    for (const auto* e : queue) {
        qw.u64(e->time);
        qw.u32(e->receiver);
        qw.u32(e->sender);
        qw.u64(e->seq);
        qw.u64(e->cause);
        objects.value(qw, e->payload);
    }

    ByteWriter mw(out.main);
    mw.u64(s.m_now);
    mw.u64(s.m_currentSeq);
    mw.u64(s.m_outsideSeq);
    mw.u8(uint8_t((s.m_mainDone ? 1 : 0) | (s.m_failed ? 2 : 0) | (s.m_over ? 4 : 0)));
    mw.u64(s.m_stats.messagesDelivered);
    mw.u32(s.m_stats.actorsSpawned);
    mw.u32(s.m_stats.crashes);
    mw.u64(s.m_globals.size());
    for (const auto& v : s.m_globals)
        objects.value(mw, v);
    mw.u8(s.m_mainFiber ? 1 : 0);
    if (s.m_mainFiber)
        writeFrames(mw, objects, *s.m_mainFiber);
    mw.u64(s.m_mainInbox.size());
    for (const auto& v : s.m_mainInbox)
        objects.value(mw, v);
    saveSupervision(s, queue, out.supervision);
    if (!world)
        return out;
    // The outside world (section 6): servers and their handlers, open
    // requests, connections and calls, armed timers with their messages.
    const WorldBridge& b = *s.m_world;
    ByteWriter w(out.world);
    w.u32(b.m_nextServer);
    w.u64(b.m_nextCall);
    w.u64(b.m_nextTimer);
    w.u64(b.m_mainCall);
    w.u8(uint8_t((b.m_shuttingDown ? 1 : 0) | (b.m_halted ? 2 : 0) | (b.m_mainResultReady ? 4 : 0)));
    w.u64(b.m_servers.size());
    for (const auto& [id, sv] : b.m_servers) {
        w.u32(id);
        w.u32(sv.actor);
        w.u8(sv.websocket ? 1 : 0);
        w.bytes(sv.address);
    }
    for (const auto* table : {&b.m_requests, &b.m_connections, &b.m_calls}) {
        w.u64(table->size());
        for (const auto& [id, v] : *table) {
            w.u64(id);
            w.u32(v);
        }
    }
    w.u64(b.m_timers.size());
    for (const auto& [id, t] : b.m_timers) {
        w.u64(id);
        w.u32(t.actor);
        w.u64(t.ms);
        w.u8(t.repeat ? 1 : 0);
        objects.value(w, t.message);
    }
    objects.value(w, b.m_mainResult);
    return out;
}

std::expected<void, std::string> SnapshotIo::load(Scheduler& s, uint32_t version, std::string_view objectsSec,
                                                  std::string_view actorsSec, std::string_view queueSec,
                                                  std::string_view mainSec, std::string_view worldSec,
                                                  std::string_view supervisionSec)
{
    const MapKeyProgram keys(&s.program()); // record keys name this program's records
    const compiler::Program& p = *s.m_program;
    auto bad = [](std::string what) { return std::unexpected("corrupt snapshot: " + std::move(what)); };
    // Objects are created (and, on a failure, freed) under the new run's account.
    struct AccountGuard {
        HeapAccount* saved;
        explicit AccountGuard(HeapAccount* a) : saved(currentHeapAccount()) { setCurrentHeapAccount(a); }
        ~AccountGuard() { setCurrentHeapAccount(saved); }
    } guard(&s.m_heap);

    // Actor table first: object owners and actor references are checked against it.
    ByteReader ar(actorsSec);
    const uint32_t actorCount = ar.u32();
    if (ar.failed || actorCount == 0 || actorCount > actorsSec.size())
        return bad("bad actor count");
    struct ActorHead {
        uint32_t id, type, parent;
        uint8_t flags;
        uint64_t nextSeq;
        std::array<uint64_t, 4> rng;
        int64_t bytes;
        std::string render;
        size_t stateAt; ///< offset of the state values in the section
    };
    // Two passes over the actor section: heads now, state values once the
    // object table exists.
    std::vector<int32_t> types;
    types.reserve(actorCount);
    std::vector<ActorHead> heads;
    heads.reserve(actorCount);
    {
        ByteReader r(actorsSec);
        r.u32();
        for (uint32_t i = 0; i < actorCount; ++i) {
            ActorHead h;
            h.id = r.u32();
            h.type = r.u32();
            h.parent = version >= 3 ? r.u32() : kNoParent;
            if (h.parent != kNoParent && h.parent >= actorCount)
                return bad("actor " + std::to_string(i) + " has an unknown parent");
            h.flags = r.u8();
            h.nextSeq = r.u64();
            for (auto& x : h.rng)
                x = r.u64();
            h.bytes = r.i64();
            h.render = std::string(r.bytes());
            if (r.failed)
                return bad("truncated actor table");
            if (h.id != i)
                return bad("actor ids out of order");
            if (i == 0 ? h.type != UINT32_MAX : h.type >= p.actors.size())
                return bad("actor " + std::to_string(i) + " has an unknown type");
            const uint64_t n = r.u64();
            if (r.failed || n > r.remaining())
                return bad("bad state size");
            if (i > 0 && n != 0 && n != p.actors[h.type].stateFields.size())
                return bad("actor " + std::to_string(i) + " has the wrong number of state fields");
            heads.push_back(std::move(h));
            types.push_back(int32_t(heads.back().type));
            // Skip the values: each is a tag and a fixed-size payload.
            for (uint64_t k = 0; k < n; ++k) {
                const auto tag = Tag(r.u8());
                switch (tag) {
                case Tag::Nil:
                case Tag::False:
                case Tag::True: break;
                case Tag::Int:
                case Tag::Float:
                case Tag::Actor: r.raw(8); break;
                case Tag::Object: r.raw(4); break;
                default: return bad("unknown value tag in actor state");
                }
            }
            if (r.failed)
                return bad("truncated actor state");
        }
        if (!r.atEnd())
            return bad("trailing bytes after the actor table");
    }

    Loader loader(p, version, actorCount, types);
    if (!loader.objects(objectsSec))
        return bad(loader.error);

    // Actors with their state.
    s.m_actors.clear();
    {
        ByteReader r(actorsSec);
        r.u32();
        for (uint32_t i = 0; i < actorCount; ++i) {
            const ActorHead& h = heads[i];
            r.u32(), r.u32();
            if (version >= 3)
                r.u32();
            r.u8(), r.u64();
            for (int k = 0; k < 4; ++k)
                r.u64();
            r.i64();
            r.bytes();
            auto rec = std::make_unique<ActorRecord>();
            rec->id = h.id;
            rec->type = int32_t(h.type);
            rec->parent = h.parent;
            rec->alive = h.flags & 1;
            rec->stopRequested = h.flags & 2;
            rec->hasRendered = h.flags & 4;
            rec->nextSeq = h.nextSeq;
            rec->rng.setState(h.rng);
            rec->lastRender = h.render;
            const uint64_t n = r.u64();
            rec->state.reserve(n);
            for (uint64_t k = 0; k < n; ++k) {
                Value v;
                if (!loader.value(r, v))
                    return bad(loader.error);
                rec->state.push_back(std::move(v));
            }
            s.m_actors.push_back(std::move(rec));
        }
    }

    // Queue (pushed once the supervision section has given each its kind).
    std::vector<Scheduler::Envelope> queued;
    {
        ByteReader r(queueSec);
        const uint64_t n = r.u64();
        if (r.failed || n > queueSec.size())
            return bad("bad queue size");
        for (uint64_t i = 0; i < n; ++i) {
            Scheduler::Envelope e{};
            e.time = r.u64();
            e.receiver = r.u32();
            e.sender = r.u32();
            e.seq = r.u64();
            e.cause = r.u64();
            if (r.failed)
                return bad("truncated queue");
            if (e.receiver >= actorCount || (e.sender >= actorCount && e.sender != kOutsideSender))
                return bad("queued message with an unknown actor");
            if (!loader.value(r, e.payload))
                return bad(loader.error);
            if (e.receiver != 0 && e.payload.type() != ValueType::Message)
                return bad("queued payload for an actor is not a message");
            queued.push_back(std::move(e));
        }
        if (!r.atEnd())
            return bad("trailing bytes after the queue");
    }
    // Supervision: ties per actor, kinds of queued envelopes (by queue index).
    if (!supervisionSec.empty())
        if (auto sup = loadSupervision(s, supervisionSec, queued); !sup)
            return std::unexpected(sup.error());
    for (auto& e : queued)
        s.m_queue.push(std::move(e));

    // Main program: clocks, counters, globals, suspended stack, inbox.
    {
        ByteReader r(mainSec);
        s.m_now = r.u64();
        s.m_currentSeq = r.u64();
        s.m_outsideSeq = r.u64();
        const uint8_t flags = r.u8();
        s.m_mainDone = flags & 1;
        s.m_failed = flags & 2;
        s.m_over = flags & 4;
        s.m_stats.messagesDelivered = r.u64();
        s.m_stats.actorsSpawned = r.u32();
        s.m_stats.crashes = r.u32();
        const uint64_t g = r.u64();
        if (r.failed || g != p.globals.size())
            return bad("global count does not match the program");
        for (uint64_t i = 0; i < g; ++i)
            if (!loader.value(r, s.m_globals[i]))
                return bad(loader.error);
        const uint8_t hasFiber = r.u8();
        if (r.failed || hasFiber > 1)
            return bad("bad main program record");
        if (hasFiber) {
            auto f = std::make_unique<Fiber>();
            const uint64_t nregs = r.u64();
            if (r.failed || nregs > r.remaining())
                return bad("bad register count");
            f->regs.resize(nregs);
            for (auto& v : f->regs)
                if (!loader.value(r, v))
                    return bad(loader.error);
            const uint64_t nframes = r.u64();
            if (r.failed || nframes > r.remaining() || nframes > s.m_options.maxCallDepth + 1u)
                return bad("bad frame count");
            for (uint64_t i = 0; i < nframes; ++i) {
                Frame fr;
                fr.function = r.u32();
                fr.pc = r.u32();
                fr.base = r.u32();
                fr.ret = r.u32();
                if (r.failed || !loader.value(r, fr.closure))
                    return bad(loader.error.empty() ? "truncated frame" : loader.error);
                if (fr.function >= p.functions.size())
                    return bad("frame function out of range");
                const auto& fn = p.functions[fr.function];
                if (fr.pc >= fn.code.size() || uint64_t(fr.base) + fn.numRegs > nregs || fr.ret >= nregs)
                    return bad("frame registers or pc out of range");
                if (!fr.closure.isNil() &&
                    (fr.closure.type() != ValueType::Function || asClosure(fr.closure).function != fr.function))
                    return bad("frame closure does not match its function");
                if (fr.closure.isNil() && !fn.captures.empty())
                    return bad("frame of a closure has no captures");
                f->frames.push_back(std::move(fr));
            }
            if (!loader.value(r, f->result))
                return bad(loader.error);
            f->fuel = r.u64();
            if (r.failed)
                return bad("truncated main program record");
            if (!s.m_mainDone && !s.m_failed && f->frames.empty())
                return bad("waiting main program has no stack");
            s.m_mainFiber = std::move(f);
        } else if (!s.m_mainDone && !s.m_failed) {
            return bad("waiting main program has no stack");
        }
        const uint64_t inbox = r.u64();
        if (r.failed || inbox > r.remaining())
            return bad("bad inbox size");
        for (uint64_t i = 0; i < inbox; ++i) {
            Value v;
            if (!loader.value(r, v))
                return bad(loader.error);
            s.m_mainInbox.push_back(std::move(v));
        }
        if (!r.atEnd())
            return bad("trailing bytes after the main program record");
    }
    if (!worldSec.empty()) {
        WorldBridge& b = *s.m_world;
        ByteReader r(worldSec);
        b.m_nextServer = r.u32();
        b.m_nextCall = r.u64();
        b.m_nextTimer = r.u64();
        b.m_mainCall = r.u64();
        const uint8_t flags = r.u8();
        b.m_shuttingDown = flags & 1;
        b.m_halted = flags & 2;
        b.m_mainResultReady = flags & 4;
        uint64_t n = r.u64();
        if (r.failed || n > r.remaining())
            return bad("bad server count");
        for (uint64_t i = 0; i < n; ++i) {
            const uint32_t id = r.u32();
            WorldBridge::Server sv;
            sv.actor = r.u32();
            const uint8_t ws = r.u8();
            sv.address = std::string(r.bytes());
            if (r.failed || sv.actor == 0 || sv.actor >= actorCount || ws > 1 || id == 0 || id >= b.m_nextServer)
                return bad("bad server record");
            sv.websocket = ws == 1;
            b.m_servers[id] = std::move(sv);
        }
        for (auto* table : {&b.m_requests, &b.m_connections, &b.m_calls}) {
            n = r.u64();
            if (r.failed || n > r.remaining() / 12)
                return bad("bad world table size");
            for (uint64_t i = 0; i < n; ++i) {
                const uint64_t id = r.u64();
                const uint32_t v = r.u32();
                if (r.failed || (table == &b.m_calls ? v >= actorCount : (v == 0 || v >= b.m_nextServer)))
                    return bad("bad world table entry");
                (*table)[id] = v;
            }
        }
        n = r.u64();
        if (r.failed || n > r.remaining() / 21)
            return bad("bad timer count");
        for (uint64_t i = 0; i < n; ++i) {
            const uint64_t id = r.u64();
            WorldBridge::Timer t;
            t.actor = r.u32();
            t.ms = r.u64();
            const uint8_t repeat = r.u8();
            if (r.failed || t.actor == 0 || t.actor >= actorCount || repeat > 1 || id == 0 || id >= b.m_nextTimer)
                return bad("bad timer record");
            t.repeat = repeat == 1;
            if (!loader.value(r, t.message))
                return bad(loader.error);
            if (t.message.type() != ValueType::Message)
                return bad("timer message is not a message");
            b.m_timers[id] = std::move(t);
        }
        if (!loader.value(r, b.m_mainResult))
            return bad(loader.error);
        if (!r.atEnd())
            return bad("trailing bytes after the world record");
    }

    s.m_liveActors = 0;
    for (const auto& a : s.m_actors)
        s.m_liveActors += a->alive ? 1 : 0;
    // Memory accounting exactly as it was.
    s.m_heap.bytesByActor.assign(actorCount, 0);
    for (uint32_t i = 0; i < actorCount; ++i)
        s.m_heap.bytesByActor[i] = heads[i].bytes;
    s.m_started = true;
    return {};
}

} // namespace aeroflow::engine
