#pragma once
// Private to io/: the I/O side of a LiveWorld — the io_context and its one
// thread, the two queues that cross to the engine thread, and the registries
// of servers, connections, pending requests, calls and timers.
//
// Thread rules: members under "engine thread" are touched only there, those
// under "I/O thread" only on the I/O thread (after start), atomics and
// mutex-guarded members from both. Sessions hold `IoCore&`: the core outlives
// them because ~IoCore stops the thread, drops every registry, and only then
// destroys the io_context (which destroys the handlers that keep sessions alive).

#include "LiveWorld.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace aeroflow::io::detail {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

class IoCore;
class HttpSession;
class WsSession;
class Listener;
class Call;
class TimerSet;

/// LiveWorldStats as atomics (relaxed increments from the I/O thread).
struct AtomicStats {
    std::atomic<uint64_t> requests { 0 }, responses { 0 }, badRequests { 0 }, rejected { 0 }, timeouts504 { 0 },
        wsOpened { 0 }, wsMessagesIn { 0 }, wsMessagesOut { 0 }, calls { 0 };
    LiveWorldStats snapshot() const;
};

inline void bump(std::atomic<uint64_t>& counter)
{
    counter.fetch_add(1, std::memory_order_relaxed);
}

/// A server connection, registered with its core from construction to
/// destruction so the deadline sweep, the shutdown and the destructor find it.
/// Always owned by a shared_ptr. I/O thread only.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    explicit Connection(IoCore& core);
    virtual ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// The sweep found deadline() passed.
    virtual void onDeadline(Clock::time_point now) = 0;
    /// A shutdown started: drop what is idle, finish what is in flight.
    virtual void onShutdown() = 0;
    /// Close now, first reporting what is still owed (RequestDone status 0, WsClosed).
    virtual void abort() = 0;
    virtual bool isWebSocket() const = 0;

    Clock::time_point deadline() const { return m_deadline; }

protected:
    IoCore& m_core;
    /// When the sweep calls onDeadline(); max() for never.
    Clock::time_point m_deadline = Clock::time_point::max();

private:
    friend class IoCore;
    std::size_t m_slot = 0; ///< index in IoCore::m_connections
};

class IoCore {
public:
    explicit IoCore(LiveWorldOptions options);
    ~IoCore();
    IoCore(const IoCore&) = delete;
    IoCore& operator=(const IoCore&) = delete;

    // --- engine thread ------------------------------------------------------------
    std::expected<std::string, std::string> listen(uint32_t server, bool websocket, const std::string& address);
    /// Counts what an output will keep pending (calls, timers) before it reaches the
    /// I/O thread, so active() never dips between send() and the drain.
    void noteOutput(const engine::OutputEvent& event);
    /// Moves `outputs` to the I/O side (leaving it empty) and wakes the I/O thread once.
    void handOver(std::vector<engine::OutputEvent>& outputs);
    void poll(std::vector<engine::InputEvent>& out, int waitMs);
    bool hasInput() const { return m_hasInput.load(std::memory_order_acquire); }
    bool active() const;

    // --- any thread -----------------------------------------------------------------
    void requestShutdown();
    const LiveWorldOptions& options() const { return m_options; }
    AtomicStats& stats() { return m_stats; }
    const AtomicStats& stats() const { return m_stats; }
    void log(const std::string& line) const;

    // --- I/O thread -----------------------------------------------------------------
    net::io_context& context() { return *m_ioc; }
    /// Queues an input for the engine (published at the end of the current handler
    /// batch); returns its sequence number in the run's input stream.
    uint64_t push(engine::InputEvent&& event);
    /// How many inputs poll() has taken so far: input `seq` was taken when this > seq.
    uint64_t takenInputs() const { return m_taken.load(std::memory_order_acquire); }
    /// Are maxQueuedInputs inputs waiting for the program?
    bool inputsFull() const;
    bool shuttingDown() const { return m_stage != Stage::Running; }
    /// The Date header value, refreshed by the sweep (at least 4 times a second).
    std::string_view httpDate() const { return m_httpDate; }

    uint64_t nextRequestId() { return ++m_lastRequestId; }
    uint64_t nextConnectionId() { return ++m_lastConnectionId; }
    /// Admitted connections (maxConnections); a session adds itself and removes itself.
    bool atCapacity() const { return m_admitted >= m_options.maxConnections; }
    void admit() { ++m_admitted; }
    void release() { --m_admitted; }

    /// A request was delivered: Respond outputs for `id` go to `session`.
    void requestDelivered(uint64_t id, std::shared_ptr<HttpSession> session);
    /// No Respond is accepted for `id` any more (answered by the server, or aborted).
    void forgetRequest(uint64_t id) { m_pending.erase(id); }
    /// The RequestDone of a delivered request was pushed.
    void requestFinished();

    void wsOpened(uint64_t id, std::shared_ptr<WsSession> session);
    /// The WsClosed of `id` was pushed.
    void wsClosed(uint64_t id);
    /// `session` stopped reading because inputsFull(); poll() resumes it.
    void pauseWsReads(std::shared_ptr<WsSession> session);

    /// The CallDone of `id` was pushed.
    void callFinished(uint64_t id);
    /// A timer will fire no more (fired once, cancelled or replaced).
    void timerEnded(int64_t count = 1) { m_activeTimers.fetch_sub(count); }

private:
    friend class Connection;
    enum class Stage : uint8_t { Running, DrainingHttp, ClosingWs, Halted };

    void ensureStarted();
    void run();
    void publish();
    void drainOutputs();
    void dispatch(engine::OutputEvent& event);
    void startCall(engine::OutputEvent& event);
    void armSweep();
    void sweep();
    void refreshDate();
    void armSignals();
    void resumeWsReads();
    std::vector<std::shared_ptr<Connection>> connections() const;

    // Shutdown.cpp: Running -> DrainingHttp -> ClosingWs -> Halted.
    void beginShutdown(bool force);
    void checkDrained();
    void graceExpired();
    void closeWebSockets();
    void halt();

    LiveWorldOptions m_options;
    AtomicStats m_stats;

    // --- crossing to the engine thread ------------------------------------------------
    mutable std::mutex m_inMutex;
    std::condition_variable m_inCv;
    std::vector<engine::InputEvent> m_inputs; ///< published, not yet polled (m_inMutex)
    bool m_engineWaiting = false; ///< the engine sleeps in poll() (m_inMutex)
    std::atomic<bool> m_hasInput { false };
    std::atomic<uint64_t> m_pushed { 0 }; ///< inputs pushed by the I/O side, published or not
    std::atomic<uint64_t> m_taken { 0 }; ///< inputs taken by poll()

    std::mutex m_outMutex;
    std::vector<engine::OutputEvent> m_outputs; ///< handed over, not yet drained (m_outMutex)
    bool m_drainPosted = false; ///< a drainOutputs() is queued (m_outMutex)

    // --- what active() reads ----------------------------------------------------------
    std::atomic<int64_t> m_openServers { 0 };
    std::atomic<int64_t> m_pendingCalls { 0 };
    std::atomic<int64_t> m_activeTimers { 0 };
    std::atomic<bool> m_draining { false };
    std::atomic<bool> m_shutdownRequested { false };
    std::atomic<bool> m_wsPaused { false };

    // --- the I/O thread ---------------------------------------------------------------
    std::mutex m_startMutex;
    std::atomic<bool> m_started { false };
    std::thread m_thread;

    std::vector<engine::InputEvent> m_unpublished;
    bool m_publishPosted = false;
    std::vector<engine::OutputEvent> m_ioOutputs; ///< being dispatched
    uint64_t m_lastRequestId = 0;
    uint64_t m_lastConnectionId = 0;
    std::size_t m_admitted = 0;
    uint64_t m_inFlight = 0; ///< delivered requests without their RequestDone yet
    Stage m_stage = Stage::Running;
    bool m_graceOver = false; ///< the 503s of the shutdown went out
    std::vector<Connection*> m_connections;
    std::vector<std::shared_ptr<Connection>> m_expired; ///< sweep scratch
    std::string m_httpDate;
    int64_t m_httpDateSecond = -1;
    boost::unordered_flat_map<uint64_t, std::shared_ptr<HttpSession>> m_pending;
    boost::unordered_flat_map<uint64_t, std::shared_ptr<WsSession>> m_webSockets;
    boost::unordered_flat_map<uint64_t, std::shared_ptr<Call>> m_calls;
    std::vector<std::shared_ptr<Listener>> m_listeners;
    std::vector<std::shared_ptr<WsSession>> m_pausedWs;

    // --- Asio objects, destroyed explicitly and in this order by ~IoCore ------------------
    std::unique_ptr<net::io_context> m_ioc;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> m_work;
    std::unique_ptr<TimerSet> m_timers;
    std::unique_ptr<net::steady_timer> m_sweepTimer;
    std::unique_ptr<net::steady_timer> m_stageTimer;
    std::unique_ptr<net::signal_set> m_signals;
    Clock::duration m_sweepEvery {};
};

/// "HOST:PORT" of an endpoint, IPv6 in brackets.
std::string endpointText(const tcp::endpoint& endpoint);

/// Microseconds from `from` to `to`, at least 1.
uint64_t elapsedUs(Clock::time_point from, Clock::time_point to);

} // namespace aeroflow::io::detail
