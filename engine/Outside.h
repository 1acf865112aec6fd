#pragma once
// The outside world as the engine sees it (DESIGN.md "The outside world").
//
// Everything that comes from outside a run — an HTTP request, a WebSocket
// frame, the answer to an outbound call, a real-time timer firing, a signal
// asking the program to stop — reaches the scheduler as an InputEvent taken
// from an OutsideWorld. The scheduler stamps each one at the next logical
// tick, in arrival order, and records it at the effect boundary
// (RunObserver::onEffect, kind inputKindName(), value encodeInput()), so a
// replay feeds the same events back at the same places with no network.
// Everything the program sends out — a response, a WebSocket frame, an
// outbound call, a timer to arm — is an OutputEvent handed to the world and
// reported to the observer as Stream::World output (value encodeOutput()),
// which replay verification compares like any other output.
//
// Synchronous answers (the bound address of a server, the wall clock, a file
// read) are effects too: the scheduler records each answer, and a replaying
// world answers from the recording.
//
// Implementations: io::LiveWorld (io/, the real network on its own I/O
// thread), debugger's replay world (recorded answers, no network), and none
// (RunOptions::world == nullptr: every outside call is a runtime error).

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aeroflow::engine {

/// Header or query fields, in the order they arrived (names may repeat).
using Fields = std::vector<std::pair<std::string, std::string>>;

/// One event from outside the program, produced by the world's I/O thread.
struct InputEvent {
    /// Values are part of the trace format: never renumber.
    enum class Kind : uint8_t {
        HttpRequest = 1, ///< `server`, `id` (request), method, path, query, headers, body
        WsOpen = 2,      ///< `server`, `id` (connection), path, query, headers of the upgrade request
        WsText = 3,      ///< `id` (connection), body = the text frame's data
        WsClosed = 4,    ///< `id` (connection): the peer closed it or it failed
        CallDone = 5,    ///< `id` (call): status > 0 with headers and body, or status 0 and body = the error
        Timer = 6,       ///< `id` (timer) fired
        RequestDone = 7, ///< `id` (request) finished on the wire: `status` sent, `latencyUs`; nothing is delivered
        Shutdown = 8,    ///< SIGINT/SIGTERM: servers stopped accepting; in-flight requests are being finished
        Halt = 9,        ///< the world is done draining: the run ends here (exit 0)
    };
    Kind kind = Kind::Halt;
    uint32_t server = 0;    ///< HttpRequest, WsOpen: the id given to OutsideWorld::listen
    uint64_t id = 0;        ///< request / connection / call / timer id
    int32_t status = 0;     ///< CallDone: HTTP status (0: failed); RequestDone: the status sent
    uint64_t latencyUs = 0; ///< RequestDone: first byte read to last byte written; CallDone: call duration
    std::string method;     ///< HttpRequest
    std::string path;       ///< HttpRequest, WsOpen: the target's path (percent-decoded), without the query
    std::string body;       ///< HttpRequest, WsText, CallDone (the error text when status is 0)
    Fields query;           ///< HttpRequest, WsOpen: decoded query parameters
    Fields headers;         ///< HttpRequest, WsOpen, CallDone: names in lower case
};

/// One thing the program sends out, handed to OutsideWorld::send().
struct OutputEvent {
    /// Values are part of the trace format: never renumber.
    enum class Kind : uint8_t {
        Respond = 1,     ///< `id` (request): status, headers, body
        WsSend = 2,      ///< `id` (connection): body as one text frame
        WsClose = 3,     ///< `id` (connection): close it (a WsClosed input follows)
        CallStart = 4,   ///< `id` (call): method, url, headers, body; a CallDone input follows
        TimerStart = 5,  ///< `id` (timer): fire after `ms`, and every `ms` after that when `repeat`
        TimerCancel = 6, ///< `id` (timer): no more firings
    };
    Kind kind = Kind::Respond;
    uint64_t id = 0;
    int32_t status = 0;  ///< Respond
    uint64_t ms = 0;     ///< TimerStart
    bool repeat = false; ///< TimerStart
    std::string method;  ///< CallStart: "GET", "POST"
    std::string url;     ///< CallStart: "http://host:port/path?query"
    std::string body;    ///< Respond, WsSend, CallStart
    Fields headers;      ///< Respond, CallStart
};

/// The port between a run and the world. Every method is called on the
/// engine's thread; an implementation does its I/O on its own thread(s).
class OutsideWorld {
public:
    virtual ~OutsideWorld() = default;

    // --- synchronous answers (recorded by the scheduler) ------------------------
    /// Starts a server on "HOST:PORT" (port 0: a free port): plain HTTP, or
    /// WebSocket when `websocket`. Its events carry `server`. Returns the
    /// bound "HOST:PORT", or why it could not listen.
    virtual std::expected<std::string, std::string> listen(uint32_t server, bool websocket,
                                                           const std::string& address) = 0;
    /// Wall-clock milliseconds since the Unix epoch.
    virtual int64_t nowMs() = 0;
    /// Whole file as bytes, or why not (bounded by the implementation).
    virtual std::expected<std::string, std::string> readFile(const std::string& path) = 0;
    virtual std::expected<void, std::string> writeFile(const std::string& path, const std::string& text) = 0;

    // --- output -----------------------------------------------------------------
    /// Queues one output; never blocks. Handed over by flush().
    virtual void send(OutputEvent event) = 0;
    /// Hands the queued outputs to the I/O side (after a delivery that sent
    /// some, and before waiting).
    virtual void flush() = 0;

    // --- input ------------------------------------------------------------------
    /// Cheap (an atomic load): have inputs arrived that poll() would return?
    virtual bool hasInput() const = 0;
    /// Appends the inputs that have arrived, in arrival order. With waitMs
    /// > 0, first waits up to that long for one to arrive.
    virtual void poll(std::vector<InputEvent>& out, int waitMs) = 0;
    /// Could an input still arrive (a server open, a call or a timer pending,
    /// a shutdown still draining)? When false and nothing is queued, the run ends.
    virtual bool active() const = 0;
};

/// Trace effect kind of an input: "http_request", "ws_open", "ws_text",
/// "ws_closed", "call_done", "timer", "request_done", "shutdown", "halt".
const char* inputKindName(InputEvent::Kind kind);
/// The input kind named `name`, if it is one.
std::optional<InputEvent::Kind> inputKindFromName(std::string_view name);
/// "respond", "ws_send", "ws_close", "call_start", "timer_start", "timer_cancel".
const char* outputKindName(OutputEvent::Kind kind);

/// The recorded (binary, versioned) form of an event; docs/TRACE_SCHEMA.md
/// "Inputs from outside". Decoding takes untrusted bytes: every length is
/// checked, and a malformed blob gives an error, never a crash.
std::string encodeInput(const InputEvent& event);
std::expected<InputEvent, std::string> decodeInput(std::string_view bytes);
std::string encodeOutput(const OutputEvent& event);
std::expected<OutputEvent, std::string> decodeOutput(std::string_view bytes);

} // namespace aeroflow::engine
