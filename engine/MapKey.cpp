// The encoding of map keys and set elements (MapKey.h says what and why).

#include "MapKey.h"

#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Text.h"

#include <charconv>

namespace aeroflow::engine {

namespace {

constexpr char kEscape = char(0xFF);
constexpr char kString = 's';
constexpr char kInt = 'i';
constexpr char kBool = 'b';
constexpr char kRecord = 'r';
constexpr int kMaxKeyDepth = 64; ///< records of records as keys, nested at most this deep

constinit thread_local const compiler::Program* t_keyProgram = nullptr;

void putU32(std::string& out, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out += char(uint8_t(v >> (8 * i)));
}

uint32_t getU32(std::string_view k, size_t at)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= uint32_t(uint8_t(k[at + size_t(i)])) << (8 * i);
    return v;
}

/// The fields of a record key: each field's encoding, or false when `k`
/// is not a well-formed record key.
bool recordKeyFields(std::string_view k, uint32_t& type, std::vector<std::string_view>& fields)
{
    if (k.size() < 6)
        return false;
    type = getU32(k, 2);
    size_t at = 6;
    while (at < k.size()) {
        if (k.size() - at < 4)
            return false;
        const uint32_t n = getU32(k, at);
        at += 4;
        if (n > k.size() - at)
            return false;
        fields.push_back(k.substr(at, n));
        at += n;
    }
    return true;
}

bool encodeKey(std::string& out, const Value& key, int depth);

bool encodeRecordKey(std::string& out, const Value& key, int depth)
{
    if (depth > kMaxKeyDepth)
        return false;
    const auto& r = asRecord(key);
    out += kEscape;
    out += kRecord;
    putU32(out, recordIndex(r));
    std::string field;
    for (const Value& f : r.fields) {
        field.clear();
        if (!encodeKey(field, f, depth + 1))
            return false;
        putU32(out, uint32_t(field.size()));
        out += field;
    }
    return true;
}

bool encodeKey(std::string& out, const Value& key, int depth)
{
    if (key.type() == ValueType::Record)
        return encodeRecordKey(out, key, depth);
    MapKey k(key);
    if (!k.ok())
        return false;
    out.append(k.bytes());
    return true;
}

bool validKey(std::string_view k, int depth);
constexpr size_t kIntSize = 2 + 8;
constexpr size_t kBoolSize = 2 + 1;

void encodeInt(std::string& out, int64_t n)
{
    out.assign(kIntSize, '\0');
    out[0] = kEscape;
    out[1] = kInt;
    const uint64_t u = uint64_t(n);
    for (int i = 0; i < 8; ++i)
        out[size_t(2 + i)] = char(uint8_t(u >> (8 * i)));
}

int64_t decodeInt(std::string_view k)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i)
        u |= uint64_t(uint8_t(k[size_t(2 + i)])) << (8 * i);
    return int64_t(u);
}

} // namespace

void setMapKeyProgram(const compiler::Program* program) { t_keyProgram = program; }
const compiler::Program* mapKeyProgram() { return t_keyProgram; }

MapKey::MapKey(const Value& key)
{
    switch (key.type()) {
    case ValueType::Record:
        if (!encodeRecordKey(m_buf, key, 0)) {
            m_ok = false;
            return;
        }
        chargeBytes(m_buf.size());
        break;
    case ValueType::String: {
        const std::string& t = asString(key).text;
        if (mapKeyIsText(t)) {
            m_view = t;
            return;
        }
        m_buf = escapeLegacyKey(t);
        break;
    }
    case ValueType::Int: encodeInt(m_buf, key.asInt()); break;
    case ValueType::Bool:
        m_buf = {kEscape, kBool, char(key.asBool() ? 1 : 0)};
        break;
    default: m_ok = false; return;
    }
    m_view = m_buf;
}

MapKey::MapKey(std::string_view text)
{
    if (mapKeyIsText(text)) {
        m_view = text;
        return;
    }
    m_buf = escapeLegacyKey(text);
    m_view = m_buf;
}

std::string escapeLegacyKey(std::string_view text)
{
    if (mapKeyIsText(text))
        return std::string(text);
    std::string out;
    out.reserve(text.size() + 2);
    out += kEscape;
    out += kString;
    out.append(text);
    return out;
}

Value decodeMapKey(std::string_view k)
{
    if (mapKeyIsText(k))
        return makeString(std::string(k));
    switch (k[1]) {
    case kInt: return Value::integer(decodeInt(k));
    case kBool: return Value::boolean(k[2] != 0);
    case kRecord: {
        uint32_t type = 0;
        std::vector<std::string_view> parts;
        const compiler::Program* p = t_keyProgram;
        if (!recordKeyFields(k, type, parts) || !p || type >= p->records.size()
            || p->records[type].fields.size() != parts.size())
            return {};
        std::vector<Value> fields;
        fields.reserve(parts.size());
        for (std::string_view f : parts)
            fields.push_back(decodeMapKey(f));
        return makeRecord(&p->records[type], std::move(fields));
    }
    default: return makeString(std::string(k.substr(2)));
    }
}

bool validMapKey(std::string_view k) { return validKey(k, 0); }

namespace {

bool validKey(std::string_view k, int depth)
{
    if (mapKeyIsText(k))
        return true;
    if (k.size() < 2)
        return false;
    switch (k[1]) {
    case kRecord: {
        uint32_t type = 0;
        std::vector<std::string_view> parts;
        if (depth > kMaxKeyDepth || !recordKeyFields(k, type, parts))
            return false;
        if (const compiler::Program* p = t_keyProgram;
            p && (type >= p->records.size() || p->records[type].fields.size() != parts.size()))
            return false;
        for (std::string_view f : parts)
            if (!validKey(f, depth + 1))
                return false;
        return true;
    }
    case kString: return true;
    case kInt: return k.size() == kIntSize;
    case kBool: return k.size() == kBoolSize && (k[2] == 0 || k[2] == 1);
    default: return false;
    }
}

} // namespace

void appendMapKey(std::string& out, std::string_view k)
{
    if (mapKeyIsText(k)) {
        if (compiler::isIdentifier(k) && k != "true" && k != "false")
            out += k;
        else
            compiler::appendQuoted(out, k);
        return;
    }
    switch (k[1]) {
    case kInt: {
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, decodeInt(k));
        out.append(buf, r.ptr);
        return;
    }
    case kBool: out += k[2] ? "true" : "false"; return;
    case kRecord: {
        uint32_t type = 0;
        std::vector<std::string_view> parts;
        if (!recordKeyFields(k, type, parts))
            return;
        if (const compiler::Program* p = t_keyProgram; p && type < p->records.size()) {
            appendRepr(out, decodeMapKey(k), p);
            return;
        }
        out += "record#" + std::to_string(type) + "(";
        for (size_t i = 0; i < parts.size(); ++i) {
            if (i)
                out += ", ";
            std::string part;
            appendMapKey(part, parts[i]);
            out += part;
        }
        out += ')';
        return;
    }
    default: compiler::appendQuoted(out, k.substr(2)); return;
    }
}

std::string describeMapKey(std::string_view k)
{
    std::string out;
    if (mapKeyIsText(k))
        compiler::appendQuoted(out, k);
    else
        appendMapKey(out, k);
    return out;
}

void refuseMapKey(const Value& key, const char* what)
{
    // The checker's wording for evident cases (Checker::checkKeyType).
    std::string msg = std::string(what) + "s must be int, string, bool or a record of them, found " +
                      (key.type() == ValueType::Record ? "a record holding another value" : valueTypeName(key.type()));
    if (key.isFloat())
        msg += "; convert with int() or str()";
    fail(std::move(msg));
}

} // namespace aeroflow::engine
