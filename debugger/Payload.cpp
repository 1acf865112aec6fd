// Payload encoding and its defensive decoder (see Payload.h for the format).

#include "Payload.h"

#include "MapKey.h"
#include "Print.h"
#include "Program.h"
#include "Text.h"
#include "Value.h"

#include <bit>
#include <charconv>
#include <cstring>

namespace aeroflow::debugger {

using engine::Value;
using engine::ValueType;

PayloadNames PayloadNames::fromProgram(const compiler::Program& program)
{
    PayloadNames n;
    for (const auto& m : program.messages)
        n.messages.push_back(m.name);
    for (const auto& a : program.actors)
        n.actorTypes.push_back(a.name);
    for (const auto& f : program.functions)
        n.functions.push_back(f.name);
    for (const auto& r : program.records) {
        n.records.push_back(r.name);
        n.recordFields.push_back(r.fields);
    }
    return n;
}

// --- encoding -----------------------------------------------------------------

namespace {

void putVarint(std::string& out, uint64_t v)
{
    while (v >= 0x80) {
        out += char(uint8_t(v) | 0x80);
        v >>= 7;
    }
    out += char(uint8_t(v));
}

void putTag(std::string& out, PayloadTag tag)
{
    out += char(uint8_t(tag));
}

void putString(std::string& out, std::string_view s)
{
    putVarint(out, s.size());
    out.append(s);
}

void putDouble(std::string& out, double d)
{
    const uint64_t bits = std::bit_cast<uint64_t>(d);
    for (int i = 0; i < 8; ++i)
        out += char(uint8_t(bits >> (8 * i)));
}

uint64_t zigzag(int64_t v)
{
    return (uint64_t(v) << 1) ^ uint64_t(v >> 63);
}

void encode(std::string& out, const Value& v, const compiler::Program* p, int depth)
{
    if (depth >= kMaxPayloadDepth) {
        putTag(out, PayloadTag::Elided);
        return;
    }
    switch (v.type()) {
    case ValueType::Nil: putTag(out, PayloadTag::Nil); return;
    case ValueType::Bool: putTag(out, v.asBool() ? PayloadTag::True : PayloadTag::False); return;
    case ValueType::Int:
        putTag(out, PayloadTag::Int);
        putVarint(out, zigzag(v.asInt()));
        return;
    case ValueType::Float:
        putTag(out, PayloadTag::Float);
        putDouble(out, v.asFloat());
        return;
    case ValueType::String:
        putTag(out, PayloadTag::String);
        putString(out, engine::asString(v).text);
        return;
    case ValueType::List: {
        const auto& items = engine::asList(v).items;
        putTag(out, PayloadTag::List);
        putVarint(out, items.size());
        for (const auto& x : items)
            encode(out, x, p, depth + 1);
        return;
    }
    case ValueType::Map: {
        // Maps of string keys keep the Map tag and their bytes; any other
        // key makes it a KeyedMap, whose keys are their encodings.
        const auto& entries = engine::asMap(v).entries;
        bool text = true;
        for (const auto& e : entries)
            text = text && engine::mapKeyIsText(e.first);
        putTag(out, text ? PayloadTag::Map : PayloadTag::KeyedMap);
        putVarint(out, entries.size());
        for (const auto& [k, x] : entries) {
            putString(out, k);
            encode(out, x, p, depth + 1);
        }
        return;
    }
    case ValueType::Set: {
        const auto& entries = engine::asSet(v).entries;
        putTag(out, PayloadTag::Set);
        putVarint(out, entries.size());
        for (const auto& e : entries)
            putString(out, e.first);
        return;
    }
    case ValueType::Tensor: {
        const auto& t = engine::asTensor(v);
        putTag(out, PayloadTag::Tensor);
        putVarint(out, t.shape.size());
        for (uint32_t d : t.shape)
            putVarint(out, d);
        putVarint(out, t.data.size());
        for (double d : t.data)
            putDouble(out, d);
        return;
    }
    case ValueType::Actor:
        putTag(out, PayloadTag::Actor);
        putVarint(out, v.actorId());
        putVarint(out, v.actorType());
        return;
    case ValueType::Message: {
        const auto& m = engine::asMessage(v);
        putTag(out, PayloadTag::Message);
        putVarint(out, m.message);
        putVarint(out, m.args.size());
        for (const auto& x : m.args)
            encode(out, x, p, depth + 1);
        return;
    }
    case ValueType::Result: {
        const auto& r = engine::asResult(v);
        putTag(out, r.ok ? PayloadTag::Ok : PayloadTag::Err);
        encode(out, r.value, p, depth + 1);
        return;
    }
    case ValueType::Function: {
        const auto& c = engine::asClosure(v);
        putTag(out, PayloadTag::Function);
        putVarint(out, c.function);
        putVarint(out, c.captures.size());
        for (const auto& x : c.captures)
            encode(out, x, p, depth + 1);
        return;
    }
    case ValueType::UiNode:
        putTag(out, PayloadTag::UiNode);
        putString(out, engine::toDisplay(v, p));
        return;
    case ValueType::Record: {
        const auto& r = engine::asRecord(v);
        putTag(out, PayloadTag::Record);
        putVarint(out, engine::recordIndex(r));
        putVarint(out, r.fields.size());
        for (const auto& x : r.fields)
            encode(out, x, p, depth + 1);
        return;
    }
    }
    putTag(out, PayloadTag::Elided);
}

} // namespace

void encodeValue(std::string& out, const Value& value, const compiler::Program* program)
{
    encode(out, value, program, 0);
}

void encodePayload(std::string& out, const Value& payload, bool isMessage, const compiler::Program* program)
{
    if (isMessage && payload.type() == ValueType::Message) {
        const auto& m = engine::asMessage(payload);
        putVarint(out, m.args.size());
        for (const auto& x : m.args)
            encode(out, x, program, 1);
        return;
    }
    encode(out, payload, program, 0);
}

// --- decoding -----------------------------------------------------------------

namespace {

/// Reads from an untrusted buffer; the first failure sticks (m_error) and
/// every later read returns zeros, so callers check once at the end of a unit.
class Reader {
public:
    explicit Reader(std::string_view bytes) : m_p(bytes.data()), m_end(bytes.data() + bytes.size()) {}

    bool failed() const { return !m_error.empty(); }
    const std::string& error() const { return m_error; }
    size_t left() const { return size_t(m_end - m_p); }
    void fail(std::string why)
    {
        if (m_error.empty())
            m_error = std::move(why);
        m_p = m_end;
    }

    uint8_t byte()
    {
        if (m_p >= m_end) {
            fail("payload ends early");
            return 0;
        }
        return uint8_t(*m_p++);
    }
    uint64_t varint()
    {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const uint8_t b = byte();
            if (failed())
                return 0;
            if (shift == 63 && b > 1) {
                fail("varint overflows 64 bits");
                return 0;
            }
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        fail("varint is too long");
        return 0;
    }
    /// A count of items that each take at least `minBytes`: never more than
    /// the bytes left could hold, so a hostile count cannot make us allocate.
    uint64_t count(size_t minBytes)
    {
        const uint64_t n = varint();
        if (!failed() && n > left() / minBytes)
            fail("count " + std::to_string(n) + " exceeds the payload");
        return failed() ? 0 : n;
    }
    uint32_t u32()
    {
        const uint64_t v = varint();
        if (v > UINT32_MAX)
            fail("id out of range");
        return failed() ? 0 : uint32_t(v);
    }
    std::string_view bytes(size_t n)
    {
        if (n > left()) {
            fail("payload ends early");
            return {};
        }
        std::string_view s(m_p, n);
        m_p += n;
        return s;
    }
    double float64()
    {
        const std::string_view b = bytes(8);
        if (b.size() != 8)
            return 0;
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i)
            bits |= uint64_t(uint8_t(b[size_t(i)])) << (8 * i);
        return std::bit_cast<double>(bits);
    }

private:
    const char* m_p;
    const char* m_end;
    std::string m_error;
};

void decode(Reader& r, PayloadValue& out, int depth)
{
    if (depth > kMaxPayloadDepth) {
        r.fail("payload nests too deeply");
        return;
    }
    const uint8_t tag = r.byte();
    if (r.failed())
        return;
    if (tag > uint8_t(kLastPayloadTag)) {
        r.fail("unknown value tag " + std::to_string(tag));
        return;
    }
    out.tag = PayloadTag(tag);
    switch (out.tag) {
    case PayloadTag::Nil:
    case PayloadTag::False:
    case PayloadTag::True:
    case PayloadTag::Elided: return;
    case PayloadTag::Int: {
        const uint64_t z = r.varint();
        out.i = int64_t(z >> 1) ^ -int64_t(z & 1);
        return;
    }
    case PayloadTag::Float: out.f = r.float64(); return;
    case PayloadTag::String:
    case PayloadTag::UiNode: out.text = std::string(r.bytes(r.count(1))); return;
    case PayloadTag::List: {
        const uint64_t n = r.count(1);
        out.items.resize(n);
        for (auto& x : out.items) {
            decode(r, x, depth + 1);
            if (r.failed())
                return;
        }
        return;
    }
    case PayloadTag::Map:
    case PayloadTag::KeyedMap: {
        const bool keyed = out.tag == PayloadTag::KeyedMap;
        out.tag = PayloadTag::Map;
        const uint64_t n = r.count(2); // a key length and a value tag at least
        out.keys.resize(n);
        out.items.resize(n);
        for (uint64_t k = 0; k < n && !r.failed(); ++k) {
            const std::string_view key = r.bytes(r.count(1));
            if (keyed && !engine::validMapKey(key))
                r.fail("malformed map key");
            // A Map's keys are strings' text: escaped where it would read as another key.
            out.keys[k] = keyed ? std::string(key) : engine::escapeLegacyKey(key);
            decode(r, out.items[k], depth + 1);
        }
        return;
    }
    case PayloadTag::Set: {
        const uint64_t n = r.count(1);
        out.keys.resize(n);
        for (uint64_t k = 0; k < n && !r.failed(); ++k) {
            const std::string_view key = r.bytes(r.count(1));
            if (!engine::validMapKey(key))
                r.fail("malformed set element");
            out.keys[k] = std::string(key);
        }
        return;
    }
    case PayloadTag::Tensor: {
        const uint64_t rank = r.count(1);
        uint64_t elements = 1;
        for (uint64_t k = 0; k < rank && !r.failed(); ++k) {
            const uint32_t d = r.u32();
            out.shape.push_back(d);
            elements = d == 0 ? 0 : (elements > UINT64_MAX / d ? UINT64_MAX : elements * d);
        }
        const uint64_t n = r.count(8);
        if (!r.failed() && n != elements && rank > 0)
            r.fail("tensor data does not match its shape");
        out.data.resize(n);
        for (auto& d : out.data)
            d = r.float64();
        return;
    }
    case PayloadTag::Actor:
        out.id = r.u32();
        out.type = r.u32();
        return;
    case PayloadTag::Message:
    case PayloadTag::Function:
    case PayloadTag::Record: {
        out.id = r.u32();
        const uint64_t n = r.count(1);
        out.items.resize(n);
        for (auto& x : out.items) {
            decode(r, x, depth + 1);
            if (r.failed())
                return;
        }
        return;
    }
    case PayloadTag::Ok:
    case PayloadTag::Err:
        out.items.resize(1);
        decode(r, out.items[0], depth + 1);
        return;
    }
}

std::expected<PayloadValue, std::string> finish(Reader& r, PayloadValue v)
{
    if (!r.failed() && r.left() != 0)
        r.fail(std::to_string(r.left()) + " trailing bytes after the payload");
    if (r.failed())
        return std::unexpected("malformed payload: " + r.error());
    return v;
}

} // namespace

std::expected<PayloadValue, std::string> decodeValue(std::string_view bytes)
{
    Reader r(bytes);
    PayloadValue v;
    decode(r, v, 0);
    return finish(r, std::move(v));
}

std::expected<PayloadValue, std::string> decodeMessage(uint32_t messageId, std::string_view bytes)
{
    Reader r(bytes);
    PayloadValue v;
    v.tag = PayloadTag::Message;
    v.id = messageId;
    v.items.resize(r.count(1));
    for (auto& x : v.items) {
        decode(r, x, 1);
        if (r.failed())
            break;
    }
    return finish(r, std::move(v));
}

std::expected<PayloadValue, std::string> decodeRowPayload(std::optional<int64_t> handler, std::string_view bytes)
{
    if (!handler)
        return decodeValue(bytes);
    if (*handler < 0 || *handler > int64_t(UINT32_MAX))
        return std::unexpected("malformed payload: message id " + std::to_string(*handler) + " out of range");
    return decodeMessage(uint32_t(*handler), bytes);
}

// --- printing -----------------------------------------------------------------

namespace {

std::string nameOr(const std::vector<std::string>& table, uint32_t id, const char* fallback)
{
    if (id < table.size())
        return table[id];
    return std::string(fallback) + std::to_string(id);
}

void format(std::string& out, const PayloadValue& v, const PayloadNames& names, bool quoted)
{
    auto seq = [&](const std::vector<PayloadValue>& items) {
        for (size_t k = 0; k < items.size(); ++k) {
            if (k)
                out += ", ";
            format(out, items[k], names, true);
        }
    };
    switch (v.tag) {
    case PayloadTag::Nil: out += "nil"; return;
    case PayloadTag::False: out += "false"; return;
    case PayloadTag::True: out += "true"; return;
    case PayloadTag::Int: out += std::to_string(v.i); return;
    case PayloadTag::Float: out += engine::formatFloat(v.f); return;
    case PayloadTag::String:
        if (quoted)
            compiler::appendQuoted(out, v.text);
        else
            out += v.text;
        return;
    case PayloadTag::UiNode: out += v.text; return;
    case PayloadTag::List:
        out += '[';
        seq(v.items);
        out += ']';
        return;
    case PayloadTag::Map:
        out += '{';
        for (size_t k = 0; k < v.items.size() && k < v.keys.size(); ++k) {
            if (k)
                out += ", ";
            engine::appendMapKey(out, v.keys[k]);
            out += ": ";
            format(out, v.items[k], names, true);
        }
        out += '}';
        return;
    case PayloadTag::Tensor:
        out += "tensor[";
        for (size_t k = 0; k < v.shape.size(); ++k)
            out += (k ? ", " : "") + std::to_string(v.shape[k]);
        out += "]{";
        for (size_t k = 0; k < v.data.size(); ++k)
            out += (k ? ", " : "") + engine::formatFloat(v.data[k]);
        out += '}';
        return;
    case PayloadTag::Actor:
        out += '<' + (v.type < names.actorTypes.size() ? names.actorTypes[v.type] : std::string("actor")) + '#' +
               std::to_string(v.id) + '>';
        return;
    case PayloadTag::Message:
        out += nameOr(names.messages, v.id, "message#");
        if (!v.items.empty()) {
            out += '(';
            seq(v.items);
            out += ')';
        }
        return;
    case PayloadTag::Ok:
    case PayloadTag::Err:
        out += v.tag == PayloadTag::Ok ? "Ok(" : "Err(";
        if (!v.items.empty())
            format(out, v.items[0], names, true);
        out += ')';
        return;
    case PayloadTag::Function: out += "<fn " + nameOr(names.functions, v.id, "#") + '>'; return;
    case PayloadTag::Record: {
        // Order(id: 1, qty: 2), as the engine prints it; without the
        // program's names, record#3(1, 2).
        const bool named = v.id < names.records.size() && v.id < names.recordFields.size()
            && names.recordFields[v.id].size() == v.items.size();
        out += nameOr(names.records, v.id, "record#");
        out += '(';
        for (size_t k = 0; k < v.items.size(); ++k) {
            if (k)
                out += ", ";
            if (named)
                out += names.recordFields[v.id][k] + ": ";
            format(out, v.items[k], names, true);
        }
        out += ')';
        return;
    }
    case PayloadTag::Elided: out += "..."; return;
    case PayloadTag::KeyedMap: return; // decoded as Map
    case PayloadTag::Set:
        // As engine::toDisplay prints a set.
        if (v.keys.empty()) {
            out += "set()";
            return;
        }
        out += '{';
        for (size_t k = 0; k < v.keys.size(); ++k) {
            if (k)
                out += ", ";
            if (engine::mapKeyIsText(v.keys[k]))
                compiler::appendQuoted(out, v.keys[k]);
            else
                engine::appendMapKey(out, v.keys[k]);
        }
        out += '}';
        return;
    }
}

} // namespace

std::string formatPayload(const PayloadValue& value, const PayloadNames& names, bool quoteStrings)
{
    std::string out;
    format(out, value, names, quoteStrings);
    return out;
}

// --- back to engine values ----------------------------------------------------

Value toEngineValue(const PayloadValue& v, const compiler::Program* program)
{
    auto all = [program](const std::vector<PayloadValue>& items) {
        std::vector<Value> out;
        out.reserve(items.size());
        for (const auto& x : items)
            out.push_back(toEngineValue(x, program));
        return out;
    };
    switch (v.tag) {
    case PayloadTag::False: return Value::boolean(false);
    case PayloadTag::True: return Value::boolean(true);
    case PayloadTag::Int: return Value::integer(v.i);
    case PayloadTag::Float: return Value::number(v.f);
    case PayloadTag::String: return engine::makeString(v.text);
    case PayloadTag::List: return engine::makeList(all(v.items));
    case PayloadTag::Map: {
        Value m = engine::makeMap();
        auto& map = engine::mutableMap(m);
        for (size_t k = 0; k < v.items.size() && k < v.keys.size(); ++k)
            map.set(v.keys[k], toEngineValue(v.items[k], program));
        return m;
    }
    case PayloadTag::Set: {
        Value s = engine::makeSet();
        auto& set = engine::mutableSet(s);
        for (const auto& k : v.keys)
            set.add(k);
        return s;
    }
    case PayloadTag::Actor: return Value::actor(v.id, v.type);
    case PayloadTag::Message: return engine::makeMessage(v.id, all(v.items));
    case PayloadTag::Ok:
    case PayloadTag::Err:
        return engine::makeResult(v.tag == PayloadTag::Ok, v.items.empty() ? Value() : toEngineValue(v.items[0], program));
    case PayloadTag::Tensor: {
        auto* t = new engine::TensorObj();
        t->shape = v.shape;
        t->data = v.data;
        t->recharge();
        return Value::object(t);
    }
    case PayloadTag::Record:
        if (program && v.id < program->records.size() && program->records[v.id].fields.size() == v.items.size())
            return engine::makeRecord(&program->records[v.id], all(v.items));
        return {};
    default: return {};
    }
}

} // namespace aeroflow::debugger
