// The orderly stop of a LiveWorld, on the I/O thread (see
// LiveWorld::requestShutdown for the contract). Stages:
//
//   Running ─► DrainingHttp: listeners closed, timers cancelled, calls ended,
//              Shutdown pushed, idle connections closed; in-flight requests
//              may still be answered. After shutdownGraceMs the rest get 503;
//              writes still stuck a second later are aborted.
//   DrainingHttp ─► ClosingWs (no request in flight): every WebSocket gets a
//              close frame (1001 going away); kWsCloseTime bounds the wait.
//   ClosingWs ─► Halted (all closed): what is left is aborted, Halt is pushed.
//
// Each step that waits uses m_stageTimer; a handler checks the stage it was
// armed for, because a re-armed timer's old completion may still be queued.

#include "IoCore.h"

#include "HttpClient.h"
#include "HttpServer.h"
#include "Timers.h"
#include "WsServer.h"

namespace aeroflow::io::detail {

namespace {

/// Time for the 503s of an expired grace period to reach their clients.
constexpr auto kLastWritesTime = std::chrono::seconds(1);
/// Time for WebSocket clients to answer our close frame.
constexpr auto kWsCloseTime = std::chrono::seconds(1);

} // namespace

void IoCore::beginShutdown(bool force)
{
    if (m_stage == Stage::Halted)
        return;
    if (m_stage == Stage::Running) {
        m_stage = Stage::DrainingHttp;
        for (auto& listener : m_listeners)
            listener->close();
        m_openServers.fetch_sub(int64_t(m_listeners.size()));
        m_listeners.clear();

        engine::InputEvent shutdown;
        shutdown.kind = engine::InputEvent::Kind::Shutdown;
        push(std::move(shutdown));

        m_timers->cancelAll();
        std::vector<std::shared_ptr<Call>> calls;
        for (auto& [id, call] : m_calls)
            calls.push_back(call);
        for (auto& call : calls)
            call->cancel("shutting down");
        for (auto& connection : connections())
            connection->onShutdown();
        if (!force) {
            m_stageTimer->expires_after(std::chrono::milliseconds(m_options.shutdownGraceMs));
            m_stageTimer->async_wait([this](const boost::system::error_code& ec) {
                if (!ec)
                    graceExpired();
            });
            checkDrained();
            return;
        }
    } else if (!force) {
        return;
    }
    // Asked twice: no more waiting for anyone.
    for (auto& connection : connections())
        connection->abort();
    halt();
}

void IoCore::checkDrained()
{
    if (m_stage == Stage::DrainingHttp && m_inFlight == 0)
        closeWebSockets();
}

void IoCore::graceExpired()
{
    if (m_stage != Stage::DrainingHttp)
        return;
    if (!m_graceOver) {
        m_graceOver = true;
        std::vector<std::shared_ptr<HttpSession>> waiting;
        for (auto& [id, session] : m_pending)
            waiting.push_back(session);
        for (auto& session : waiting)
            session->answerUnavailable();
        m_stageTimer->expires_after(kLastWritesTime);
        m_stageTimer->async_wait([this](const boost::system::error_code& ec) {
            if (!ec)
                graceExpired();
        });
        return;
    }
    // Responses still not written a second later: their clients do not read.
    for (auto& connection : connections()) {
        if (!connection->isWebSocket())
            connection->abort();
    }
    checkDrained();
}

void IoCore::closeWebSockets()
{
    m_stage = Stage::ClosingWs;
    if (m_webSockets.empty()) {
        halt();
        return;
    }
    std::vector<std::shared_ptr<WsSession>> open;
    for (auto& [id, session] : m_webSockets)
        open.push_back(session);
    for (auto& session : open)
        session->requestClose(boost::beast::websocket::close_code::going_away);
    if (m_stage != Stage::ClosingWs)
        return;
    m_stageTimer->expires_after(kWsCloseTime);
    m_stageTimer->async_wait([this](const boost::system::error_code& ec) {
        if (!ec && m_stage == Stage::ClosingWs)
            halt();
    });
}

void IoCore::halt()
{
    if (m_stage == Stage::Halted)
        return;
    m_stage = Stage::Halted;
    m_stageTimer->cancel();
    // Whatever is still open owes its report now (WsClosed before Halt).
    for (auto& connection : connections())
        connection->abort();
    engine::InputEvent halt;
    halt.kind = engine::InputEvent::Kind::Halt;
    push(std::move(halt));
    m_draining.store(false); // after the push: active() stays true until Halt is polled
}

} // namespace aeroflow::io::detail
