#pragma once
// Private to io/: the server side of HTTP — a Listener per listen() and an
// HttpSession per accepted connection. A session reads one request at a
// time with Beast's parser, delivers it (or refuses it: 400, 413, 426, 429,
// 431, 503), writes the program's answer in one async_write, and only then
// reads the next request on the same connection. On a WebSocket server it
// hands an upgrade request over to a WsSession.

#include "IoCore.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>

namespace aeroflow::io::detail {

namespace beast = boost::beast;
namespace http = beast::http;

/// Accepts connections of one server until closed. I/O thread only.
class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(IoCore& core, tcp::acceptor acceptor, uint32_t server, bool websocket);
    void accept();
    /// Stops accepting (the acceptor closes; connections already accepted go on).
    void close();

private:
    void onAccept(const boost::system::error_code& ec, tcp::socket socket);

    IoCore& m_core;
    tcp::acceptor m_acceptor;
    net::steady_timer m_retry; ///< backs off when out of file descriptors
    uint32_t m_server;
    bool m_websocket;
    bool m_warned = false;
};

class HttpSession final : public Connection {
public:
    /// `admitted`: counts against maxConnections; a connection that is not gets 503 and is closed.
    HttpSession(IoCore& core, tcp::socket socket, uint32_t server, bool websocketServer, bool admitted);
    ~HttpSession() override;

    void start();
    /// The program's answer to the request this session delivered.
    void respond(engine::OutputEvent&& event);
    /// The shutdown grace ran out before the program answered: 503.
    void answerUnavailable();

    void onDeadline(Clock::time_point now) override;
    void onShutdown() override;
    void abort() override;
    bool isWebSocket() const override { return false; }

private:
    enum class Phase : uint8_t {
        Idle, ///< between requests (idle timeout)
        Header, ///< a request started, its header is incomplete (header timeout)
        Body, ///< header complete, body arriving (request timeout)
        Continue, ///< writing "100 Continue"
        Program, ///< delivered, waiting for the program (504 at the request timeout)
        Writing, ///< writing a response (idle timeout without progress)
        Lingering, ///< sent a final response, reading what the client still sends until it closes
        Closed,
    };

    std::shared_ptr<HttpSession> self();
    void beginRequest();
    void readMore();
    void onRead(const boost::system::error_code& ec, std::size_t bytes);
    void parse();
    void headerDone();
    void onRequest();
    void deliver();
    void upgrade();
    bool takeToken(Clock::time_point now);
    /// Writes an answer; `m_requestId` (if set) gets its RequestDone after it.
    void write(int status, const engine::Fields* headers, std::string body, bool close);
    void onWritten(const boost::system::error_code& ec);
    void finishRequest(int statusSent, Clock::time_point now);
    void reject(int status, std::string_view body, bool close);
    void linger();
    void close();

    tcp::socket m_socket;
    beast::flat_buffer m_buffer; ///< kept across requests: pipelined bytes and capacity survive
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::string m_head; ///< response status line and header, reused
    std::string m_body;
    uint64_t m_requestId = 0; ///< delivered and without RequestDone yet, else 0
    int m_status = 0; ///< status being written
    Clock::time_point m_firstByte;
    Phase m_phase = Phase::Idle;
    uint32_t m_server;
    bool m_websocketServer;
    bool m_admitted;
    bool m_keepAlive = true;
    bool m_keepAliveHeader = false; ///< an HTTP/1.0 client asked for keep-alive
    bool m_headRequest = false;
    bool m_closeAfter = false; ///< close once the current response is written
    double m_tokens = 0;
    Clock::time_point m_tokensAt;
};

} // namespace aeroflow::io::detail
