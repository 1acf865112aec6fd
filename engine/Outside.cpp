// The recorded form of inputs from and outputs to the outside world (see
// Outside.h; specified in docs/TRACE_SCHEMA.md "Inputs from outside").
//
// Layout: a format byte (1), the kind byte, then the fields of the event in a
// fixed order: LEB128 varints for ids, counts, lengths and times, zigzag for
// the status, byte strings as length + bytes. Every field is always written,
// so the layout does not depend on the kind.

#include "Outside.h"

#include <array>

namespace aeroflow::engine {

namespace {

constexpr uint8_t kFormat = 1;

struct KindName {
    uint8_t kind;
    const char* name;
};

constexpr std::array<KindName, 9> kInputNames{{
    {1, "http_request"}, {2, "ws_open"}, {3, "ws_text"}, {4, "ws_closed"}, {5, "call_done"},
    {6, "timer"}, {7, "request_done"}, {8, "shutdown"}, {9, "halt"},
}};
constexpr std::array<KindName, 6> kOutputNames{{
    {1, "respond"}, {2, "ws_send"}, {3, "ws_close"}, {4, "call_start"}, {5, "timer_start"}, {6, "timer_cancel"},
}};

void putVarint(std::string& out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(char(uint8_t(v) | 0x80));
        v >>= 7;
    }
    out.push_back(char(uint8_t(v)));
}

void putString(std::string& out, std::string_view s)
{
    putVarint(out, s.size());
    out.append(s);
}

void putFields(std::string& out, const Fields& fields)
{
    putVarint(out, fields.size());
    for (const auto& [k, v] : fields) {
        putString(out, k);
        putString(out, v);
    }
}

/// Reads untrusted bytes; the first failure sticks and every later read
/// returns zero/empty.
class Reader {
public:
    explicit Reader(std::string_view b) : m_b(b) {}

    uint64_t varint()
    {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_b.size())
                return failed("truncated number"), 0;
            const uint8_t byte = uint8_t(m_b[m_pos++]);
            if (shift == 63 && byte > 1)
                return failed("number out of range"), 0;
            if (byte == 0 && shift > 0)
                return failed("number not in its shortest form"), 0; // one encoding per event
            v |= uint64_t(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return v;
        }
        return failed("number too long"), 0;
    }
    uint8_t byte()
    {
        if (m_pos >= m_b.size())
            return failed("truncated"), 0;
        return uint8_t(m_b[m_pos++]);
    }
    std::string string()
    {
        const uint64_t n = varint();
        if (!m_error.empty())
            return {};
        if (n > m_b.size() - m_pos)
            return failed("a text runs past the end"), std::string();
        std::string s(m_b.substr(m_pos, size_t(n)));
        m_pos += size_t(n);
        return s;
    }
    Fields fields()
    {
        const uint64_t n = varint();
        Fields f;
        // Each field takes at least two bytes: a count past that is damage.
        if (n > (m_b.size() - m_pos) / 2)
            return failed("field count larger than the data"), f;
        f.reserve(size_t(n));
        for (uint64_t i = 0; i < n && m_error.empty(); ++i) {
            std::string k = string();
            std::string v = string();
            f.emplace_back(std::move(k), std::move(v));
        }
        return f;
    }
    bool atEnd() const { return m_pos == m_b.size(); }
    const std::string& error() const { return m_error; }
    void failed(const char* what)
    {
        if (m_error.empty())
            m_error = what;
    }

private:
    std::string_view m_b;
    size_t m_pos = 0;
    std::string m_error;
};

uint64_t zigzag(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }
int64_t unzigzag(uint64_t v) { return int64_t(v >> 1) ^ -int64_t(v & 1); }

} // namespace

const char* inputKindName(InputEvent::Kind kind)
{
    for (const auto& k : kInputNames)
        if (k.kind == uint8_t(kind))
            return k.name;
    return "input";
}

std::optional<InputEvent::Kind> inputKindFromName(std::string_view name)
{
    for (const auto& k : kInputNames)
        if (name == k.name)
            return InputEvent::Kind(k.kind);
    return std::nullopt;
}

const char* outputKindName(OutputEvent::Kind kind)
{
    for (const auto& k : kOutputNames)
        if (k.kind == uint8_t(kind))
            return k.name;
    return "output";
}

std::string encodeInput(const InputEvent& e)
{
    std::string out;
    out.reserve(32 + e.method.size() + e.path.size() + e.body.size());
    out.push_back(char(kFormat));
    out.push_back(char(e.kind));
    putVarint(out, e.server);
    putVarint(out, e.id);
    putVarint(out, zigzag(e.status));
    putVarint(out, e.latencyUs);
    putString(out, e.method);
    putString(out, e.path);
    putString(out, e.body);
    putFields(out, e.query);
    putFields(out, e.headers);
    return out;
}

std::expected<InputEvent, std::string> decodeInput(std::string_view bytes)
{
    Reader r(bytes);
    InputEvent e;
    if (r.byte() != kFormat)
        return std::unexpected(std::string("input event: unknown format"));
    const uint8_t kind = r.byte();
    if (kind < 1 || kind > kInputNames.size())
        return std::unexpected("input event: unknown kind " + std::to_string(kind));
    e.kind = InputEvent::Kind(kind);
    const uint64_t server = r.varint();
    if (server > UINT32_MAX)
        r.failed("server id out of range");
    e.server = uint32_t(server);
    e.id = r.varint();
    const int64_t status = unzigzag(r.varint());
    if (status < INT32_MIN || status > INT32_MAX)
        r.failed("status out of range");
    e.status = int32_t(status);
    e.latencyUs = r.varint();
    e.method = r.string();
    e.path = r.string();
    e.body = r.string();
    e.query = r.fields();
    e.headers = r.fields();
    if (r.error().empty() && !r.atEnd())
        r.failed("trailing bytes");
    if (!r.error().empty())
        return std::unexpected("input event: " + r.error());
    return e;
}

std::string encodeOutput(const OutputEvent& e)
{
    std::string out;
    out.reserve(32 + e.url.size() + e.body.size());
    out.push_back(char(kFormat));
    out.push_back(char(e.kind));
    putVarint(out, e.id);
    putVarint(out, zigzag(e.status));
    putVarint(out, e.ms);
    out.push_back(char(e.repeat ? 1 : 0));
    putString(out, e.method);
    putString(out, e.url);
    putString(out, e.body);
    putFields(out, e.headers);
    return out;
}

std::expected<OutputEvent, std::string> decodeOutput(std::string_view bytes)
{
    Reader r(bytes);
    OutputEvent e;
    if (r.byte() != kFormat)
        return std::unexpected(std::string("output event: unknown format"));
    const uint8_t kind = r.byte();
    if (kind < 1 || kind > kOutputNames.size())
        return std::unexpected("output event: unknown kind " + std::to_string(kind));
    e.kind = OutputEvent::Kind(kind);
    e.id = r.varint();
    const int64_t status = unzigzag(r.varint());
    if (status < INT32_MIN || status > INT32_MAX)
        r.failed("status out of range");
    e.status = int32_t(status);
    e.ms = r.varint();
    const uint8_t repeat = r.byte();
    if (repeat > 1)
        r.failed("bad repeat flag");
    e.repeat = repeat == 1;
    e.method = r.string();
    e.url = r.string();
    e.body = r.string();
    e.headers = r.fields();
    if (r.error().empty() && !r.atEnd())
        r.failed("trailing bytes");
    if (!r.error().empty())
        return std::unexpected("output event: " + r.error());
    return e;
}

} // namespace aeroflow::engine
