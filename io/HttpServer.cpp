// HTTP server connections (see HttpServer.h).
//
// A session is a small state machine (HttpSession::Phase). Invariants:
// - at most one socket operation of each direction is outstanding, and while
//   the program holds a request (Program) nothing is read: one request at a
//   time per connection, the next one waits in the socket or in m_buffer;
// - every delivered request gets exactly one RequestDone: m_requestId is
//   cleared by finishRequest(), and only a session with m_requestId set
//   reports;
// - timeouts are not timers of their own: the core's sweep compares
//   m_deadline, which each phase sets, so a request costs no timer operation.

#include "HttpServer.h"

#include "HttpText.h"
#include "WsServer.h"

#include <boost/asio/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>
#include <cerrno>

namespace aeroflow::io::detail {

namespace {

using boost::system::error_code;
using std::chrono::milliseconds;

constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kBodyReadChunk = 64 * 1024;
/// Larger response bodies are not kept as the next response's capacity.
constexpr std::size_t kKeepBodyCapacity = 1024 * 1024;
/// How long a closing connection still reads (and drops) what its client sends, so
/// that the client sees our final answer instead of a reset (see linger()).
constexpr auto kLinger = std::chrono::seconds(2);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool outOfResources(const error_code& ec)
{
    if (ec.category() != boost::system::system_category())
        return false;
    int v = ec.value();
    return v == EMFILE || v == ENFILE || v == ENOBUFS || v == ENOMEM;
}

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

} // namespace

// --- Listener ------------------------------------------------------------------------

Listener::Listener(IoCore& core, tcp::acceptor acceptor, uint32_t server, bool websocket)
    : m_core(core)
    , m_acceptor(std::move(acceptor))
    , m_retry(core.context())
    , m_server(server)
    , m_websocket(websocket)
{
}

void Listener::accept()
{
    m_acceptor.async_accept([self = shared_from_this()](
                                const error_code& ec, tcp::socket socket) { self->onAccept(ec, std::move(socket)); });
}

void Listener::onAccept(const error_code& ec, tcp::socket socket)
{
    if (!m_acceptor.is_open())
        return;
    if (ec) {
        if (ec == net::error::operation_aborted)
            return;
        if (outOfResources(ec)) {
            // Retrying at once would spin on the same error; connections closing
            // elsewhere free descriptors soon.
            if (!m_warned) {
                m_warned = true;
                m_core.log("accept failed: " + ec.message() + " (retrying every 50 ms)");
            }
            m_retry.expires_after(milliseconds(50));
            m_retry.async_wait([self = shared_from_this()](const error_code& waitError) {
                if (!waitError)
                    self->accept();
            });
            return;
        }
        accept(); // e.g. the client reset the connection before we took it
        return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    bool admitted = !m_core.atCapacity();
    std::make_shared<HttpSession>(m_core, std::move(socket), m_server, m_websocket, admitted)->start();
    accept();
}

void Listener::close()
{
    error_code ignored;
    m_acceptor.close(ignored);
    m_retry.cancel();
}

// --- HttpSession: reading ----------------------------------------------------------------

HttpSession::HttpSession(IoCore& core, tcp::socket socket, uint32_t server, bool websocketServer, bool admitted)
    : Connection(core)
    , m_socket(std::move(socket))
    , m_server(server)
    , m_websocketServer(websocketServer)
    , m_admitted(admitted)
{
    if (m_admitted)
        m_core.admit();
    m_tokens = double(core.options().maxRequestsPerSecond);
    m_tokensAt = Clock::now();
}

HttpSession::~HttpSession()
{
    if (m_admitted)
        m_core.release();
}

std::shared_ptr<HttpSession> HttpSession::self()
{
    return std::static_pointer_cast<HttpSession>(shared_from_this());
}

void HttpSession::start()
{
    if (!m_admitted) {
        reject(503, "too many connections", true);
        return;
    }
    beginRequest();
}

void HttpSession::beginRequest()
{
    const LiveWorldOptions& options = m_core.options();
    m_parser.emplace();
    m_parser->header_limit(uint32_t(std::min<std::size_t>(options.maxHeaderBytes, UINT32_MAX)));
    m_parser->body_limit(uint64_t(options.maxBodyBytes));
    m_parser->eager(true);
    m_keepAlive = true;
    m_keepAliveHeader = false;
    m_headRequest = false;
    auto now = Clock::now();
    if (m_buffer.size() > 0) {
        // The client pipelined: the next request is already here.
        m_firstByte = now;
        m_phase = Phase::Header;
        m_deadline = now + milliseconds(options.headerTimeoutMs);
        parse();
        return;
    }
    m_phase = Phase::Idle;
    m_deadline = now + milliseconds(options.idleTimeoutMs);
    readMore();
}

void HttpSession::readMore()
{
    std::size_t chunk = (m_phase == Phase::Body || m_phase == Phase::Lingering) ? kBodyReadChunk : kReadChunk;
    m_socket.async_read_some(
        m_buffer.prepare(chunk), [self = self()](const error_code& ec, std::size_t bytes) { self->onRead(ec, bytes); });
}

void HttpSession::onRead(const error_code& ec, std::size_t bytes)
{
    if (m_phase == Phase::Closed)
        return;
    if (ec) {
        // End of file between requests is how keep-alive connections end; in the
        // middle of a request it drops that request, which never reached the program.
        close();
        return;
    }
    m_buffer.commit(bytes);
    if (m_phase == Phase::Lingering) {
        m_buffer.consume(m_buffer.size());
        readMore();
        return;
    }
    if (m_phase == Phase::Idle) {
        m_firstByte = Clock::now();
        m_phase = Phase::Header;
        m_deadline = m_firstByte + milliseconds(m_core.options().headerTimeoutMs);
    }
    parse();
}

void HttpSession::parse()
{
    error_code ec;
    while (m_buffer.size() > 0 && !m_parser->is_done()) {
        std::size_t used = m_parser->put(m_buffer.data(), ec);
        m_buffer.consume(used);
        if (ec == http::error::need_more) {
            ec = {};
            break;
        }
        if (ec || used == 0)
            break;
    }
    if (ec) {
        if (ec == http::error::header_limit)
            reject(431, "request header too large", true);
        else if (ec == http::error::body_limit)
            reject(413, "request body too large", true);
        else
            reject(400, "bad request", true);
        return;
    }
    if (m_parser->is_done()) {
        onRequest();
        return;
    }
    if (m_phase == Phase::Header && m_parser->is_header_done()) {
        headerDone();
        return;
    }
    readMore();
}

void HttpSession::headerDone()
{
    m_phase = Phase::Body;
    m_deadline = Clock::now() + milliseconds(m_core.options().requestTimeoutMs);
    const auto& request = m_parser->get();
    auto expect = request[http::field::expect];
    if (request.version() < 11 || !equalsNoCase(std::string_view(expect), "100-continue")) {
        readMore();
        return;
    }
    // The client waits for our go-ahead before it sends the body.
    m_phase = Phase::Continue;
    net::async_write(
        m_socket, net::buffer(kContinue.data(), kContinue.size()), [self = self()](const error_code& ec, std::size_t) {
            if (self->m_phase == Phase::Closed)
                return;
            if (ec) {
                self->close();
                return;
            }
            self->m_phase = Phase::Body;
            self->readMore();
        });
}

bool HttpSession::takeToken(Clock::time_point now)
{
    uint32_t rate = m_core.options().maxRequestsPerSecond;
    if (rate == 0)
        return true;
    double elapsed = std::chrono::duration<double>(now - m_tokensAt).count();
    m_tokensAt = now;
    m_tokens = std::min(double(rate), m_tokens + elapsed * double(rate));
    if (m_tokens < 1.0)
        return false;
    m_tokens -= 1.0;
    return true;
}

void HttpSession::onRequest()
{
    auto& request = m_parser->get();
    m_keepAlive = request.keep_alive();
    m_keepAliveHeader = m_keepAlive && request.version() < 11;
    m_headRequest = request.method() == http::verb::head;
    if (m_core.shuttingDown()) {
        reject(503, "shutting down", true);
        return;
    }
    if (!takeToken(Clock::now())) {
        reject(429, "too many requests", false);
        return;
    }
    if (m_websocketServer) {
        if (beast::websocket::is_upgrade(request))
            upgrade();
        else
            reject(426, "this is a WebSocket server", false);
        return;
    }
    if (m_core.inputsFull()) {
        reject(503, "server busy", false);
        return;
    }
    deliver();
}

void HttpSession::deliver()
{
    auto& request = m_parser->get();
    engine::InputEvent event;
    event.kind = engine::InputEvent::Kind::HttpRequest;
    event.server = m_server;
    event.id = m_core.nextRequestId();
    auto method = request.method_string();
    event.method.assign(method.data(), method.size());
    auto target = request.target();
    splitTarget(std::string_view(target.data(), target.size()), event.path, event.query);
    for (const auto& field : request) {
        auto name = field.name_string();
        auto value = field.value();
        auto& [lowerName, copy] = event.headers.emplace_back(
            std::string(name.data(), name.size()), std::string(value.data(), value.size()));
        toLower(lowerName);
    }
    event.body = std::move(request.body());

    m_requestId = event.id;
    m_phase = Phase::Program;
    m_deadline = Clock::now() + milliseconds(m_core.options().requestTimeoutMs);
    m_core.requestDelivered(event.id, self());
    bump(m_core.stats().requests);
    m_core.push(std::move(event));
}

void HttpSession::upgrade()
{
    // The socket moves to the WebSocket session; this session ends here.
    m_phase = Phase::Closed;
    m_deadline = Clock::time_point::max();
    auto session = std::make_shared<WsSession>(m_core, std::move(m_socket), m_server);
    session->start(m_parser->release());
}

// --- HttpSession: answering ----------------------------------------------------------------

void HttpSession::respond(engine::OutputEvent&& event)
{
    if (m_phase != Phase::Program)
        return;
    write(event.status, &event.headers, std::move(event.body), false);
}

void HttpSession::answerUnavailable()
{
    if (m_phase != Phase::Program)
        return;
    m_core.forgetRequest(m_requestId);
    write(503, nullptr, "service unavailable", true);
}

void HttpSession::reject(int status, std::string_view body, bool close)
{
    bump(status == 400 ? m_core.stats().badRequests : m_core.stats().rejected);
    static const engine::Fields upgradeHeaders { { "Upgrade", "websocket" } };
    write(status, status == 426 ? &upgradeHeaders : nullptr, std::string(body), close);
}

void HttpSession::write(int status, const engine::Fields* headers, std::string body, bool close)
{
    ResponseShape shape;
    shape.close = close || !m_keepAlive || m_closeAfter || m_core.shuttingDown();
    shape.keepAliveHeader = m_keepAliveHeader;
    shape.date = m_core.httpDate();
    m_head.clear();
    m_status = appendResponseHead(m_head, status, headers, body.size(), shape);
    m_closeAfter = shape.close;
    m_body = std::move(body);
    bool withBody = shape.bodyAllowed && !m_headRequest;
    m_phase = Phase::Writing;
    std::array<net::const_buffer, 2> buffers { net::buffer(m_head),
        withBody ? net::buffer(m_body) : net::const_buffer() };
    // The completion condition runs before every write_some: each step of progress
    // moves the deadline, so only a stalled reader is cut off.
    auto progress = [this](const error_code& ec, std::size_t) -> std::size_t {
        if (ec)
            return 0;
        m_deadline = Clock::now() + milliseconds(m_core.options().idleTimeoutMs);
        return 64 * 1024;
    };
    net::async_write(
        m_socket, buffers, progress, [self = self()](const error_code& ec, std::size_t) { self->onWritten(ec); });
}

void HttpSession::onWritten(const error_code& ec)
{
    if (m_requestId != 0)
        finishRequest(ec ? 0 : m_status, Clock::now());
    if (m_body.capacity() > kKeepBodyCapacity)
        std::string().swap(m_body);
    else
        m_body.clear();
    if (m_phase == Phase::Closed)
        return;
    if (ec) {
        close();
        return;
    }
    if (m_closeAfter) {
        linger();
        return;
    }
    beginRequest();
}

void HttpSession::finishRequest(int statusSent, Clock::time_point now)
{
    engine::InputEvent done;
    done.kind = engine::InputEvent::Kind::RequestDone;
    done.id = m_requestId;
    done.status = statusSent;
    done.latencyUs = elapsedUs(m_firstByte, now);
    m_requestId = 0;
    if (statusSent > 0)
        bump(m_core.stats().responses);
    m_core.push(std::move(done));
    m_core.requestFinished();
}

// --- HttpSession: deadlines, shutdown, closing ------------------------------------------------

void HttpSession::onDeadline(Clock::time_point)
{
    switch (m_phase) {
    case Phase::Program:
        m_core.forgetRequest(m_requestId);
        bump(m_core.stats().timeouts504);
        write(504, nullptr, "gateway timeout", false);
        break;
    case Phase::Closed:
        break;
    default:
        // Idle keep-alive, slow header (slowloris), slow body, stalled write, lingering.
        // A stalled write ends in onWritten() with an error: RequestDone status 0.
        close();
        break;
    }
}

void HttpSession::onShutdown()
{
    switch (m_phase) {
    case Phase::Program:
    case Phase::Writing:
        m_closeAfter = true;
        break;
    case Phase::Lingering:
    case Phase::Closed:
        break;
    default:
        close(); // idle, or a request that was not delivered yet
        break;
    }
}

void HttpSession::abort()
{
    if (m_requestId != 0) {
        m_core.forgetRequest(m_requestId);
        finishRequest(0, Clock::now());
    }
    close();
}

void HttpSession::linger()
{
    // Closing with unread input makes the kernel send a reset, which can destroy
    // our answer (a 413 to a client still uploading) before the client reads it.
    // So: half-close, then drop input until the client closes or kLinger passes.
    m_phase = Phase::Lingering;
    m_deadline = Clock::now() + kLinger;
    error_code ignored;
    m_socket.shutdown(tcp::socket::shutdown_send, ignored);
    m_buffer.consume(m_buffer.size());
    readMore();
}

void HttpSession::close()
{
    if (m_phase == Phase::Closed)
        return;
    m_phase = Phase::Closed;
    m_deadline = Clock::time_point::max();
    error_code ignored;
    m_socket.close(ignored);
}

} // namespace aeroflow::io::detail
