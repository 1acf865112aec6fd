// The scheduler's side of the outside world (see WorldBridge.h).

#include "WorldBridge.h"

#include "MapKey.h"

#include "Json.h"
#include "Ops.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Scheduler.h"

#include <algorithm>
#include <cctype>

namespace aeroflow::engine {

namespace {

constexpr size_t kMaxTimers = 65536;    ///< armed at once, per run
constexpr size_t kMaxCalls = 65536;     ///< outbound calls in flight, per run
constexpr uint64_t kMaxTimerMs = uint64_t(1) << 31; ///< ~24.8 days
constexpr uint32_t kOutputsPerFlush = 256; ///< hand over at least this often within a long tick
constexpr int kWaitSliceMs = 50;        ///< the observer hears "idle" at least this often

const std::string& needString(const Value& v, const char* what)
{
    if (!v.isString())
        fail(std::string(what) + " needs a string, found " + describeType(v));
    return asString(v).text;
}

int64_t needInt(const Value& v, const char* what)
{
    if (!v.isInt())
        fail(std::string(what) + " needs an int, found " + describeType(v));
    return v.asInt();
}

/// A map of strings from fields; a repeated name keeps the first position
/// and joins the values with ", " (RFC 9110 5.3), except in queries, where
/// the last value wins.
Value fieldsMap(const Fields& fields, bool join)
{
    Value m = makeMap();
    MapObj& map = mutableMap(m);
    for (const auto& [k, v] : fields) {
        // Names from outside may hold any bytes: stored as string keys (MapKey).
        const MapKey key{std::string_view(k)};
        const int64_t at = map.find(key.bytes());
        if (at >= 0 && join)
            map.entries[size_t(at)].second = makeString(asString(map.entries[size_t(at)].second).text + ", " + v);
        else
            map.set(key.bytes(), makeString(v));
    }
    map.recharge();
    return m;
}

/// Fields from a map of the program's (header values printed with str()).
Fields fieldsOf(const Value& v, const char* what, const compiler::Program* program)
{
    Fields out;
    if (v.isNil())
        return out;
    if (v.type() != ValueType::Map)
        fail(std::string(what) + " needs a map of header names to values, found " + describeType(v));
    for (const auto& [k, value] : asMap(v).entries) {
        if (!mapKeyIsText(k))
            fail(std::string(what) + ": header name " + describeMapKey(k) + " is not a string");
        std::string text = value.isString() ? asString(value).text : toDisplay(value, program);
        for (char c : k)
            if (c == '\r' || c == '\n' || c == ':' || c == '\0')
                fail(std::string(what) + ": header name '" + k + "' is not a valid header name");
        for (char c : text)
            if (c == '\r' || c == '\n' || c == '\0')
                fail(std::string(what) + ": the value of header '" + k + "' holds a line break");
        out.emplace_back(k, std::move(text));
    }
    return out;
}

std::string lower(std::string s)
{
    for (char& c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

WorldBridge::WorldBridge(Scheduler& scheduler) : m_s(scheduler), m_port(scheduler.options().world) {}

WorldBridge::~WorldBridge() = default;

OutsideWorld& WorldBridge::port(const char* what)
{
    if (!m_port)
        fail(std::string(what) + " needs the outside world, which this run does not have (`aeroflow run` "
                                 "provides it; tests, built programs and snapshots resumed without it do not)");
    return *m_port;
}

void WorldBridge::send(OutputEvent event)
{
    m_s.reportWorldOutput(encodeOutput(event));
    if (m_port) {
        m_port->send(std::move(event));
        ++m_unflushed;
    }
}

void WorldBridge::enqueue(uint32_t receiver, Value payload)
{
    m_s.enqueueOutside(receiver, std::move(payload));
}

bool WorldBridge::deliverNamed(uint32_t actor, const char* name, std::vector<Value> args)
{
    if (actor >= m_s.m_actors.size() || !m_s.m_actors[actor]->alive)
        return false;
    const int32_t id = m_s.program().findMessage(name);
    const ActorRecord& a = *m_s.m_actors[actor];
    if (id < 0 || a.type < 0 || m_s.handlerOf(a.type, uint32_t(id)) < 0)
        return false;
    // The handler takes as many arguments as its message declares; extra
    // information is offered only to handlers that ask for it.
    args.resize(m_s.program().messages[size_t(id)].arity);
    enqueue(actor, makeMessage(uint32_t(id), std::move(args)));
    return true;
}

uint32_t WorldBridge::handlerActor(const Value& handler, const char* what, const char* message, uint32_t arity)
{
    if (handler.type() != ValueType::Actor)
        fail(std::string(what) + " needs an actor reference as its handler, found " + describeType(handler));
    const uint32_t id = handler.actorId();
    if (id == 0 || id >= m_s.m_actors.size() || !m_s.m_actors[id]->alive)
        fail(std::string(what) + ": the handler actor has stopped");
    const ActorRecord& a = *m_s.m_actors[id];
    const int32_t msg = m_s.program().findMessage(message);
    const auto& type = m_s.program().actors[size_t(a.type)];
    if (msg < 0 || m_s.handlerOf(a.type, uint32_t(msg)) < 0)
        fail(std::string(what) + ": actor " + type.name + " has no handler 'on " + message + "(" +
             (arity == 1 ? "req" : "conn, data") + ")'");
    if (m_s.program().messages[size_t(msg)].arity != arity)
        fail(std::string(what) + ": the handler 'on " + message + "' of actor " + type.name + " must take " +
             std::to_string(arity) + (arity == 1 ? " argument" : " arguments"));
    return id;
}

Value WorldBridge::serve(const Value& address, const Value& handler, bool websocket)
{
    const char* what = websocket ? "net.ws.serve()" : "net.http.serve()";
    std::string addr;
    if (address.isInt()) {
        if (address.asInt() < 0 || address.asInt() > 65535)
            fail(std::string(what) + ": port " + std::to_string(address.asInt()) + " is out of range");
        addr = "0.0.0.0:" + std::to_string(address.asInt());
    } else {
        addr = needString(address, what);
    }
    const uint32_t actor = websocket ? handlerActor(handler, what, "Text", 2) : handlerActor(handler, what, "Request", 1);
    OutsideWorld& w = port(what);
    const uint32_t id = m_nextServer++;
    auto bound = w.listen(id, websocket, addr);
    m_s.recordWorldEffect("listen", bound ? "ok " + *bound : "err " + bound.error());
    if (!bound)
        fail(std::string(what) + ": " + bound.error());
    m_servers[id] = Server{actor, websocket, *bound};
    m_s.noteServing();
    return makeString(*bound);
}

void WorldBridge::answer(uint64_t request, int32_t status, std::string body, Fields headers)
{
    m_requests.erase(request);
    OutputEvent o;
    o.kind = OutputEvent::Kind::Respond;
    o.id = request;
    o.status = status;
    o.body = std::move(body);
    o.headers = std::move(headers);
    send(std::move(o));
}

void WorldBridge::respond(const Value* a, uint32_t n)
{
    uint64_t id = 0;
    if (a[0].isInt()) {
        id = uint64_t(a[0].asInt());
    } else if (a[0].type() == ValueType::Map) {
        const MapObj& m = asMap(a[0]);
        const int64_t at = m.find("id");
        if (at < 0 || !m.entries[size_t(at)].second.isInt())
            fail("respond() needs the request map it was given (with its 'id'), found a map without an int 'id'");
        id = uint64_t(m.entries[size_t(at)].second.asInt());
    } else {
        fail("respond() needs the request (the map of Request(req)), found " + describeType(a[0]));
    }
    const int64_t status = needInt(a[1], "respond() status");
    if (status < 100 || status > 599)
        fail("respond(): status " + std::to_string(status) + " is not an HTTP status (100 to 599)");
    const compiler::Program* p = &m_s.program();
    Fields headers = n > 3 ? fieldsOf(a[3], "respond()", p) : Fields{};
    std::string body;
    if (a[2].isString()) {
        body = asString(a[2]).text;
    } else if (a[2].isNil()) {
    } else {
        // Lists, maps, numbers…: sent as JSON.
        body = jsonEncode(a[2], p);
        const bool typed = std::any_of(headers.begin(), headers.end(),
                                       [](const auto& h) { return lower(h.first) == "content-type"; });
        if (!typed)
            headers.emplace_back("content-type", "application/json");
    }
    if (!m_requests.count(id)) {
        m_s.warn("respond(): request " + std::to_string(id) +
                 " is not waiting for an answer (already answered, timed out or closed); response dropped");
        return;
    }
    answer(id, int32_t(status), std::move(body), std::move(headers));
}

void WorldBridge::wsSend(const Value& conn, const Value& text)
{
    const uint64_t id = uint64_t(needInt(conn, "ws.send() connection"));
    std::string data = text.isString() ? asString(text).text : jsonEncode(text, &m_s.program());
    if (!m_connections.count(id))
        return; // closed meanwhile: the program learns it from Closed(conn)
    OutputEvent o;
    o.kind = OutputEvent::Kind::WsSend;
    o.id = id;
    o.body = std::move(data);
    send(std::move(o));
}

void WorldBridge::wsClose(const Value& conn)
{
    const uint64_t id = uint64_t(needInt(conn, "ws.close() connection"));
    if (!m_connections.count(id))
        return;
    OutputEvent o;
    o.kind = OutputEvent::Kind::WsClose;
    o.id = id;
    send(std::move(o));
}

bool WorldBridge::call(bool post, const Value* a, uint32_t n, Value& out)
{
    const char* what = post ? "http.post()" : "http.get()";
    const bool inMain = m_s.inMain();
    if (inMain && m_mainCall != 0) {
        if (!m_mainResultReady)
            return false;
        out = std::move(m_mainResult);
        m_mainResult = Value();
        m_mainResultReady = false;
        m_mainCall = 0;
        return true;
    }
    OutputEvent o;
    o.kind = OutputEvent::Kind::CallStart;
    o.method = post ? "POST" : "GET";
    o.url = needString(a[0], what);
    if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0)
        fail(std::string(what) + ": '" + o.url + "' is not an http:// URL");
    const compiler::Program* p = &m_s.program();
    if (post) {
        o.body = a[1].isString() ? asString(a[1]).text : jsonEncode(a[1], p);
        if (n > 2)
            o.headers = fieldsOf(a[2], what, p);
        if (!a[1].isString() && std::none_of(o.headers.begin(), o.headers.end(),
                                             [](const auto& h) { return lower(h.first) == "content-type"; }))
            o.headers.emplace_back("content-type", "application/json");
    } else if (n > 1) {
        o.headers = fieldsOf(a[1], what, p);
    }
    const uint32_t caller = m_s.currentActor().id;
    if (!inMain) {
        const ActorRecord& self = m_s.currentActor();
        const int32_t msg = m_s.program().findMessage("HttpResponse");
        if (msg < 0 || m_s.handlerOf(self.type, uint32_t(msg)) < 0 || m_s.program().messages[size_t(msg)].arity != 2)
            fail(std::string(what) + " in an actor answers later with the message HttpResponse(call, result): "
                                     "add a handler 'on HttpResponse(call, result)' to actor " +
                 m_s.program().actors[size_t(self.type)].name);
    }
    port(what);
    if (m_calls.size() >= kMaxCalls)
        fail(std::string(what) + ": " + std::to_string(kMaxCalls) + " calls are already in flight");
    o.id = m_nextCall++;
    m_calls[o.id] = caller;
    const uint64_t id = o.id;
    send(std::move(o));
    m_port->flush();
    m_unflushed = 0;
    if (inMain) {
        m_mainCall = id;
        return false;
    }
    out = Value::integer(int64_t(id));
    return true;
}

Value WorldBridge::now()
{
    const int64_t ms = port("now()").nowMs();
    m_s.recordWorldEffect("now", std::to_string(ms));
    return Value::integer(ms);
}

Value WorldBridge::startTimer(const Value* a, bool repeat)
{
    const char* what = repeat ? "every()" : "after_ms()";
    const int64_t ms = needInt(a[0], what);
    if (ms < (repeat ? 1 : 0) || uint64_t(ms) > kMaxTimerMs)
        fail(std::string(what) + ": " + std::to_string(ms) + " ms is out of range (" + (repeat ? "1" : "0") +
             " to " + std::to_string(kMaxTimerMs) + ")");
    if (a[1].type() != ValueType::Actor)
        fail(std::string(what) + " needs an actor reference, found " + describeType(a[1]));
    if (a[2].type() != ValueType::Message)
        fail(std::string(what) + ": the message argument must be a message such as Tick, found " + describeType(a[2]));
    const uint32_t target = a[1].actorId();
    if (target == 0 || target >= m_s.m_actors.size())
        fail(std::string(what) + " needs a spawned actor as its target");
    port(what);
    if (m_timers.size() >= kMaxTimers)
        fail(std::string(what) + ": " + std::to_string(kMaxTimers) + " timers are already armed");
    Timer t;
    t.actor = target;
    t.ms = uint64_t(ms);
    t.repeat = repeat;
    t.message = m_s.copyFor(target, a[2], true);
    const uint64_t id = m_nextTimer++;
    m_timers[id] = std::move(t);
    OutputEvent o;
    o.kind = OutputEvent::Kind::TimerStart;
    o.id = id;
    o.ms = uint64_t(ms);
    o.repeat = repeat;
    send(std::move(o));
    return Value::integer(int64_t(id));
}

Value WorldBridge::cancelTimer(const Value& id)
{
    const uint64_t t = uint64_t(needInt(id, "cancel_timer()"));
    auto it = m_timers.find(t);
    if (it == m_timers.end())
        return Value::boolean(false);
    m_timers.erase(it);
    OutputEvent o;
    o.kind = OutputEvent::Kind::TimerCancel;
    o.id = t;
    send(std::move(o));
    return Value::boolean(true);
}

Value WorldBridge::readFile(const Value& path)
{
    const std::string& p = needString(path, "fs.read()");
    auto r = port("fs.read()").readFile(p);
    m_s.recordWorldEffect("fs.read:" + p, r ? "ok " + *r : "err " + r.error());
    if (!r)
        return makeResult(false, makeString(r.error()));
    checkMemory(int64_t(r->size()));
    return makeResult(true, makeString(std::move(*r)));
}

Value WorldBridge::writeFile(const Value& path, const Value& text)
{
    const std::string& p = needString(path, "fs.write()");
    std::string data = text.isString() ? asString(text).text : toDisplay(text, &m_s.program());
    auto r = port("fs.write()").writeFile(p, data);
    m_s.recordWorldEffect("fs.write:" + p, r ? "ok" : "err " + r.error());
    if (!r)
        return makeResult(false, makeString(r.error()));
    return makeResult(true, Value());
}

// --- inputs ----------------------------------------------------------------------

void WorldBridge::pump()
{
    if (!m_port || !m_port->hasInput())
        return;
    m_inbox.clear();
    m_port->poll(m_inbox, 0);
    for (const InputEvent& e : m_inbox)
        inject(e);
    m_inbox.clear();
}

bool WorldBridge::waitForInput()
{
    while (m_port && !m_halted && m_port->active()) {
        m_port->flush();
        m_unflushed = 0;
        m_s.reportIdle();
        m_inbox.clear();
        m_port->poll(m_inbox, kWaitSliceMs);
        if (m_inbox.empty())
            continue;
        for (const InputEvent& e : m_inbox)
            inject(e);
        m_inbox.clear();
        return true;
    }
    return false;
}

void WorldBridge::afterDelivery(bool endOfTick)
{
    if (m_port && m_unflushed > 0 && (endOfTick || m_unflushed >= kOutputsPerFlush)) {
        m_port->flush();
        m_unflushed = 0;
    }
}

void WorldBridge::inject(const InputEvent& e)
{
    m_s.recordWorldInput(inputKindName(e.kind), encodeInput(e));
    switch (e.kind) {
    case InputEvent::Kind::HttpRequest: injectRequest(e); break;
    case InputEvent::Kind::WsOpen:
    case InputEvent::Kind::WsText:
    case InputEvent::Kind::WsClosed: injectWs(e); break;
    case InputEvent::Kind::CallDone: injectCallDone(e); break;
    case InputEvent::Kind::Timer: injectTimer(e); break;
    case InputEvent::Kind::RequestDone: m_requests.erase(e.id); break;
    case InputEvent::Kind::Shutdown: m_shuttingDown = true; break;
    case InputEvent::Kind::Halt: m_halted = true; break;
    }
}

Value WorldBridge::requestValue(const InputEvent& e)
{
    Value m = makeMap();
    MapObj& map = mutableMap(m);
    map.set("id", Value::integer(int64_t(e.id)));
    map.set("method", makeString(e.method));
    map.set("path", makeString(e.path));
    map.set("query", fieldsMap(e.query, false));
    map.set("headers", fieldsMap(e.headers, true));
    map.set("body", makeString(e.body));
    map.recharge();
    return m;
}

void WorldBridge::injectRequest(const InputEvent& e)
{
    auto it = m_servers.find(e.server);
    if (it == m_servers.end() || it->second.websocket) {
        answer(e.id, 404, "not found");
        return;
    }
    const uint32_t actor = it->second.actor;
    m_requests[e.id] = e.server;
    Value req;
    {
        auto charge = m_s.chargeTo(actor);
        req = requestValue(e);
    }
    std::vector<Value> args;
    args.push_back(std::move(req));
    if (!deliverNamed(actor, "Request", std::move(args)))
        answer(e.id, 503, "service unavailable");
}

void WorldBridge::injectWs(const InputEvent& e)
{
    uint32_t server = e.server;
    if (e.kind != InputEvent::Kind::WsOpen) {
        auto c = m_connections.find(e.id);
        if (c == m_connections.end())
            return;
        server = c->second;
        if (e.kind == InputEvent::Kind::WsClosed)
            m_connections.erase(c);
    }
    auto it = m_servers.find(server);
    if (it == m_servers.end())
        return;
    const uint32_t actor = it->second.actor;
    std::vector<Value> args;
    args.push_back(Value::integer(int64_t(e.id)));
    auto charge = m_s.chargeTo(actor);
    switch (e.kind) {
    case InputEvent::Kind::WsOpen: {
        m_connections[e.id] = server;
        Value info = makeMap();
        MapObj& map = mutableMap(info);
        map.set("path", makeString(e.path));
        map.set("query", fieldsMap(e.query, false));
        map.set("headers", fieldsMap(e.headers, true));
        map.recharge();
        args.push_back(std::move(info));
        deliverNamed(actor, "Open", std::move(args));
        break;
    }
    case InputEvent::Kind::WsText:
        args.push_back(makeString(e.body));
        deliverNamed(actor, "Text", std::move(args));
        break;
    default: deliverNamed(actor, "Closed", std::move(args)); break;
    }
}

Value WorldBridge::callResult(const InputEvent& e)
{
    if (e.status <= 0)
        return makeResult(false, makeString(e.body.empty() ? std::string("the call failed") : e.body));
    Value m = makeMap();
    MapObj& map = mutableMap(m);
    map.set("status", Value::integer(e.status));
    map.set("headers", fieldsMap(e.headers, true));
    map.set("body", makeString(e.body));
    map.recharge();
    return makeResult(true, std::move(m));
}

void WorldBridge::injectCallDone(const InputEvent& e)
{
    auto it = m_calls.find(e.id);
    if (it == m_calls.end())
        return;
    const uint32_t actor = it->second;
    m_calls.erase(it);
    Value result;
    {
        auto charge = m_s.chargeTo(actor);
        result = callResult(e);
    }
    if (actor == 0) {
        if (m_mainCall == e.id)
            enqueue(0, std::move(result));
        return;
    }
    std::vector<Value> args;
    args.push_back(Value::integer(int64_t(e.id)));
    args.push_back(std::move(result));
    deliverNamed(actor, "HttpResponse", std::move(args));
}

void WorldBridge::injectTimer(const InputEvent& e)
{
    auto it = m_timers.find(e.id);
    if (it == m_timers.end())
        return;
    const uint32_t actor = it->second.actor;
    if (actor >= m_s.m_actors.size() || !m_s.m_actors[actor]->alive) {
        m_timers.erase(it);
        OutputEvent o;
        o.kind = OutputEvent::Kind::TimerCancel;
        o.id = e.id;
        send(std::move(o));
        return;
    }
    Value message = it->second.repeat ? m_s.copyFor(actor, it->second.message) : std::move(it->second.message);
    if (!it->second.repeat)
        m_timers.erase(it);
    enqueue(actor, std::move(message));
}

bool WorldBridge::takeMainResult(Value payload)
{
    if (m_mainCall == 0)
        return false;
    m_mainResult = std::move(payload);
    m_mainResultReady = true;
    return true;
}

void WorldBridge::restartHandler(uint32_t actor)
{
    std::vector<uint32_t> served;
    for (const auto& [id, sv] : m_servers)
        if (sv.actor == actor)
            served.push_back(id);
    if (served.empty())
        return;
    const ActorRecord& dead = *m_s.m_actors[actor];
    const Value fresh = m_s.spawn(uint32_t(dead.type));
    for (uint32_t id : served) {
        Server& sv = m_servers[id];
        m_s.warn("the handler " + m_s.actorName(actor) + " of " + (sv.websocket ? "ws://" : "http://") + sv.address +
                 " crashed; it is restarted as " + m_s.actorName(fresh.actorId()) + " with fresh state");
        sv.actor = fresh.actorId();
    }
}

std::string WorldBridge::reopen()
{
    if (!m_port)
        return {};
    for (const auto& [id, sv] : m_servers) {
        auto bound = m_port->listen(id, sv.websocket, sv.address);
        m_s.recordWorldEffect("listen", bound ? "ok " + *bound : "err " + bound.error());
        if (!bound)
            return "cannot serve again: " + bound.error();
    }
    for (const auto& [id, t] : m_timers) {
        OutputEvent o;
        o.kind = OutputEvent::Kind::TimerStart;
        o.id = id;
        o.ms = t.ms;
        o.repeat = t.repeat;
        send(o);
    }
    // What lived on sockets of the old process is gone: the program hears
    // of each connection and call as if it had failed now.
    m_requests.clear();
    std::vector<InputEvent> gone;
    for (const auto& [id, server] : m_connections) {
        InputEvent e;
        e.kind = InputEvent::Kind::WsClosed;
        e.id = id;
        gone.push_back(std::move(e));
    }
    for (const auto& [id, actor] : m_calls) {
        InputEvent e;
        e.kind = InputEvent::Kind::CallDone;
        e.id = id;
        e.body = "interrupted: the run was resumed from a snapshot";
        gone.push_back(std::move(e));
    }
    for (const InputEvent& e : gone)
        inject(e);
    m_port->flush();
    m_unflushed = 0;
    return {};
}

// --- crashes and the end -----------------------------------------------------------

void WorldBridge::findRequests(const Value& v, std::vector<uint64_t>& out, int depth, size_t& budget) const
{
    if (depth > 16 || budget == 0 || !v.isObject())
        return;
    --budget;
    switch (v.type()) {
    case ValueType::Map: {
        const MapObj& m = asMap(v);
        const int64_t id = m.find("id");
        if (id >= 0 && m.find("method") >= 0 && m.find("headers") >= 0 && m.entries[size_t(id)].second.isInt()) {
            const uint64_t r = uint64_t(m.entries[size_t(id)].second.asInt());
            if (m_requests.count(r))
                out.push_back(r);
        }
        for (const auto& [k, item] : m.entries)
            findRequests(item, out, depth + 1, budget);
        break;
    }
    case ValueType::List:
        for (const auto& item : asList(v).items)
            findRequests(item, out, depth + 1, budget);
        break;
    case ValueType::Message:
        for (const auto& item : asMessage(v).args)
            findRequests(item, out, depth + 1, budget);
        break;
    case ValueType::Record:
        for (const auto& item : asRecord(v).fields)
            findRequests(item, out, depth + 1, budget);
        break;
    case ValueType::Result: findRequests(asResult(v).value, out, depth + 1, budget); break;
    default: break;
    }
}

void WorldBridge::actorCrashed(const ActorRecord& actor, std::span<const Value> args)
{
    if (m_requests.empty())
        return;
    std::vector<uint64_t> found;
    size_t budget = 100000;
    for (const Value& v : args)
        findRequests(v, found, 0, budget);
    for (const Value& v : actor.state)
        findRequests(v, found, 0, budget);
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (uint64_t id : found)
        answer(id, 500, "internal server error");
}

void WorldBridge::finish()
{
    std::vector<uint64_t> open;
    for (const auto& [id, server] : m_requests)
        open.push_back(id);
    for (uint64_t id : open)
        answer(id, 503, "service unavailable");
    if (m_port) {
        m_port->flush();
        m_unflushed = 0;
    }
    m_timers.clear();
    m_mainResult = Value();
}

bool WorldBridge::empty() const
{
    return m_servers.empty() && m_requests.empty() && m_connections.empty() && m_calls.empty() &&
           m_timers.empty() && m_nextServer == 1 && m_nextCall == 1 && m_nextTimer == 1 && !m_shuttingDown &&
           !m_halted && !m_mainResultReady;
}

std::vector<const Value*> WorldBridge::roots() const
{
    std::vector<const Value*> out;
    for (const auto& [id, t] : m_timers)
        out.push_back(&t.message);
    out.push_back(&m_mainResult);
    return out;
}

} // namespace aeroflow::engine
