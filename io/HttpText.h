#pragma once
// Private to io/: the small text jobs around Beast — splitting a request
// target into a decoded path and query, addresses and URLs, and writing a
// response head. Parsing HTTP itself is Beast's.

#include "Outside.h"

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace aeroflow::io::detail {

/// Percent-decodes `text`; with `plusIsSpace`, '+' becomes ' ' (query values).
/// A '%' not followed by two hex digits stays as it is.
std::string percentDecode(std::string_view text, bool plusIsSpace);

/// Splits a request target "/a%20b?x=1&y" into path "/a b" and query
/// {{"x","1"},{"y",""}}; empty query pieces are skipped.
void splitTarget(std::string_view target, std::string& path, engine::Fields& query);

/// ASCII lower case in place.
void toLower(std::string& text);

struct HostPort {
    std::string host; ///< without IPv6 brackets
    uint16_t port = 0;
};

/// "HOST:PORT", "[V6]:PORT", or ":PORT" for every IPv4 interface (0.0.0.0).
std::expected<HostPort, std::string> parseHostPort(std::string_view address);

/// "HOST:PORT" for printing, with brackets around an IPv6 host.
std::string formatHostPort(std::string_view host, uint16_t port);

struct HttpUrl {
    std::string host; ///< without IPv6 brackets
    uint16_t port = 80;
    std::string target; ///< "/path?query", at least "/"
};

/// An "http://host[:port][/path][?query]" URL. Other schemes are an error
/// ("unsupported URL scheme 'https'").
std::expected<HttpUrl, std::string> parseHttpUrl(std::string_view url);

/// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110) for `unixSeconds`,
/// independent of the C locale.
std::string httpDate(int64_t unixSeconds);

/// What a response head needs besides its status; filled by appendResponseHead.
struct ResponseShape {
    bool close = false; ///< in: the connection closes after it; out: also when the program asked
    bool keepAliveHeader = false; ///< in: say "Connection: keep-alive" (an HTTP/1.0 client that asked for it)
    bool bodyAllowed = true; ///< out: false for 1xx, 204 and 304
    std::string_view date; ///< in: the Date value, unless the program gave one
};

/// Appends "HTTP/1.1 <status> <reason>\r\n", the program's headers (names that
/// are not tokens and values with CR, LF or NUL are dropped, as are its
/// Content-Length and Transfer-Encoding), Date and Content-Type when it gave none,
/// Content-Length, Connection, and the blank line. A status outside 200..599
/// becomes 500.
int appendResponseHead(
    std::string& out, int status, const engine::Fields* headers, std::size_t bodySize, ResponseShape& shape);

} // namespace aeroflow::io::detail
