// The I/O side of a LiveWorld (see IoCore.h): the thread, the two crossings
// to the engine thread, listening, dispatching outputs, the deadline sweep.
//
// Crossing invariants:
// - inputs: the I/O thread appends to m_unpublished without a lock and posts
//   one publish() per handler batch, which moves the batch under m_inMutex and
//   wakes the engine only if it sleeps in poll(). m_pushed counts pushes,
//   m_taken what poll() took; active() stays true while they differ, so a run
//   never ends with an input still unpublished;
// - outputs: handOver() moves a whole batch under m_outMutex and posts one
//   drainOutputs() unless one is pending already.

#include "IoCore.h"

#include "HttpClient.h"
#include "HttpServer.h"
#include "HttpText.h"
#include "Timers.h"
#include "WsServer.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

namespace aeroflow::io::detail {

namespace {

using boost::system::error_code;
using std::chrono::milliseconds;

/// Lets 5,000+ concurrent connections open: the soft descriptor limit (often
/// 1024) goes up to the hard one.
void raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max)
        return;
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t(1) << 20 : limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &raised);
}

void sanitize(LiveWorldOptions& o)
{
    o.maxHeaderBytes = std::max<std::size_t>(o.maxHeaderBytes, 256);
    o.requestTimeoutMs = std::max(o.requestTimeoutMs, 1);
    o.headerTimeoutMs = std::max(o.headerTimeoutMs, 1);
    o.idleTimeoutMs = std::max(o.idleTimeoutMs, 1);
    o.maxConnections = std::max<std::size_t>(o.maxConnections, 1);
    o.wsMaxMessageBytes = std::max<std::size_t>(o.wsMaxMessageBytes, 1);
    o.wsMaxQueuedBytes = std::max<std::size_t>(o.wsMaxQueuedBytes, 1);
    o.callTimeoutMs = std::max(o.callTimeoutMs, 1);
    o.shutdownGraceMs = std::max(o.shutdownGraceMs, 0);
    o.maxQueuedInputs = std::max<std::size_t>(o.maxQueuedInputs, 1);
}

} // namespace

LiveWorldStats AtomicStats::snapshot() const
{
    auto get = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    return { get(requests), get(responses), get(badRequests), get(rejected), get(timeouts504), get(wsOpened),
        get(wsMessagesIn), get(wsMessagesOut), get(calls) };
}

std::string endpointText(const tcp::endpoint& endpoint)
{
    return formatHostPort(endpoint.address().to_string(), endpoint.port());
}

uint64_t elapsedUs(Clock::time_point from, Clock::time_point to)
{
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
    return us > 0 ? uint64_t(us) : 1;
}

// --- Connection registry ------------------------------------------------------------------

Connection::Connection(IoCore& core)
    : m_core(core)
{
    m_slot = core.m_connections.size();
    core.m_connections.push_back(this);
}

Connection::~Connection()
{
    auto& list = m_core.m_connections;
    Connection* last = list.back();
    list[m_slot] = last;
    last->m_slot = m_slot;
    list.pop_back();
}

std::vector<std::shared_ptr<Connection>> IoCore::connections() const
{
    std::vector<std::shared_ptr<Connection>> out;
    out.reserve(m_connections.size());
    for (Connection* c : m_connections)
        out.push_back(c->shared_from_this());
    return out;
}

// --- lifetime -----------------------------------------------------------------------------

IoCore::IoCore(LiveWorldOptions options)
    : m_options(std::move(options))
    , m_ioc(std::make_unique<net::io_context>(1))
{
    sanitize(m_options);
    // A quarter of the shortest timeout, so that one fires at most 25% late.
    int shortest = std::min({ m_options.headerTimeoutMs, m_options.requestTimeoutMs, m_options.idleTimeoutMs });
    m_sweepEvery = milliseconds(std::clamp(shortest / 4, 5, 250));
}

IoCore::~IoCore()
{
    if (m_thread.joinable()) {
        m_ioc->stop();
        m_thread.join();
    }
    // Sessions close their sockets while the io_context still exists; the ones
    // kept alive only by handlers die with the context, last.
    m_pending.clear();
    m_webSockets.clear();
    m_calls.clear();
    m_listeners.clear();
    m_pausedWs.clear();
    m_expired.clear();
    m_timers.reset();
    m_sweepTimer.reset();
    m_stageTimer.reset();
    m_signals.reset();
    m_work.reset();
    m_ioc.reset();
}

void IoCore::ensureStarted()
{
    if (m_started.load(std::memory_order_acquire))
        return;
    std::lock_guard lock(m_startMutex);
    if (m_started.load(std::memory_order_relaxed))
        return;
    raiseFileLimit();
    m_work.emplace(net::make_work_guard(*m_ioc));
    m_timers = std::make_unique<TimerSet>(*this);
    m_sweepTimer = std::make_unique<net::steady_timer>(*m_ioc);
    m_stageTimer = std::make_unique<net::steady_timer>(*m_ioc);
    if (m_options.handleSignals) {
        m_signals = std::make_unique<net::signal_set>(*m_ioc, SIGINT, SIGTERM);
        armSignals();
    }
    refreshDate();
    armSweep();
    // Everything above happens before the thread starts: no race with it.
    m_thread = std::thread([this] { run(); });
    m_started.store(true, std::memory_order_release);
}

void IoCore::run()
{
    for (;;) {
        try {
            m_ioc->run();
            return;
        } catch (const std::exception& e) {
            log(std::string("I/O thread: ") + e.what());
        }
    }
}

void IoCore::log(const std::string& line) const
{
    if (m_options.log)
        m_options.log(line);
    else
        std::fprintf(stderr, "%s\n", line.c_str());
}

// --- engine thread ------------------------------------------------------------------------

std::expected<std::string, std::string> IoCore::listen(uint32_t server, bool websocket, const std::string& address)
{
    auto hostPort = parseHostPort(address);
    if (!hostPort)
        return std::unexpected("cannot listen on " + address + ": " + hostPort.error());
    auto fail = [&](const std::string& why) { return std::unexpected("cannot listen on " + address + ": " + why); };
    ensureStarted();
    if (m_shutdownRequested.load())
        return fail("shutting down");

    error_code ec;
    tcp::endpoint endpoint;
    auto ip = net::ip::make_address(hostPort->host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(ip, hostPort->port);
    } else {
        tcp::resolver resolver(*m_ioc);
        auto results = resolver.resolve(hostPort->host, std::to_string(hostPort->port),
            tcp::resolver::passive | tcp::resolver::numeric_service, ec);
        if (ec || results.empty())
            return fail("cannot resolve host '" + hostPort->host + "'");
        endpoint = results.begin()->endpoint();
    }
    // Bound here, on the engine thread, so the answer is the real address; the
    // I/O thread takes the acceptor over through the post below.
    tcp::acceptor acceptor(*m_ioc);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    tcp::endpoint bound = ec ? tcp::endpoint() : acceptor.local_endpoint(ec);
    if (ec)
        return fail(ec.message());
    std::string boundText = endpointText(bound);

    m_openServers.fetch_add(1);
    auto listener = std::make_shared<Listener>(*this, std::move(acceptor), server, websocket);
    net::post(*m_ioc, [this, listener] {
        if (shuttingDown()) {
            listener->close();
            m_openServers.fetch_sub(1);
            return;
        }
        m_listeners.push_back(listener);
        listener->accept();
    });
    log(std::string("listening on ") + (websocket ? "ws://" : "http://") + boundText);
    return boundText;
}

void IoCore::noteOutput(const engine::OutputEvent& event)
{
    if (event.kind == engine::OutputEvent::Kind::CallStart)
        m_pendingCalls.fetch_add(1);
    else if (event.kind == engine::OutputEvent::Kind::TimerStart)
        m_activeTimers.fetch_add(1);
}

void IoCore::handOver(std::vector<engine::OutputEvent>& outputs)
{
    if (outputs.empty())
        return;
    ensureStarted();
    bool post = false;
    {
        std::lock_guard lock(m_outMutex);
        if (m_outputs.empty()) {
            m_outputs.swap(outputs);
        } else {
            m_outputs.insert(
                m_outputs.end(), std::make_move_iterator(outputs.begin()), std::make_move_iterator(outputs.end()));
        }
        post = !m_drainPosted;
        m_drainPosted = true;
    }
    outputs.clear();
    if (post)
        net::post(*m_ioc, [this] { drainOutputs(); });
}

void IoCore::poll(std::vector<engine::InputEvent>& out, int waitMs)
{
    std::unique_lock lock(m_inMutex);
    if (m_inputs.empty() && waitMs > 0) {
        m_engineWaiting = true;
        m_inCv.wait_for(lock, milliseconds(waitMs), [this] { return !m_inputs.empty(); });
        m_engineWaiting = false;
    }
    std::size_t count = m_inputs.size();
    if (count > 0) {
        if (out.empty()) {
            out.swap(m_inputs); // hands the engine's spare capacity to the I/O side
        } else {
            out.insert(out.end(), std::make_move_iterator(m_inputs.begin()), std::make_move_iterator(m_inputs.end()));
            m_inputs.clear();
        }
        m_hasInput.store(false, std::memory_order_release);
        m_taken.fetch_add(count);
    }
    lock.unlock();
    if (m_wsPaused.load(std::memory_order_relaxed) && m_wsPaused.exchange(false))
        net::post(*m_ioc, [this] { resumeWsReads(); });
}

bool IoCore::active() const
{
    // Counters first: the I/O thread pushes an input before it lowers the counter
    // that stood for it, so one of the two checks sees it.
    if (m_openServers.load() > 0 || m_pendingCalls.load() > 0 || m_activeTimers.load() > 0 || m_draining.load())
        return true;
    return m_pushed.load() != m_taken.load();
}

void IoCore::requestShutdown()
{
    ensureStarted();
    bool again = m_shutdownRequested.exchange(true);
    if (!again)
        m_draining.store(true);
    net::post(*m_ioc, [this, again] { beginShutdown(again); });
}

// --- I/O thread: inputs -------------------------------------------------------------------

uint64_t IoCore::push(engine::InputEvent&& event)
{
    m_unpublished.push_back(std::move(event));
    uint64_t seq = m_pushed.fetch_add(1);
    if (!m_publishPosted) {
        m_publishPosted = true;
        net::post(*m_ioc, [this] { publish(); });
    }
    return seq;
}

void IoCore::publish()
{
    m_publishPosted = false;
    if (m_unpublished.empty())
        return;
    bool wake = false;
    {
        std::lock_guard lock(m_inMutex);
        if (m_inputs.empty()) {
            m_inputs.swap(m_unpublished);
        } else {
            m_inputs.insert(m_inputs.end(), std::make_move_iterator(m_unpublished.begin()),
                std::make_move_iterator(m_unpublished.end()));
        }
        m_hasInput.store(true, std::memory_order_release);
        wake = m_engineWaiting;
        m_engineWaiting = false; // one notify per sleep, however many batches follow
    }
    m_unpublished.clear();
    if (wake)
        m_inCv.notify_one();
}

bool IoCore::inputsFull() const
{
    return m_pushed.load(std::memory_order_relaxed) - m_taken.load(std::memory_order_relaxed)
        >= m_options.maxQueuedInputs;
}

void IoCore::pauseWsReads(std::shared_ptr<WsSession> session)
{
    m_pausedWs.push_back(std::move(session));
    m_wsPaused.store(true);
    // poll() may have emptied the queue between the session's check and the flag.
    if (!inputsFull() && m_wsPaused.exchange(false))
        net::post(*m_ioc, [this] { resumeWsReads(); });
}

void IoCore::resumeWsReads()
{
    auto paused = std::move(m_pausedWs);
    m_pausedWs.clear();
    for (auto& session : paused)
        session->resumeReads();
}

// --- I/O thread: outputs ------------------------------------------------------------------

void IoCore::drainOutputs()
{
    {
        std::lock_guard lock(m_outMutex);
        m_ioOutputs.swap(m_outputs);
        m_drainPosted = false;
    }
    for (auto& event : m_ioOutputs)
        dispatch(event);
    m_ioOutputs.clear();
}

void IoCore::dispatch(engine::OutputEvent& event)
{
    using Kind = engine::OutputEvent::Kind;
    switch (event.kind) {
    case Kind::Respond: {
        auto it = m_pending.find(event.id);
        if (it == m_pending.end())
            return; // answered already (504, shutdown) or never ours
        auto session = std::move(it->second);
        m_pending.erase(it);
        session->respond(std::move(event));
        return;
    }
    case Kind::WsSend:
    case Kind::WsClose: {
        auto it = m_webSockets.find(event.id);
        if (it == m_webSockets.end())
            return;
        auto session = it->second; // the session may drop the registry's reference
        if (event.kind == Kind::WsSend)
            session->send(std::move(event.body));
        else
            session->requestClose(boost::beast::websocket::close_code::normal);
        return;
    }
    case Kind::CallStart:
        startCall(event);
        return;
    case Kind::TimerStart:
        if (shuttingDown())
            timerEnded();
        else
            m_timers->start(event.id, event.ms, event.repeat);
        return;
    case Kind::TimerCancel:
        m_timers->cancel(event.id);
        return;
    }
}

void IoCore::startCall(engine::OutputEvent& event)
{
    auto refuse = [&](std::string why) {
        engine::InputEvent done;
        done.kind = engine::InputEvent::Kind::CallDone;
        done.id = event.id;
        done.body = std::move(why);
        push(std::move(done));
        m_pendingCalls.fetch_sub(1);
    };
    if (shuttingDown()) {
        refuse("shutting down");
        return;
    }
    if (m_calls.contains(event.id)) {
        refuse("call id " + std::to_string(event.id) + " is already in use");
        return;
    }
    bump(m_stats.calls);
    auto call = std::make_shared<Call>(*this, event.id);
    m_calls.emplace(event.id, call);
    call->start(event);
}

void IoCore::callFinished(uint64_t id)
{
    m_calls.erase(id);
    m_pendingCalls.fetch_sub(1);
}

// --- I/O thread: registries ---------------------------------------------------------------

void IoCore::requestDelivered(uint64_t id, std::shared_ptr<HttpSession> session)
{
    m_pending.emplace(id, std::move(session));
    ++m_inFlight;
}

void IoCore::requestFinished()
{
    --m_inFlight;
    if (m_stage == Stage::DrainingHttp)
        checkDrained();
}

void IoCore::wsOpened(uint64_t id, std::shared_ptr<WsSession> session)
{
    m_webSockets.emplace(id, std::move(session));
}

void IoCore::wsClosed(uint64_t id)
{
    m_webSockets.erase(id);
    if (m_stage == Stage::ClosingWs && m_webSockets.empty())
        halt();
}

// --- I/O thread: deadlines and signals ------------------------------------------------------

void IoCore::armSweep()
{
    m_sweepTimer->expires_after(m_sweepEvery);
    m_sweepTimer->async_wait([this](const error_code& ec) {
        if (ec)
            return;
        sweep();
        armSweep();
    });
}

void IoCore::refreshDate()
{
    using namespace std::chrono;
    int64_t second = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    if (second != m_httpDateSecond) {
        m_httpDateSecond = second;
        m_httpDate = detail::httpDate(second);
    }
}

void IoCore::sweep()
{
    // One timer for every connection: a request costs a store to m_deadline,
    // not a timer operation. Acting may destroy connections, so collect first.
    auto now = Clock::now();
    refreshDate();
    for (Connection* c : m_connections) {
        if (c->m_deadline <= now)
            m_expired.push_back(c->shared_from_this());
    }
    for (auto& c : m_expired) {
        if (c->m_deadline <= now)
            c->onDeadline(now);
    }
    m_expired.clear();
}

void IoCore::armSignals()
{
    m_signals->async_wait([this](const error_code& ec, int signal) {
        if (ec)
            return;
        log(std::string(signal == SIGINT ? "SIGINT" : "SIGTERM") + ": shutting down");
        bool again = m_shutdownRequested.exchange(true);
        if (!again)
            m_draining.store(true);
        beginShutdown(again);
        armSignals();
    });
}

} // namespace aeroflow::io::detail
