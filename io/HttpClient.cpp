// Outbound HTTP calls (see HttpClient.h).
//
// Invariant: finish() runs once (m_done) and pushes the one CallDone; every
// handler that comes later — the timer after a reply, a read after the
// timeout closed the socket — sees m_done and returns.

#include "HttpClient.h"

#include "HttpText.h"

#include <boost/asio/connect.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace aeroflow::io::detail {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if ((a[i] | 0x20) != (b[i] | 0x20))
            return false;
    }
    return true;
}

bool safeText(std::string_view text)
{
    return text.find_first_of(std::string_view("\r\n\0", 3)) == text.npos;
}

bool validMethod(std::string_view method)
{
    if (method.empty())
        return false;
    for (char c : method) {
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

} // namespace

Call::Call(IoCore& core, uint64_t id)
    : m_core(core)
    , m_id(id)
    , m_resolver(core.context())
    , m_socket(core.context())
    , m_timer(core.context())
{
}

void Call::start(engine::OutputEvent& event)
{
    m_start = Clock::now();
    auto url = parseHttpUrl(event.url);
    if (!url) {
        finish(0, url.error(), {});
        return;
    }
    std::string method = event.method.empty() ? std::string("GET") : event.method;
    if (!validMethod(method)) {
        finish(0, "invalid method '" + method + "'", {});
        return;
    }
    http::verb verb = http::string_to_verb(method);
    if (verb == http::verb::unknown)
        m_request.method_string(method);
    else
        m_request.method(verb);
    m_request.version(11);
    m_request.target(url->target);
    bool hasHost = false;
    for (const auto& [name, value] : event.headers) {
        if (name.empty() || !safeText(name) || name.find(':') != name.npos || !safeText(value))
            continue;
        if (equalsNoCase(name, "content-length") || equalsNoCase(name, "transfer-encoding"))
            continue; // prepare_payload() below says the truth about the body
        hasHost = hasHost || equalsNoCase(name, "host");
        m_request.insert(name, value);
    }
    if (!hasHost) {
        std::string host = formatHostPort(url->host, url->port);
        if (url->port == 80)
            host.resize(host.rfind(':'));
        m_request.set(http::field::host, host);
    }
    m_request.body() = std::move(event.body);
    m_request.prepare_payload();

    m_parser.emplace();
    m_parser->header_limit(64 * 1024);
    m_parser->body_limit(uint64_t(m_core.options().callMaxResponseBytes));
    if (verb == http::verb::head)
        m_parser->skip(true);
    m_host = url->host;

    int timeoutMs = m_core.options().callTimeoutMs;
    m_timer.expires_after(std::chrono::milliseconds(timeoutMs));
    m_timer.async_wait([self = shared_from_this(), timeoutMs](const error_code& ec) {
        if (ec)
            return;
        self->finish(0, "timeout after " + std::to_string(timeoutMs) + " ms", {});
    });

    error_code notNumeric;
    auto address = net::ip::make_address(url->host, notNumeric);
    if (!notNumeric) {
        m_socket.async_connect(tcp::endpoint(address, url->port),
            [self = shared_from_this()](const error_code& ec) { self->onConnected(ec); });
        return;
    }
    m_resolver.async_resolve(url->host, std::to_string(url->port),
        [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
            if (self->m_done)
                return;
            if (ec) {
                self->fail(ec, "resolve");
                return;
            }
            self->connect(results);
        });
}

void Call::connect(const tcp::resolver::results_type& endpoints)
{
    net::async_connect(m_socket, endpoints,
        [self = shared_from_this()](const error_code& ec, const tcp::endpoint&) { self->onConnected(ec); });
}

void Call::onConnected(const error_code& ec)
{
    if (m_done)
        return;
    if (ec) {
        fail(ec, "connect");
        return;
    }
    error_code ignored;
    m_socket.set_option(tcp::no_delay(true), ignored);
    http::async_write(m_socket, m_request,
        [self = shared_from_this()](const error_code& writeError, std::size_t) { self->onWritten(writeError); });
}

void Call::onWritten(const error_code& ec)
{
    if (m_done)
        return;
    if (ec) {
        fail(ec, "write");
        return;
    }
    http::async_read(m_socket, m_buffer, *m_parser,
        [self = shared_from_this()](const error_code& readError, std::size_t) { self->onRead(readError); });
}

void Call::onRead(const error_code& ec)
{
    if (m_done)
        return;
    if (ec) {
        fail(ec, "read");
        return;
    }
    auto& response = m_parser->get();
    engine::Fields headers;
    for (const auto& field : response) {
        auto name = field.name_string();
        auto value = field.value();
        auto& [lowerName, copy]
            = headers.emplace_back(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
        toLower(lowerName);
    }
    finish(int(response.result_int()), std::move(response.body()), std::move(headers));
}

void Call::fail(const error_code& ec, const char* stage)
{
    std::string why;
    if (ec == net::error::connection_refused)
        why = "connection refused";
    else if (ec == net::error::host_not_found || ec == net::error::host_not_found_try_again
        || ec == net::error::no_data)
        why = "cannot resolve host '" + m_host + "'";
    else if (ec == http::error::body_limit)
        why = "response body over " + std::to_string(m_core.options().callMaxResponseBytes) + " bytes";
    else if (ec == http::error::header_limit)
        why = "response header too large";
    else if (ec == net::error::eof || ec == http::error::end_of_stream || ec == http::error::partial_message
        || ec == net::error::connection_reset)
        why = "connection closed before the response was complete";
    else if (ec.category() == http::make_error_code(http::error::bad_version).category())
        why = "bad response: " + ec.message();
    else
        why = std::string(stage) + " failed: " + ec.message();
    finish(0, std::move(why), {});
}

void Call::cancel(const std::string& why)
{
    finish(0, why, {});
}

void Call::finish(int status, std::string body, engine::Fields headers)
{
    if (m_done)
        return;
    m_done = true;
    error_code ignored;
    m_timer.cancel();
    m_resolver.cancel();
    m_socket.close(ignored);
    engine::InputEvent event;
    event.kind = engine::InputEvent::Kind::CallDone;
    event.id = m_id;
    event.status = status;
    event.latencyUs = elapsedUs(m_start, Clock::now());
    event.body = std::move(body);
    event.headers = std::move(headers);
    m_core.push(std::move(event));
    m_core.callFinished(m_id);
}

} // namespace aeroflow::io::detail
