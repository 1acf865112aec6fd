#pragma once
// The Deterministic Actor Scheduler (DAS): runs a compiled Program. It owns
// the actors, the one message queue ordered by (logical time, receiver id,
// sender id, sender's sequence number), the main program's suspended frame
// while it waits in recv(), and the interpreter (Vm).
//
// Actor ids: the main program is actor 0; spawned actors get 1, 2, ... in
// spawn order. A run is a pure function of (program, seed, recorded inputs):
// nothing here reads a clock, an address or an unordered container's order.
// Single-threaded: one Scheduler runs on the thread that calls run().

#include "Outside.h"
#include "Random.h"
#include "Value.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::engine {

class Vm;
struct Fiber;
class RunObserver;
class StatementObserver;
class NativeCode;
class WorldBridge;

/// Limits and inputs of one run. Every limit crashes the offending actor (or
/// ends the run when it is the main program) with a clear runtime error.
struct RunOptions {
    uint64_t seed = 0;
    uint64_t maxMessages = 1'000'000;  ///< deliveries before the run is cut off
    uint64_t fuel = 100'000'000;       ///< instructions per handler / main segment
    uint32_t maxCallDepth = 2'000;     ///< frames on one stack
    int64_t memoryLimit = 256ll << 20; ///< bytes of heap per actor, including the actors it
                                       ///< spawned (while alive) and its messages still queued
    uint32_t maxActors = 2'000'000;    ///< live actors in the whole run (main included)
    /// The effect boundary for outside input (env(), read_line()). The
    /// defaults read nothing; the CLI installs real ones. Every answer is
    /// recorded in RunStats::effects.
    std::function<std::optional<std::string>(std::string_view name)> env;
    std::function<std::optional<std::string>()> readLine;
    /// Keep the delivery log (RunStats::deliveries), for tests and tools.
    bool recordDeliveries = false;
    /// Told about every spawn, delivery, output, crash and effect, in run
    /// order, on the engine's thread (the debugger's recorder, the Studio).
    /// Not owned; must outlive the run.
    RunObserver* observer = nullptr;
    /// Told each time execution reaches a statement (StatementEvent). Off by
    /// default: the interpreter then runs its unobserved copy, with no check
    /// at all. Not owned; Scheduler::setStatementObserver() changes it
    /// between steps.
    StatementObserver* statementObserver = nullptr;
    /// Native code for some functions (the JIT, `aeroflow run --jit`;
    /// NativeCode.h); null runs everything on the interpreter. Ignored while
    /// a statementObserver is installed. Not owned; must outlive the run.
    const NativeCode* native = nullptr;
    /// The outside world (Outside.h): servers, outbound calls, real-time
    /// timers, the wall clock and files. Null: those builtins are runtime
    /// errors. When set, the run also waits for inputs while the world is
    /// active instead of ending when no message is queued. Not owned.
    OutsideWorld* world = nullptr;
    /// A program that opens a server serves until it is stopped: its run has
    /// no message limit unless one was asked for (`--max-messages`).
    bool servingLiftsMessageLimit = true;
};

/// World: something the program sent to the outside world (a response, a
/// WebSocket frame, a call, a timer), as encodeOutput() bytes. Observers see
/// it (the recorder stores it, replay verification compares it); the run's
/// OutputFn never does.
enum class Stream : uint8_t { Output, Error, Warning, World };
/// Receives program output (whole lines, with their '\n') and diagnostics.
using OutputFn = std::function<void(Stream, std::string_view text)>;

struct Delivery {
    uint64_t time;
    uint32_t receiver, sender;
    uint64_t seq;
    std::string message; ///< printed form of the message (or the emitted value, for main)
};

struct RunStats {
    int exitCode = 0;              ///< 0, or 1 when the main program failed / the run was cut off
    uint64_t messagesDelivered = 0;
    uint64_t finalTime = 0;
    uint32_t actorsSpawned = 0;
    uint32_t crashes = 0;
    std::vector<std::string> warnings;
    std::vector<std::pair<std::string, std::string>> effects; ///< (kind, recorded value)
    std::vector<Delivery> deliveries;                        ///< when recordDeliveries
};

/// Sender id of messages that come from outside the program (UI events
/// injected with Scheduler::injectMessage()).
inline constexpr uint32_t kOutsideSender = 0xFFFFFFFFu;
/// Longest delay of after() (2^48 ticks), and the last logical time a message
/// may be stamped with (2^62): far beyond any real run, far from overflowing.
inline constexpr uint64_t kMaxDelay = uint64_t(1) << 48;
inline constexpr uint64_t kMaxTime = uint64_t(1) << 62;

/// One delivery as an observer sees it, after the receiver handled it.
struct DeliveryEvent {
    uint64_t seq = 0;         ///< 1-based index of this delivery in the run (a trace's message id)
    uint64_t time = 0;        ///< logical time (the "tick")
    uint32_t sender = 0, receiver = 0;
    uint64_t senderSeq = 0;   ///< the sender's own sequence number
    uint64_t causeSeq = 0;    ///< delivery whose handler sent it; 0 = top-level main code or outside
    int32_t message = -1;     ///< message type id; -1 for a value emitted to the main program
    const Value* payload = nullptr; ///< the message (or the emitted value), valid during the call
    /// DeadLetter: the receiver had stopped (or the message was an answer
    /// to an ask that had already timed out); nothing ran.
    enum class Outcome : uint8_t { Handled, Dropped, Crashed, DeadLetter } outcome = Outcome::Handled;
    uint64_t stateHash = 0;   ///< the receiver's state hash after handling (Scheduler::stateHash)
};

/// Receives the events of a run. Every callback runs on the engine thread in
/// run order; `seq` is the delivery being handled (0 while top-level main
/// code runs before the first delivery).
class RunObserver {
public:
    virtual ~RunObserver() = default;
    virtual void onSpawn(uint64_t /*seq*/, uint32_t /*actor*/, uint32_t /*type*/, uint32_t /*parent*/) {}
    virtual void onDelivered(const DeliveryEvent& /*event*/) {}
    virtual void onOutput(uint64_t /*seq*/, Stream /*stream*/, std::string_view /*text*/) {}
    virtual void onCrash(uint64_t /*seq*/, uint32_t /*actor*/, std::string_view /*error*/) {}
    virtual void onEffect(uint64_t /*seq*/, std::string_view /*kind*/, std::string_view /*value*/) {}
    virtual void onStopped(uint64_t /*seq*/, uint32_t /*actor*/) {}
    /// An input from outside (the effect just reported) queued a message
    /// whose DeliveryEvent will carry sender kOutsideSender and senderSeq
    /// `outsideSeq`: lets a recorder link the delivery to its input.
    virtual void onOutsideQueued(uint64_t /*seq*/, uint64_t /*outsideSeq*/) {}
    /// The run waits for input from the outside world (told at least every
    /// 50 ms while it waits): a moment to flush buffers.
    virtual void onIdle() {}
};

struct ActorRecord;
class Scheduler;

/// Execution reached a statement: the first instruction of a source line (a
/// line-table entry whose line differs from the entry before it in code
/// order), about to run it (its fuel already charged). Every pointer and span
/// is valid during the call only.
struct StatementEvent {
    uint64_t seq = 0;        ///< the delivery being handled (0: main's top-level code)
    uint32_t actor = 0;      ///< the running actor (a spawn's initialiser runs in the new one)
    uint32_t function = 0;   ///< Program::functions index
    uint32_t pc = 0;         ///< the instruction about to run
    uint32_t line = 0, col = 0;
    /// Frames on the stack, nested runs (a spawn's initialiser, a render)
    /// counted on top of the frames that started them: 1 is a handler's own
    /// frame (or the top level of main).
    uint32_t depth = 0;
    std::span<const Value> registers; ///< the frame's R[0, numRegs): Function::locals names them by pc
    std::span<const Value> captures;  ///< the running closure's values (Function::captures names them)
    const ActorRecord* actorRecord = nullptr; ///< the running actor's state
    const Scheduler* scheduler = nullptr;     ///< for globals() and names
};

/// Receives StatementEvents on the engine thread (RunOptions::statementObserver).
/// Must not throw, run program code or change the run: it only looks.
class StatementObserver {
public:
    virtual ~StatementObserver() = default;
    virtual void onStatement(const StatementEvent& event) = 0;
};

/// Spawned by nobody (the main program), or unknown (restored from an image
/// that predates ActorRecord::parent).
inline constexpr uint32_t kNoParent = 0xFFFFFFFFu;

/// Supervision and request/reply bookkeeping of one actor (Supervision.cpp),
/// made the first time the actor takes part in either. Every list keeps
/// insertion order (notices go out in that order) and holds an id once.
struct ActorTies {
    std::vector<uint32_t> watchers;     ///< actors that monitor() this one
    std::vector<uint32_t> links;        ///< actors link()ed with this one
    uint32_t supervisor = kNoParent;    ///< who restarts it after a crash
    std::vector<uint32_t> children;     ///< actors it supervises
    enum class Strategy : uint8_t { OneForOne, OneForAll } strategy = Strategy::OneForOne;
    uint32_t maxRestarts = 3;           ///< restarts allowed within `window` ticks
    uint64_t window = 100;
    std::vector<uint64_t> restarts;     ///< ticks of its recent restarts (as a supervisor)
    uint64_t lastAsk = 0;               ///< the last ask id handed out (ids count from 1)
    std::map<uint64_t, uint32_t> asks;  ///< pending asks: id -> the actor asked
    /// A crash that reached it through a link while its own handler was
    /// running: it crashes when that handler returns. Never outlives a delivery.
    std::string pendingCrash;
    bool empty() const
    {
        return watchers.empty() && links.empty() && supervisor == kNoParent && children.empty() &&
               strategy == Strategy::OneForOne && maxRestarts == 3 && window == 100 && restarts.empty() &&
               lastAsk == 0 && asks.empty() && pendingCrash.empty();
    }
};

/// One actor (id 0 is the main program, type -1).
struct ActorRecord {
    uint32_t id = 0;
    int32_t type = -1;
    /// Whose spawn() made it: that actor's memory account carries this
    /// record (Scheduler::actorCost) while the actor is alive.
    uint32_t parent = kNoParent;
    // The flags sit in the padding after the ids: a record's size is what
    // every live actor costs its spawner (Scheduler::actorCost).
    bool alive = true;
    bool stopRequested = false; ///< stop() was called; gone when the handler returns
    bool hasRendered = false;
    std::vector<Value> state;
    Random rng;
    uint64_t nextSeq = 0;   ///< the sender's own sequence counter
    std::string lastRender; ///< last UI tree shown (screens)
    std::unique_ptr<ActorTies> ties; ///< null until it monitors, links, supervises or asks
};

class Scheduler {
public:
    Scheduler(std::shared_ptr<const compiler::Program> program, RunOptions options, OutputFn output);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    /// Runs the main program and every message until nothing is pending:
    /// start(), step() until it returns false, finish().
    RunStats run();

    // --- stepping (debugger, Studio) ------------------------------------------
    /// Runs the top-level code of the main program (time 0) up to its end or
    /// its first recv() that must wait.
    void start();
    /// Delivers the next message. False when the run is over (nothing
    /// pending, the main program failed, or the message limit was reached);
    /// then finish() reports why.
    bool step();
    /// True once step() has returned false (or start() failed).
    bool over() const { return m_over; }
    /// Logical time of the next pending message, if any.
    std::optional<uint64_t> nextTime() const;
    /// Deliveries so far (the seq of the last one).
    uint64_t delivered() const { return m_stats.messagesDelivered; }
    /// Ends the run: reports a deadlock if main still waits, releases every
    /// value and returns the stats. The scheduler cannot step afterwards.
    RunStats finish();
    /// A message from outside (a UI event): queued for `actor` at now + 1
    /// from kOutsideSender and reported to the observer as effect "ui_event".
    /// False when the actor does not exist, has stopped, or `message` is not
    /// a message value.
    bool injectMessage(uint32_t actor, const Value& message);
    /// Typing into a screen's `Input { bind: field }` (a UI input): sets state
    /// field `field` of `actor` to the string `text` now, between deliveries,
    /// and reports effect "ui_input" with value `ACTOR FIELD TEXT`. Replay
    /// applies it again after the same delivery. False when the actor does
    /// not exist, has stopped or has no such field.
    bool injectInput(uint32_t actor, const std::string& field, const std::string& text);
    /// Installs (or, with nullptr, removes) the statement observer. Takes
    /// effect when the interpreter next starts or resumes a fiber: call it
    /// between steps. Not owned.
    void setStatementObserver(StatementObserver* observer) { m_options.statementObserver = observer; }
    /// Installs native code between steps (RunOptions::native; null = interpret).
    /// Results do not change, only speed (`aeroflow resume --jit`).
    void setNative(const NativeCode* native) { m_options.native = native; }
    /// The delivery being handled (0 while main's top-level code runs).
    uint64_t currentSeq() const { return m_currentSeq; }
    /// An input from the outside world (Outside.h), stamped at the next tick
    /// and recorded: what a live world's inputs go through, and what replay
    /// calls with recorded ones at the same positions (between steps).
    void injectOutside(const InputEvent& event);
    /// After restoring a snapshot with a live world (`aeroflow resume`): the
    /// run's servers listen again on their addresses and its timers are
    /// armed again; connections, calls and requests of the snapshot are gone
    /// (each connection gets Closed, each call an Err). Empty, or the error.
    std::string reopenWorld();

    // --- inspection -------------------------------------------------------------
    size_t actorCount() const { return m_actors.size(); }
    const ActorRecord& actor(uint32_t id) const { return *m_actors[id]; }
    /// "main" or "Counter#2".
    std::string actorName(uint32_t id) const;
    /// Structural hash of an actor's state (the main program's: its globals).
    /// Deterministic: independent of addresses and sharing.
    uint64_t stateHash(uint32_t id) const;
    const std::vector<Value>& globals() const { return m_globals; }
    std::shared_ptr<const compiler::Program> programPtr() const { return m_program; }

    // --- services for the Vm (engine-internal) --------------------------------
    const compiler::Program& program() const { return *m_program; }
    const RunOptions& options() const { return m_options; }
    uint64_t now() const { return m_now; }
    /// Global slot (main program variables; actors read the `let` ones).
    Value& global(uint32_t slot);
    ActorRecord& currentActor() { return *m_actors[m_ctx.back().actor]; }
    bool inMain() const { return m_ctx.back().actor == 0; }
    Value spawn(uint32_t type);
    void send(const Value& target, const Value& message, int64_t delay);
    // Supervision and request/reply (Supervision.cpp).
    void monitor(const Value& target);
    void link(const Value& target);
    /// supervise(child) or supervise(child, strategy, maxRestarts, window):
    /// `strategy` is null for the one-argument form. Returns the child.
    Value supervise(const Value& child, const Value* strategy, int64_t maxRestarts, int64_t window);
    /// Sends `message` to `target` as a request; returns the request id.
    Value ask(const Value& target, const Value& message, int64_t timeout);
    void emit(const Value& value);
    void stopCurrent();
    /// Pops the next value emitted to the main program, if one has arrived.
    bool takeMainInbox(Value& out);
    void output(std::string text);
    /// An engine warning (stderr, RunStats::warnings, the observer). Warnings
    /// of one `kind` (default: the text itself) are shown kWarningsShown times;
    /// the rest are counted and summed up when the run ends ("... and 1234567
    /// more like it"), so a storm of them costs neither memory nor output.
    void warn(std::string text, std::string_view kind = {});
    static constexpr uint64_t kWarningsShown = 100;
    std::optional<std::string> env(std::string_view name);
    std::optional<std::string> readLine();
    /// "FILE:LINE:COL" of a function's instruction.
    std::string where(uint32_t function, uint32_t pc) const;
    /// Servers, calls, timers, clock and files (WorldBridge.h).
    WorldBridge& world() { return *m_world; }

private:
    friend class SnapshotIo;
    friend class WorldBridge;
    struct Envelope {
        uint64_t time;
        uint32_t receiver, sender;
        uint64_t seq;
        Value payload;       ///< a message, or the emitted value for the main program
        uint64_t cause = 0;  ///< delivery seq whose handler sent it
        /// Request: sent by ask(); Answer: the answer(id, result) to one;
        /// Timeout: the asker's own answer(id, Err("timeout")), void once answered.
        enum class Kind : uint8_t { Plain, Request, Answer, Timeout };
        // One word for both (an envelope is 56 bytes; the queue moves them).
        uint64_t ask : 62 = 0;      ///< the ask id (Request, Answer, Timeout)
        uint64_t kindBits : 2 = 0;  ///< a Kind
        Kind kind() const { return Kind(kindBits); }
        // Inline: the queue's heap compares on every sift.
        bool operator>(const Envelope& o) const
        {
            if (time != o.time)
                return time > o.time;
            if (receiver != o.receiver)
                return receiver > o.receiver;
            if (sender != o.sender)
                return sender > o.sender;
            return seq > o.seq;
        }
    };
    /// The pending messages. A std::priority_queue to SnapshotIo (which reads
    /// the container `c` as the set of pending envelopes, in any order, and
    /// push()es when restoring), but ordered by tick: nearly every message is
    /// stamped now + 1, so the envelopes of the earliest tick are gathered and
    /// sorted once (the "batch", kept at the front of `c`, descending, so the
    /// next one is c[batch - 1]); push() appends after it in O(1); pop() refills
    /// the hole with the last element. Falls back to a binary heap for good
    /// when gathering keeps scanning far more envelopes than it delivers
    /// (many timers far ahead): never worse than a heap by more than a
    /// constant factor. Delivery order is the same strict key order either way.
    class EventQueue : public std::priority_queue<Envelope, std::vector<Envelope>, std::greater<Envelope>> {
    public:
        bool empty() const { return c.empty(); }
        size_t size() const { return c.size(); }
        void push(Envelope&& e);
        /// The next envelope (gathers the next tick's batch when needed).
        Envelope& top();
        const Envelope& top() const = delete; // the base's would read c.front()
        template <class... A>
        void emplace(A&&...) = delete;
        void pop();
        void clear();

    private:
        void gather();
        size_t m_batch = 0;         ///< c[0, m_batch): the current tick, sorted descending
        uint64_t m_batchTime = 0;
        bool m_heap = false;        ///< fallen back to a binary heap over c
        uint64_t m_scanned = 0, m_popped = 0;
    };
    struct Context {
        uint32_t actor;
        std::optional<uint32_t> replyTo; ///< sender of the message being handled
        uint64_t ask = 0; ///< the ask that message is, until emit() answers it
    };
    class ContextGuard;

    void enqueue(uint32_t receiver, uint64_t time, Value payload, Envelope::Kind kind = Envelope::Kind::Plain,
                 uint64_t ask = 0);
    // --- supervision (Supervision.cpp) ---------------------------------------------
    ActorTies& ties(ActorRecord& a);
    /// Queues `payload` (already made in `to`'s account) from actor `from` at
    /// now + 1, outside any handler of `from` (notices, answers of the engine).
    void post(uint32_t from, uint32_t to, Value payload, Envelope::Kind kind = Envelope::Kind::Plain, uint64_t ask = 0);
    /// The message `message`(first, text) (text as Err(text) when `error`)
    /// made in `owner`'s account; nothing (and a warning) when it cannot be.
    std::optional<Value> notice(uint32_t owner, int32_t message, Value first, const std::string& text, bool error);
    /// Answers ask `ask` of `asker` with Err(text), from actor `from`.
    void failAsk(uint32_t from, uint32_t asker, uint64_t ask, const std::string& text);
    /// What follows a crash: links, then a restart or the actor's end.
    void afterCrash(ActorRecord& actor, const std::string& reason);
    /// The actor is gone for good (stop(), a crash nobody restarts, its
    /// supervisor's end): retire it, shut down its children, tell watchers.
    void actorGone(ActorRecord& actor, const std::string& reason);
    /// Fresh state for a supervised actor (its initialiser runs again).
    void restart(ActorRecord& actor);
    /// Runs the actor's state initialisers in its own context (a crash there
    /// is the actor's crash).
    void runInitialiser(ActorRecord& actor);
    bool onStack(uint32_t actor) const;
    /// The next envelope is a Timeout whose ask was answered: drop it unseen.
    void dropVoidTimeouts();
    uint32_t actorArgument(const Value& target, const char* what) const;
    void requireHandler(const ActorRecord& a, int32_t message, const char* what, const char* handler) const;
    /// Crashes waiting to be handled (a crash can cause more through links
    /// and supervisors); handled one at a time, in order, by the first crash().
    std::vector<std::pair<uint32_t, std::string>> m_crashQueue;
    bool m_crashing = false;
    int32_t m_downMessage = -1, m_answerMessage = -1;
    /// Bytes an actor's record costs its spawner while it is alive.
    int64_t actorCost(const ActorRecord& a) const;
    /// Bytes a queued message costs its sender until it is delivered.
    static int64_t queuedCost(const Value& payload);
    /// The actor stopped or crashed: its record stops costing its spawner.
    void retire(ActorRecord& actor);
    /// Adds `bytes` to actor `who`'s account, or fails with the running
    /// actor's memory error when that would pass the limit (`what` says why).
    void charge(uint32_t who, int64_t bytes, const char* what);
    // --- for WorldBridge ---------------------------------------------------------
    /// Queues `payload` (already charged to `receiver`) from outside at now + 1.
    void enqueueOutside(uint32_t receiver, Value payload);
    /// A deep copy of `v` charged to actor `owner`. With `message` (a
    /// message sent or replied), a function in `v` is a runtime error.
    Value copyFor(uint32_t owner, const Value& v, bool message = false);
    /// Charges allocations to `actor` until the guard goes out of scope.
    class ChargeGuard {
    public:
        ChargeGuard(Scheduler& s, uint32_t actor) : m_s(s), m_saved(s.m_heap.current) { s.m_heap.current = actor; }
        ~ChargeGuard() { m_s.m_heap.current = m_saved; }
    private:
        Scheduler& m_s;
        uint32_t m_saved;
    };
    ChargeGuard chargeTo(uint32_t actor) { return ChargeGuard(*this, actor); }
    /// Effects of the world go to the observer only (a serving run would
    /// otherwise keep every one of them in RunStats::effects).
    void recordWorldEffect(std::string_view kind, std::string_view value);
    void recordWorldInput(std::string_view kind, std::string_view bytes) { recordWorldEffect(kind, bytes); }
    void reportWorldOutput(std::string_view bytes);
    void reportIdle();
    void noteServing();
    void emitText(Stream stream, std::string_view text);
    void recordEffect(std::string kind, std::string value);
    void deliver(Envelope env);
    /// `message` is the full text (with location); `reason` the short one
    /// a Down notice or a failed ask carries.
    void crash(ActorRecord& actor, const std::string& message, const std::string& reason);
    void renderScreen(ActorRecord& actor);
    bool runMain(); ///< false when main failed
    std::string actorLabel(uint32_t id) const;

    std::shared_ptr<const compiler::Program> m_program;
    RunOptions m_options;
    OutputFn m_output;
    std::unique_ptr<Vm> m_vm;
    std::unique_ptr<WorldBridge> m_world;
    HeapAccount m_heap;
    HeapAccount* m_savedHeap = nullptr;
    std::vector<std::unique_ptr<ActorRecord>> m_actors;
    EventQueue m_queue;
    std::vector<Context> m_ctx;
    std::unique_ptr<Fiber> m_mainFiber;
    std::vector<Value> m_globals;
    std::vector<Value> m_mainInbox; ///< values delivered to main, not yet taken
    uint64_t m_now = 0;
    bool m_mainDone = false;
    bool m_failed = false;
    bool m_started = false;
    bool m_over = false;
    bool m_serving = false;    ///< a server was opened (RunOptions::servingLiftsMessageLimit)
    uint32_t m_liveActors = 1; ///< alive actors, main included (RunOptions::maxActors)
    /// Repeated warnings: how many of each kind were printed and held back
    /// (after kWarningsShown of one kind, the rest are counted and summed up).
    std::map<std::string, uint64_t> m_warningCounts;
    uint64_t m_warningsHeld = 0;
    void flushHeldWarnings();
    uint64_t m_currentSeq = 0; ///< delivery being handled (0: top-level code)
    uint64_t m_outsideSeq = 0; ///< sequence of messages from outside (UI events)
    RunStats m_stats;
    /// Lookups done once per program rather than per message: the id of the
    /// message `reply` (-1: none) and, per (actor type, message id), the
    /// handler function or -1 (empty when the table would be too large;
    /// then ActorType::handlerFor is asked).
    int32_t m_replyMessage = -1;
    std::vector<int32_t> m_handlerTable;
    int32_t handlerOf(int32_t actorType, uint32_t message) const;
};

/// Compiles nothing: runs an already compiled program and returns its stats.
RunStats runProgram(std::shared_ptr<const compiler::Program> program, RunOptions options, OutputFn output);

} // namespace aeroflow::engine
