#include "Json.h"

#include "Text.h"

#include "MapKey.h"
#include "ParseDouble.h"
#include "Print.h"
#include "RuntimeError.h"
#include "Program.h"

#include <array>
#include <charconv>

namespace aeroflow::engine {

namespace {

void encodeString(std::string& out, std::string_view s)
{
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += char(c);
            }
        }
    }
    out += '"';
}

// Recursive, but never deeper than 200 levels (a runtime error past them).
void encode(std::string& out, const Value& v, const compiler::Program* p, int depth, OutputMeter& meter)
{
    if (depth > 200)
        fail("json.encode(): value nested too deeply");
    meter.note();
    switch (v.type()) {
    case ValueType::Nil: out += "null"; return;
    case ValueType::Bool: out += v.asBool() ? "true" : "false"; return;
    case ValueType::Int: out += std::to_string(v.asInt()); return;
    case ValueType::Float: {
        const std::string f = formatFloat(v.asFloat());
        out += (f == "nan" || f == "inf" || f == "-inf") ? "null" : f;
        return;
    }
    case ValueType::String: encodeString(out, asString(v).text); return;
    case ValueType::List: {
        out += '[';
        bool first = true;
        for (const auto& x : asList(v).items) {
            if (!first)
                out += ',';
            first = false;
            encode(out, x, p, depth + 1, meter);
        }
        out += ']';
        return;
    }
    case ValueType::Map: {
        out += '{';
        bool first = true;
        for (const auto& [k, x] : asMap(v).entries) {
            if (!first)
                out += ',';
            first = false;
            // JSON object keys are strings: a map with other keys is refused
            // rather than turned into one whose keys decode differently.
            if (mapKeyIsText(k))
                encodeString(out, k);
            else if (const Value key = decodeMapKey(k); key.isString())
                encodeString(out, asString(key).text);
            else
                fail("json.encode(): map key " + describeMapKey(k) + " is not a string (JSON object keys are "
                     "strings; convert the keys with str())");
            out += ':';
            encode(out, x, p, depth + 1, meter);
        }
        out += '}';
        return;
    }
    case ValueType::Record: {
        // An object with every field, in declaration order.
        const auto& r = asRecord(v);
        out += '{';
        for (size_t i = 0; i < r.fields.size(); ++i) {
            if (i)
                out += ',';
            encodeString(out, r.desc->fields[i]);
            out += ':';
            encode(out, r.fields[i], p, depth + 1, meter);
        }
        out += '}';
        return;
    }
    case ValueType::Set: {
        // An array of the elements, in insertion order.
        out += '[';
        bool first = true;
        for (const auto& e : asSet(v).entries) {
            if (!first)
                out += ',';
            first = false;
            encode(out, decodeMapKey(e.first), p, depth + 1, meter);
        }
        out += ']';
        return;
    }
    default: encodeString(out, toDisplay(v, p)); return;
    }
}

const char* jsonTypeName(const Value& v)
{
    switch (v.type()) {
    case ValueType::Nil: return "null";
    case ValueType::Bool: return "a bool";
    case ValueType::Int: return "an integer";
    case ValueType::Float: return "a number";
    case ValueType::String: return "a string";
    case ValueType::List: return "an array";
    case ValueType::Map: return "an object";
    default: return "a value";
    }
}

/// Converts a decoded JSON value to a declared field type: records from
/// objects (every field present; other keys ignored), element types of
/// lists and maps, ints as floats where a float is declared. `where` is the
/// path of the place for the error ("qty", "items[2].sku"; "" for the whole).
bool convertTo(const Value& v, const compiler::FieldType& t, const compiler::Program& p, const std::string& where,
    Value& out, std::string& error, int depth)
{
    using K = compiler::FieldType::Kind;
    const std::string at = where.empty() ? std::string() : "field '" + where + "': ";
    auto wrong = [&](const char* want) {
        error = at + "expected " + want + ", found " + jsonTypeName(v);
        return false;
    };
    if (depth > 200) {
        error = at + "nested too deeply";
        return false;
    }
    const bool isNull = v.isNil();
    switch (t.kind) {
    case K::Any: out = v; return true;
    case K::Nil: return isNull ? (out = v, true) : wrong("null");
    case K::Bool: return v.isBool() ? (out = v, true) : wrong("a bool");
    case K::Int: return v.isInt() ? (out = v, true) : wrong("an integer");
    case K::Float:
        if (!v.isNumber())
            return wrong("a number");
        out = Value::number(v.toDouble());
        return true;
    case K::String: return v.isString() ? (out = v, true) : wrong("a string");
    case K::List: {
        if (isNull)
            return out = v, true;
        if (!v.isList())
            return wrong("an array");
        std::vector<Value> items;
        const auto& xs = asList(v).items;
        items.reserve(xs.size());
        for (size_t i = 0; i < xs.size(); ++i) {
            Value x;
            if (!convertTo(xs[i], t.args.empty() ? compiler::FieldType{} : t.args[0], p,
                    where + "[" + std::to_string(i) + "]", x, error, depth + 1))
                return false;
            items.push_back(std::move(x));
        }
        out = makeList(std::move(items));
        return true;
    }
    case K::Map: {
        if (isNull)
            return out = v, true;
        if (!v.isMap())
            return wrong("an object");
        Value m = makeMap();
        auto& mm = mutableMap(m);
        for (const auto& [k, x] : asMap(v).entries) {
            Value c;
            if (!convertTo(x, t.args.size() < 2 ? compiler::FieldType{} : t.args[1], p, where + "[\"" + k + "\"]", c,
                    error, depth + 1))
                return false;
            mm.set(k, std::move(c));
        }
        out = std::move(m);
        return true;
    }
    case K::Record: {
        if (isNull)
            return out = v, true;
        if (t.record < 0 || size_t(t.record) >= p.records.size()) {
            error = at + "unknown record type";
            return false;
        }
        const compiler::RecordType& rt = p.records[size_t(t.record)];
        if (!v.isMap())
            return wrong(("an object for " + rt.name).c_str());
        const auto& m = asMap(v);
        std::vector<Value> fields;
        fields.reserve(rt.fields.size());
        for (size_t i = 0; i < rt.fields.size(); ++i) {
            const std::string inner = (where.empty() ? "" : where + ".") + rt.fields[i];
            const Value* x = m.lookup(rt.fields[i]);
            if (!x) {
                error = "field '" + inner + "' is missing";
                return false;
            }
            Value c;
            if (!convertTo(*x, rt.types[i], p, inner, c, error, depth + 1))
                return false;
            fields.push_back(std::move(c));
        }
        out = makeRecord(&rt, std::move(fields));
        return true;
    }
    case K::Other: break;
    }
    error = at + "this type cannot come from JSON";
    return false;
}

struct Parser {
    std::string_view s;
    size_t i = 0;
    std::string error;
    int depth = 0;

    void ws()
    {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            ++i;
    }
    bool failAt(const std::string& why)
    {
        if (error.empty())
            error = why + " at offset " + std::to_string(i);
        return false;
    }
    bool literal(std::string_view word)
    {
        if (s.substr(i, word.size()) != word)
            return failAt("invalid JSON");
        i += word.size();
        return true;
    }
    bool hex4(uint32_t& cp)
    {
        if (i + 4 > s.size())
            return failAt("bad \\u escape");
        cp = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s[i++];
            cp <<= 4;
            if (c >= '0' && c <= '9') cp |= uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f') cp |= uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') cp |= uint32_t(c - 'A' + 10);
            else return failAt("bad \\u escape");
        }
        return true;
    }
    bool string(std::string& out)
    {
        ++i; // opening quote
        while (i < s.size() && s[i] != '"') {
            const char c = s[i++];
            if (static_cast<unsigned char>(c) < 0x20)
                return failAt("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i >= s.size())
                break;
            const char e = s[i++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                uint32_t cp = 0;
                if (!hex4(cp))
                    return false;
                if (cp >= 0xD800 && cp < 0xDC00 && s.substr(i, 2) == "\\u") {
                    i += 2;
                    uint32_t lo = 0;
                    if (!hex4(lo))
                        return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                compiler::appendUtf8(out, cp);
                break;
            }
            default: return failAt("bad escape");
            }
        }
        if (i >= s.size())
            return failAt("unterminated string");
        ++i;
        return true;
    }
    bool value(Value& out)
    {
        if (++depth > 200)
            return failAt("nested too deeply");
        ws();
        if (i >= s.size())
            return failAt("unexpected end");
        const char c = s[i];
        bool ok = true;
        if (c == '{') {
            ++i;
            out = makeMap();
            auto& m = static_cast<MapObj&>(*out.obj());
            ws();
            if (i < s.size() && s[i] == '}') {
                ++i;
            } else {
                for (;;) {
                    ws();
                    if (i >= s.size() || s[i] != '"')
                        return failAt("expected a key");
                    std::string key;
                    Value v;
                    if (!string(key))
                        return false;
                    ws();
                    if (i >= s.size() || s[i] != ':')
                        return failAt("expected ':'");
                    ++i;
                    if (!value(v))
                        return false;
                    m.set(MapKey(key).bytes(), std::move(v));
                    ws();
                    if (i < s.size() && s[i] == ',') { ++i; continue; }
                    if (i < s.size() && s[i] == '}') { ++i; break; }
                    return failAt("expected ',' or '}'");
                }
            }
        } else if (c == '[') {
            ++i;
            std::vector<Value> items;
            ws();
            if (i < s.size() && s[i] == ']') {
                ++i;
            } else {
                for (;;) {
                    Value v;
                    if (!value(v))
                        return false;
                    items.push_back(std::move(v));
                    ws();
                    if (i < s.size() && s[i] == ',') { ++i; continue; }
                    if (i < s.size() && s[i] == ']') { ++i; break; }
                    return failAt("expected ',' or ']'");
                }
            }
            out = makeList(std::move(items));
        } else if (c == '"') {
            std::string str;
            ok = string(str);
            out = makeString(std::move(str));
        } else if (c == 't') {
            ok = literal("true");
            out = Value::boolean(true);
        } else if (c == 'f') {
            ok = literal("false");
            out = Value::boolean(false);
        } else if (c == 'n') {
            ok = literal("null");
            out = Value();
        } else {
            size_t j = i;
            if (j < s.size() && s[j] == '-')
                ++j;
            bool isFloat = false;
            while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
                                    s[j] == '+' || s[j] == '-')) {
                isFloat |= s[j] == '.' || s[j] == 'e' || s[j] == 'E';
                ++j;
            }
            if (j == i)
                return failAt("invalid JSON");
            int64_t n;
            auto r = std::from_chars(s.data() + i, s.data() + j, n);
            if (!isFloat && r.ec == std::errc() && r.ptr == s.data() + j) {
                out = Value::integer(n);
            } else {
                double d;
                auto rf = parseDouble(s.data() + i, s.data() + j, d);
                if (rf.ec != std::errc() || rf.ptr != s.data() + j)
                    return failAt("invalid number");
                out = Value::number(d);
            }
            i = j;
        }
        --depth;
        return ok;
    }
};

constexpr std::array<uint32_t, 64> kK = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

} // namespace

std::string jsonEncode(const Value& v, const compiler::Program* program)
{
    std::string out;
    OutputMeter meter(out);
    encode(out, v, program, 0, meter);
    meter.settle(false);
    return out;
}

Value jsonDecode(std::string_view text)
{
    Parser p;
    p.s = text;
    Value v;
    if (p.value(v)) {
        p.ws();
        if (p.i == text.size())
            return makeResult(true, std::move(v));
        p.failAt("trailing characters");
    }
    return makeResult(false, makeString("invalid JSON: " + p.error));
}

Value jsonDecodeRecord(std::string_view text, const compiler::Program& program, int64_t record)
{
    Value decoded = jsonDecode(text);
    if (!asResult(decoded).ok)
        return decoded;
    if (record < 0 || uint64_t(record) >= program.records.size())
        fail("json.decode(): the second argument names no record type");
    compiler::FieldType t;
    t.kind = compiler::FieldType::Kind::Record;
    t.record = int32_t(record);
    Value out;
    std::string error;
    if (!convertTo(asResult(decoded).value, t, program, "", out, error, 0))
        return makeResult(false, makeString("json.decode(" + program.records[size_t(record)].name + "): " + error));
    return makeResult(true, std::move(out));
}

std::string sha256Hex(std::string_view text)
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::string msg(text);
    const uint64_t bits = uint64_t(text.size()) * 8;
    msg += char(0x80);
    while (msg.size() % 64 != 56)
        msg += char(0);
    for (int k = 7; k >= 0; --k)
        msg += char((bits >> (k * 8)) & 0xff);
    for (size_t off = 0; off < msg.size(); off += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; ++t)
            w[t] = uint32_t(uint8_t(msg[off + t * 4])) << 24 | uint32_t(uint8_t(msg[off + t * 4 + 1])) << 16 |
                   uint32_t(uint8_t(msg[off + t * 4 + 2])) << 8 | uint32_t(uint8_t(msg[off + t * 4 + 3]));
        for (int t = 16; t < 64; ++t) {
            const uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            const uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 64; ++t) {
            const uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            const uint32_t ch = (e & f) ^ (~e & g);
            const uint32_t t1 = hh + S1 + ch + kK[size_t(t)] + w[t];
            const uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            const uint32_t t2 = S0 + maj;
            hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (uint32_t x : h)
        for (int k = 28; k >= 0; k -= 4)
            out += hex[(x >> k) & 15];
    return out;
}

} // namespace aeroflow::engine
