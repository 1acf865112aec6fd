// The encoding of map keys and set elements (MapKey.h says what and why).

#include "MapKey.h"

#include "RuntimeError.h"
#include "Text.h"

#include <charconv>

namespace aeroflow::engine {

namespace {

constexpr char kEscape = char(0xFF);
constexpr char kString = 's';
constexpr char kInt = 'i';
constexpr char kBool = 'b';
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

MapKey::MapKey(const Value& key)
{
    switch (key.type()) {
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
    default: return makeString(std::string(k.substr(2)));
    }
}

bool validMapKey(std::string_view k)
{
    if (mapKeyIsText(k))
        return true;
    if (k.size() < 2)
        return false;
    switch (k[1]) {
    case kString: return true;
    case kInt: return k.size() == kIntSize;
    case kBool: return k.size() == kBoolSize && (k[2] == 0 || k[2] == 1);
    default: return false;
    }
}

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
    std::string msg = std::string(what) + "s must be int, string or bool, found " + valueTypeName(key.type());
    if (key.isFloat())
        msg += "; convert with int() or str()";
    fail(std::move(msg));
}

} // namespace aeroflow::engine
