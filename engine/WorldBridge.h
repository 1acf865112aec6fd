#pragma once
// Engine-internal: the scheduler's side of the outside world (Outside.h).
// It owns what the run knows about the world — the servers it opened and the
// actors that handle them, open requests, WebSocket connections, outbound
// calls in flight, real-time timers and their messages — and turns inputs into
// deliveries and builtins (serve, respond, ws.send, http.get, every, now,
// fs.read, …) into outputs and recorded effects.
//
// Everything here is a function of the recorded inputs: ids of servers, calls
// and timers come from counters of the run; request and connection ids come
// with the inputs. Tables are ordered maps, so nothing depends on addresses
// or on hash order. Single-threaded: runs on the scheduler's thread.

#include "Outside.h"
#include "Value.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace aeroflow::engine {

class Scheduler;
struct ActorRecord;
class ByteWriter;
class ByteReader;

class WorldBridge {
public:
    explicit WorldBridge(Scheduler& scheduler);
    ~WorldBridge();
    WorldBridge(const WorldBridge&) = delete;
    WorldBridge& operator=(const WorldBridge&) = delete;

    // --- builtins (inside a handler or the main program; throw RuntimeError) ----
    /// net.http.serve / net.ws.serve: opens a server handled by actor `handler`;
    /// returns the bound "HOST:PORT".
    Value serve(const Value& address, const Value& handler, bool websocket);
    /// respond(req, status, body[, headers]).
    void respond(const Value* args, uint32_t count);
    void wsSend(const Value& conn, const Value& text);
    void wsClose(const Value& conn);
    /// http.get(url[, headers]) / http.post(url, body[, headers]). In an actor:
    /// starts the call and returns its id (the answer arrives as
    /// HttpResponse(call, result)); true with `out` set. In the main program:
    /// true with `out` = the result once it has arrived, false while it is
    /// on its way (the main program then suspends and runs the call again).
    bool call(bool post, const Value* args, uint32_t count, Value& out);
    Value now();
    /// every(ms, actor, message) / after_ms(ms, actor, message): the timer id.
    Value startTimer(const Value* args, bool repeat);
    Value cancelTimer(const Value& id);
    Value readFile(const Value& path);
    Value writeFile(const Value& path, const Value& text);

    // --- the scheduler's loop -----------------------------------------------------
    /// A live world is attached (RunOptions::world).
    bool attached() const { return m_port != nullptr; }
    /// Takes the inputs that have arrived, without waiting, and injects them.
    void pump();
    /// Nothing is queued: waits (in slices, telling the observer it is idle)
    /// until an input arrives or the world can send nothing more. True when
    /// something was injected.
    bool waitForInput();
    /// After a delivery: hands the outputs over at the end of a tick (or
    /// when many are waiting), so responses of one tick leave together.
    void afterDelivery(bool endOfTick);
    bool unflushed() const { return m_unflushed > 0; }
    /// Stamps one input at the next tick, records it and queues the
    /// delivery it causes (if any). Replay calls it with recorded inputs.
    void inject(const InputEvent& event);
    /// The world asked the run to end (a Halt input).
    bool halted() const { return m_halted; }
    /// A server was opened: the run serves (no default message limit).
    bool serving() const { return !m_servers.empty(); }
    /// The main program waits in http.get / http.post.
    bool mainWaiting() const { return m_mainCall != 0; }
    /// A delivery from outside to the main program: the result of the call
    /// it waits for. False when it waits for none.
    bool takeMainResult(Value payload);
    /// Actor `actor` crashed while handling a message with `args`: every open
    /// request found in them or in its state gets 500.
    void actorCrashed(const ActorRecord& actor, std::span<const Value> args);
    /// After actor `actor` crashed (outside its handler's context): a server
    /// handled by it gets a fresh actor of the same type, so one bad request
    /// never takes the service down. Told with a warning.
    void restartHandler(uint32_t actor);
    /// A restored run meets a live world (Scheduler::reopenWorld). Empty, or
    /// why a server could not listen again.
    std::string reopen();
    /// The run ends: open requests get 503 and outputs are flushed. Values
    /// are released under the run's heap account.
    void finish();

    // --- snapshots (SnapshotIo) -------------------------------------------------
    bool empty() const;
    /// Values to add to the snapshot's object table, in a fixed order.
    std::vector<const Value*> roots() const;
    friend class SnapshotIo;

private:
    struct Server {
        uint32_t actor = 0;
        bool websocket = false;
        std::string address;
    };
    struct Timer {
        uint32_t actor = 0;
        Value message;
        uint64_t ms = 0;
        bool repeat = false;
    };

    OutsideWorld& port(const char* what);
    void send(OutputEvent event);
    void enqueue(uint32_t receiver, Value payload);
    /// Message `name` with `args` for `actor`, if its type handles it.
    bool deliverNamed(uint32_t actor, const char* name, std::vector<Value> args);
    void answer(uint64_t request, int32_t status, std::string body, Fields headers = {});
    Value requestValue(const InputEvent& e);
    Value callResult(const InputEvent& e);
    uint32_t handlerActor(const Value& handler, const char* what, const char* message, uint32_t arity);
    void injectRequest(const InputEvent& e);
    void injectWs(const InputEvent& e);
    void injectCallDone(const InputEvent& e);
    void injectTimer(const InputEvent& e);
    void findRequests(const Value& v, std::vector<uint64_t>& out, int depth, size_t& budget) const;

    Scheduler& m_s;
    OutsideWorld* m_port = nullptr;
    std::vector<InputEvent> m_inbox;        ///< reused by pump()/waitForInput()
    std::map<uint32_t, Server> m_servers;   ///< by server id (1, 2, ...)
    std::map<uint64_t, uint32_t> m_requests; ///< open request id -> server
    std::map<uint64_t, uint32_t> m_connections; ///< WebSocket connection id -> server
    std::map<uint64_t, uint32_t> m_calls;   ///< call id -> calling actor (0: main)
    std::map<uint64_t, Timer> m_timers;     ///< by timer id
    uint32_t m_nextServer = 1;
    uint64_t m_nextCall = 1, m_nextTimer = 1;
    uint64_t m_mainCall = 0;                ///< the call main waits for (0: none)
    Value m_mainResult;                     ///< its result, once delivered
    bool m_mainResultReady = false;
    bool m_shuttingDown = false;
    bool m_halted = false;
    uint32_t m_unflushed = 0;               ///< outputs sent since the last flush
};

} // namespace aeroflow::engine
