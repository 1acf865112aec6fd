#pragma once
// The real outside world of a run (DESIGN.md "The outside world"): HTTP and
// WebSocket servers, outbound HTTP calls, real-time timers and files, on
// Boost.Beast / Boost.Asio.
//
// Threads: every OutsideWorld method is called on the engine's thread. The
// network runs on ONE I/O thread (one io_context), started lazily by the
// first listen(), requestShutdown() or flush() that needs it; a run that only
// reads the clock or files never starts it. Inputs cross to the engine through
// one mutex-guarded vector (hasInput() is a single atomic load); outputs cross
// the other way in batches, one wake-up of the I/O thread per flush().
//
// Ids: request ids (HttpRequest, RequestDone, Respond) count from 1, and
// WebSocket connection ids (WsOpen, WsText, WsClosed, WsSend, WsClose) count
// from 1 separately. Call and timer ids are the program's own.
//
// Scope: outbound calls speak plain http:// only (no TLS, no redirects, one
// connection per call); a host name is resolved by Asio's resolver, which uses
// a helper thread of its own. Binary WebSocket frames are delivered as WsText
// with their bytes unchanged. Beast's HTTP and WebSocket parsers read
// everything that comes off the wire.

#include "Outside.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace aeroflow::io {

namespace detail {
class IoCore;
}

/// Limits and timeouts of a LiveWorld. A value of 0 means "no limit" only
/// where the comment says so; other zeros are raised to the smallest sane value.
struct LiveWorldOptions {
    /// Largest request header (request line included); beyond it the client gets 431 and the connection closes.
    std::size_t maxHeaderBytes = 8 * 1024;
    /// Largest request body; beyond it the client gets 413 and the connection closes.
    std::size_t maxBodyBytes = 1024 * 1024;
    /// A delivered request the program has not answered after this long is answered 504 "gateway timeout".
    /// Also bounds how long a request body may take to arrive once its header is complete.
    int requestTimeoutMs = 30000;
    /// From the first byte of a request to the end of its header (slowloris): past it the connection is closed.
    int headerTimeoutMs = 10000;
    /// A keep-alive connection with no request in progress is closed after this long; the same bound applies
    /// to a response write that makes no progress, and to a WebSocket whose peer answers no ping.
    int idleTimeoutMs = 60000;
    /// Open server connections (HTTP and WebSocket together); a connection beyond it gets 503 and is closed.
    std::size_t maxConnections = 10000;
    /// Requests per second per connection (token bucket, bursts up to this many); excess requests get 429
    /// and never reach the program. 0: no limit.
    uint32_t maxRequestsPerSecond = 10000;
    /// Largest WebSocket message a client may send; a larger one closes the connection.
    std::size_t wsMaxMessageBytes = 1024 * 1024;
    /// Outgoing frames queued for one slow WebSocket reader; beyond it the connection is closed.
    std::size_t wsMaxQueuedBytes = 16 * 1024 * 1024;
    /// An outbound call not complete after this long ends with status 0, "timeout after N ms".
    int callTimeoutMs = 30000;
    /// Largest response body an outbound call accepts; a larger one ends the call with status 0.
    std::size_t callMaxResponseBytes = 16 * 1024 * 1024;
    /// After a shutdown starts, in-flight requests have this long to be answered before they get 503.
    int shutdownGraceMs = 5000;
    /// Inputs the program has not polled yet; beyond it new HTTP requests get 503 without reaching the
    /// program and WebSocket reads pause until the program catches up.
    std::size_t maxQueuedInputs = 65536;
    /// Largest file readFile() returns; a larger file is an error.
    std::size_t maxFileBytes = 64 * 1024 * 1024;
    /// Where "listening on http://HOST:PORT" (or ws://) and I/O warnings go; called on the thread that
    /// produced the line. Default (empty): one line on stderr.
    std::function<void(const std::string&)> log;
    /// When true, SIGINT and SIGTERM start requestShutdown() (a second one stops without the grace
    /// period). Handled on the I/O thread, so only once that thread is running.
    bool handleSignals = false;
};

/// Counters for tests and benchmarks; a snapshot, readable from any thread.
struct LiveWorldStats {
    uint64_t requests = 0; ///< HTTP requests delivered to the program
    uint64_t responses = 0; ///< answers to delivered requests written in full (504 and 503 included)
    uint64_t badRequests = 0; ///< malformed requests answered 400
    uint64_t rejected = 0; ///< requests or connections refused before the program saw them: 413/431/429/503
    uint64_t timeouts504 = 0; ///< delivered requests answered 504 because the program did not
    uint64_t wsOpened = 0; ///< WebSocket handshakes completed
    uint64_t wsMessagesIn = 0; ///< WebSocket messages delivered to the program
    uint64_t wsMessagesOut = 0; ///< WebSocket messages written in full
    uint64_t calls = 0; ///< outbound calls started
};

/// The network-backed OutsideWorld. Construct, hand to the scheduler, and
/// destroy after the run; destruction stops the I/O thread and closes every
/// socket whether or not a shutdown happened.
class LiveWorld final : public engine::OutsideWorld {
public:
    explicit LiveWorld(LiveWorldOptions options = {});
    ~LiveWorld() override;
    LiveWorld(const LiveWorld&) = delete;
    LiveWorld& operator=(const LiveWorld&) = delete;

    /// Binds "HOST:PORT" ("[::1]:PORT" for IPv6, ":PORT" for every IPv4 interface)
    /// before returning (port 0: a free port) and returns the bound
    /// address, e.g. "127.0.0.1:40123" or "[::1]:8080"; logs "listening on http://…".
    /// Errors read "cannot listen on 127.0.0.1:80: Permission denied".
    std::expected<std::string, std::string> listen(
        uint32_t server, bool websocket, const std::string& address) override;
    /// System clock, milliseconds since the Unix epoch.
    int64_t nowMs() override;
    /// On the calling thread; files over LiveWorldOptions::maxFileBytes are refused.
    std::expected<std::string, std::string> readFile(const std::string& path) override;
    /// Creates or truncates `path`, on the calling thread.
    std::expected<void, std::string> writeFile(const std::string& path, const std::string& text) override;

    /// Queues on the engine thread, without a lock.
    void send(engine::OutputEvent event) override;
    /// Hands the queued outputs to the I/O thread in one batch.
    void flush() override;

    bool hasInput() const override;
    void poll(std::vector<engine::InputEvent>& out, int waitMs) override;
    bool active() const override;

    /// Starts the orderly stop; callable from any thread (not from a signal handler:
    /// set handleSignals for that). Servers stop accepting; timers are cancelled; pending outbound
    /// calls end as CallDone status 0 "shutting down" (as do calls started later);
    /// a Shutdown input is pushed. In-flight requests may still be answered until
    /// none remain or shutdownGraceMs passed (the rest get 503), then every
    /// WebSocket is closed (a WsClosed each), a Halt input is pushed, and active()
    /// turns false once the Halt has been polled. A second call skips the grace period.
    void requestShutdown();

    LiveWorldStats stats() const;
    const LiveWorldOptions& options() const;

private:
    std::unique_ptr<detail::IoCore> m_core;
    std::vector<engine::OutputEvent> m_queued; ///< engine thread only
};

} // namespace aeroflow::io
