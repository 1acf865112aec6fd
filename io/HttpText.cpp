// Text helpers of io/ (see HttpText.h). No HTTP parsing happens here: a
// target or URL is only cut at its delimiters after Beast has accepted it.

#include "HttpText.h"

#include <ostream> // boost/core/detail/string_view.hpp needs it and does not include it

#include <boost/beast/http/status.hpp>

#include <charconv>
#include <cstdio>
#include <ctime>

namespace aeroflow::io::detail {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// RFC 9110 token characters, the only ones a field name may use.
bool isTokenChar(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

bool validName(std::string_view name)
{
    if (name.empty())
        return false;
    for (char c : name) {
        if (!isTokenChar(static_cast<unsigned char>(c)))
            return false;
    }
    return true;
}

bool validValue(std::string_view value)
{
    return value.find_first_of(std::string_view("\r\n\0", 3)) == value.npos;
}

std::expected<uint16_t, std::string> parsePort(std::string_view text)
{
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535)
        return std::unexpected("invalid port '" + std::string(text) + "'");
    return uint16_t(value);
}

void appendNumber(std::string& out, uint64_t value)
{
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
}

} // namespace

std::string percentDecode(std::string_view text, bool plusIsSpace)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int hi = hexValue(text[i + 1]);
            int lo = hexValue(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(char(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(plusIsSpace && c == '+' ? ' ' : c);
    }
    return out;
}

void splitTarget(std::string_view target, std::string& path, engine::Fields& query)
{
    std::size_t q = target.find('?');
    path = percentDecode(target.substr(0, q), false);
    if (q == target.npos)
        return;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        std::size_t amp = rest.find('&');
        std::string_view piece = rest.substr(0, amp);
        rest = amp == rest.npos ? std::string_view() : rest.substr(amp + 1);
        if (piece.empty())
            continue;
        std::size_t eq = piece.find('=');
        std::string_view name = piece.substr(0, eq);
        std::string_view value = eq == piece.npos ? std::string_view() : piece.substr(eq + 1);
        query.emplace_back(percentDecode(name, true), percentDecode(value, true));
    }
}

void toLower(std::string& text)
{
    for (char& c : text)
        c = lower(c);
}

std::expected<HostPort, std::string> parseHostPort(std::string_view address)
{
    auto bad = [&] { return std::unexpected("invalid address '" + std::string(address) + "' (expected HOST:PORT)"); };
    std::size_t colon = address.rfind(':');
    if (colon == address.npos)
        return bad();
    std::string_view host = address.substr(0, colon);
    if (host.empty()) {
        host = "0.0.0.0"; // ":8080", as Go and Node take it: every IPv4 interface
    } else if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']')
            return bad();
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != host.npos) {
        return bad(); // an IPv6 host needs its brackets
    }
    auto port = parsePort(address.substr(colon + 1));
    if (!port)
        return std::unexpected(port.error() + " in '" + std::string(address) + "'");
    return HostPort { std::string(host), *port };
}

std::string formatHostPort(std::string_view host, uint16_t port)
{
    std::string out;
    if (host.find(':') != host.npos) {
        out += '[';
        out += host;
        out += ']';
    } else {
        out += host;
    }
    out += ':';
    appendNumber(out, port);
    return out;
}

std::expected<HttpUrl, std::string> parseHttpUrl(std::string_view url)
{
    std::size_t schemeEnd = url.find("://");
    if (schemeEnd == url.npos)
        return std::unexpected("invalid URL '" + std::string(url) + "'");
    std::string scheme(url.substr(0, schemeEnd));
    toLower(scheme);
    if (scheme != "http")
        return std::unexpected("unsupported URL scheme '" + scheme + "'");
    std::string_view rest = url.substr(schemeEnd + 3);
    std::size_t targetStart = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, targetStart);
    HttpUrl out;
    out.target = targetStart == rest.npos ? "/" : std::string(rest.substr(targetStart));
    if (out.target.front() == '?')
        out.target.insert(0, 1, '/');
    if (authority.find('@') != authority.npos)
        return std::unexpected("user information in URLs is not supported: '" + std::string(url) + "'");
    std::size_t colon = authority.rfind(':');
    bool hasPort = colon != authority.npos && authority.find(']', colon) == authority.npos;
    std::string_view host = hasPort ? authority.substr(0, colon) : authority;
    if (!host.empty() && host.front() == '[') {
        if (host.size() < 3 || host.back() != ']')
            return std::unexpected("invalid host in URL '" + std::string(url) + "'");
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty())
        return std::unexpected("no host in URL '" + std::string(url) + "'");
    out.host = std::string(host);
    if (hasPort) {
        auto port = parsePort(authority.substr(colon + 1));
        if (!port || *port == 0)
            return std::unexpected("invalid port in URL '" + std::string(url) + "'");
        out.port = *port;
    }
    return out;
}

std::string httpDate(int64_t unixSeconds)
{
    static constexpr const char* days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static constexpr const char* months[]
        = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    std::time_t t = std::time_t(unixSeconds);
    std::tm utc {};
    gmtime_r(&t, &utc);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[utc.tm_wday], utc.tm_mday,
        months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return text;
}

int appendResponseHead(
    std::string& out, int status, const engine::Fields* headers, std::size_t bodySize, ResponseShape& shape)
{
    if (status < 200 || status > 599)
        status = 500;
    shape.bodyAllowed = status != 204 && status != 304;
    out += "HTTP/1.1 ";
    appendNumber(out, unsigned(status));
    out += ' ';
    auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    if (reason != "<unknown-status>")
        out.append(reason.data(), reason.size());
    out += "\r\n";
    bool hasType = false;
    bool hasDate = false;
    if (headers) {
        for (const auto& [name, value] : *headers) {
            if (!validName(name) || !validValue(value))
                continue;
            if (equalsNoCase(name, "content-length") || equalsNoCase(name, "transfer-encoding"))
                continue;
            if (equalsNoCase(name, "connection")) {
                // Only "close" means something to us; keep-alive is ours to decide.
                if (equalsNoCase(value, "close"))
                    shape.close = true;
                continue;
            }
            hasType = hasType || equalsNoCase(name, "content-type");
            hasDate = hasDate || equalsNoCase(name, "date");
            out += name;
            out += ": ";
            out += value;
            out += "\r\n";
        }
    }
    if (!hasDate && !shape.date.empty()) {
        out += "Date: ";
        out += shape.date;
        out += "\r\n";
    }
    if (shape.bodyAllowed) {
        if (!hasType)
            out += "Content-Type: text/plain; charset=utf-8\r\n";
        out += "Content-Length: ";
        appendNumber(out, bodySize);
        out += "\r\n";
    }
    if (shape.close)
        out += "Connection: close\r\n";
    else if (shape.keepAliveHeader)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    return status;
}

} // namespace aeroflow::io::detail
