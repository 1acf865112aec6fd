#pragma once
// Private to io/: one WebSocket server connection, from the upgrade request
// an HttpSession handed over to the single WsClosed it reports.
//
// Beast runs the handshake, the frames, pings and its own timeouts
// (handshake: headerTimeoutMs; idle: idleTimeoutMs with keep-alive pings).
// Writes go through a queue so that one async_write is outstanding at a time;
// a queue over wsMaxQueuedBytes closes the connection.

#include "IoCore.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>

namespace aeroflow::io::detail {

class WsSession final : public Connection {
public:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;

    WsSession(IoCore& core, tcp::socket socket, uint32_t server);
    ~WsSession() override;

    /// Answers the upgrade request; WsOpen follows once the handshake is done.
    void start(Request request);
    /// Queues one text frame.
    void send(std::string text);
    /// Closes gracefully (after the queued frames) with `code`.
    void requestClose(boost::beast::websocket::close_code code);
    /// Reading paused while the program's input queue was full: read again.
    void resumeReads();

    void onDeadline(Clock::time_point) override { }
    void onShutdown() override { }
    void abort() override;
    bool isWebSocket() const override { return true; }

private:
    std::shared_ptr<WsSession> self();
    void onAccept(const boost::system::error_code& ec);
    void read();
    void onRead(const boost::system::error_code& ec);
    void writeNext();
    void onWritten(const boost::system::error_code& ec);
    void closeNow();
    void reportClosed();

    boost::beast::websocket::stream<tcp::socket> m_ws;
    boost::beast::flat_buffer m_in;
    Request m_request;
    std::deque<std::string> m_queue;
    std::size_t m_queuedBytes = 0;
    uint64_t m_id = 0;
    uint32_t m_server;
    boost::beast::websocket::close_code m_closeCode = boost::beast::websocket::close_code::normal;
    bool m_open = false; ///< WsOpen pushed
    bool m_reported = false; ///< WsClosed pushed
    bool m_writing = false;
    bool m_closeRequested = false;
    bool m_closeSent = false;
    bool m_reading = false;
};

} // namespace aeroflow::io::detail
