// WebSocket server connections (see WsServer.h).
//
// Invariants: a WsClosed is pushed exactly once, and only after the WsOpen
// (m_open, m_reported); at most one async_read and one async_write are
// outstanding (m_reading, m_writing), plus at most one async_close, as Beast
// allows; the close frame goes out only after the queued frames.

#include "WsServer.h"

#include "HttpText.h"

#include <boost/beast/core/buffers_to_string.hpp>

namespace aeroflow::io::detail {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

WsSession::WsSession(IoCore& core, tcp::socket socket, uint32_t server)
    : Connection(core)
    , m_ws(std::move(socket))
    , m_server(server)
{
    m_core.admit();
}

WsSession::~WsSession()
{
    m_core.release();
}

std::shared_ptr<WsSession> WsSession::self()
{
    return std::static_pointer_cast<WsSession>(shared_from_this());
}

void WsSession::start(Request request)
{
    const LiveWorldOptions& options = m_core.options();
    m_request = std::move(request);
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = std::chrono::milliseconds(options.headerTimeoutMs);
    timeouts.idle_timeout = std::chrono::milliseconds(options.idleTimeoutMs);
    timeouts.keep_alive_pings = true;
    m_ws.set_option(timeouts);
    m_ws.read_message_max(options.wsMaxMessageBytes);
    m_ws.auto_fragment(false);
    m_ws.text(true);
    m_ws.async_accept(m_request, [self = self()](const error_code& ec) { self->onAccept(ec); });
}

void WsSession::onAccept(const error_code& ec)
{
    if (ec || m_core.shuttingDown()) {
        closeNow(); // never opened as far as the program knows: no WsClosed either
        return;
    }
    m_id = m_core.nextConnectionId();
    m_open = true;
    engine::InputEvent event;
    event.kind = engine::InputEvent::Kind::WsOpen;
    event.server = m_server;
    event.id = m_id;
    auto target = m_request.target();
    splitTarget(std::string_view(target.data(), target.size()), event.path, event.query);
    for (const auto& field : m_request) {
        auto name = field.name_string();
        auto value = field.value();
        auto& [lowerName, copy] = event.headers.emplace_back(
            std::string(name.data(), name.size()), std::string(value.data(), value.size()));
        toLower(lowerName);
    }
    m_request = {};
    m_core.wsOpened(m_id, self());
    bump(m_core.stats().wsOpened);
    m_core.push(std::move(event));
    read();
}

void WsSession::read()
{
    if (m_reported || m_reading)
        return;
    if (m_core.inputsFull()) {
        m_core.pauseWsReads(self());
        return;
    }
    m_reading = true;
    m_ws.async_read(m_in, [self = self()](const error_code& ec, std::size_t) { self->onRead(ec); });
}

void WsSession::resumeReads()
{
    if (m_open)
        read();
}

void WsSession::onRead(const error_code& ec)
{
    m_reading = false;
    if (ec) {
        // websocket::error::closed after a close handshake, anything else on failure.
        reportClosed();
        closeNow();
        return;
    }
    engine::InputEvent event;
    event.kind = engine::InputEvent::Kind::WsText;
    event.id = m_id;
    event.body = beast::buffers_to_string(m_in.data()); // binary frames too, bytes unchanged
    m_in.consume(m_in.size());
    bump(m_core.stats().wsMessagesIn);
    m_core.push(std::move(event));
    read();
}

void WsSession::send(std::string text)
{
    if (!m_open || m_reported || m_closeRequested)
        return;
    if (m_queuedBytes + text.size() > m_core.options().wsMaxQueuedBytes) {
        m_core.log("websocket " + std::to_string(m_id) + ": the client reads too slowly (over "
            + std::to_string(m_core.options().wsMaxQueuedBytes) + " bytes queued), closing it");
        abort();
        return;
    }
    m_queuedBytes += text.size();
    m_queue.push_back(std::move(text));
    if (!m_writing)
        writeNext();
}

void WsSession::writeNext()
{
    m_writing = true;
    m_ws.async_write(
        net::buffer(m_queue.front()), [self = self()](const error_code& ec, std::size_t) { self->onWritten(ec); });
}

void WsSession::onWritten(const error_code& ec)
{
    m_writing = false;
    if (ec) {
        reportClosed();
        closeNow();
        return;
    }
    bump(m_core.stats().wsMessagesOut);
    m_queuedBytes -= m_queue.front().size();
    m_queue.pop_front();
    if (m_reported)
        return;
    if (!m_queue.empty()) {
        writeNext();
        return;
    }
    if (m_closeRequested)
        requestClose(m_closeCode);
}

void WsSession::requestClose(websocket::close_code code)
{
    if (!m_open || m_reported || m_closeSent)
        return;
    m_closeRequested = true;
    m_closeCode = code;
    if (m_writing)
        return; // onWritten() comes back here once the queue is empty
    m_closeSent = true;
    // The close completes after the peer's close frame arrived (or Beast's
    // close timeout); the pending read, if any, then ends with `closed`.
    m_ws.async_close(code, [self = self()](const error_code&) {
        self->reportClosed();
        self->closeNow();
    });
}

void WsSession::abort()
{
    reportClosed();
    closeNow();
}

void WsSession::closeNow()
{
    error_code ignored;
    beast::get_lowest_layer(m_ws).close(ignored);
}

void WsSession::reportClosed()
{
    if (!m_open || m_reported)
        return;
    m_reported = true; // m_queue stays: a write in flight still reads its front
    engine::InputEvent event;
    event.kind = engine::InputEvent::Kind::WsClosed;
    event.id = m_id;
    m_core.push(std::move(event));
    m_core.wsClosed(m_id); // may drop the registry's reference: every caller holds one
}

} // namespace aeroflow::io::detail
