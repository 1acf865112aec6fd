#pragma once
// A recorded run that talks to the outside world, for the suites that read
// it (tests/debugger/tst_trace_world, the outside lane's suites): the
// accounts service (with an auditor) and WebSocket room of world_lane.aefl,
// driven in-process by a scripted world (no network) with HTTP requests,
// outbound calls (answered, failed and one never answered: its request times
// out with 504), request_done for every answered request (one client
// vanishes: status 0), WebSocket frames, timer firings, a shutdown and a
// large request body.

#include "../../debugger/TraceTestSupport.h"
#include "../../engine/ScriptedWorld.h"

#include <QFile>

#include <set>
#include <string>

namespace worldtest {

using aeroflow::engine::InputEvent;
using aeroflow::engine::OutputEvent;
using aeroflow::tests::ScriptedWorld;

/// The service program (kept in a file: moc cannot read raw strings holding "//").
inline std::string serviceProgram()
{
    QFile f(QStringLiteral(AEROFLOW_TESTS_DIR "/timeline/lanes/world_lane.aefl"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().toStdString();
}

struct SessionOptions {
    int rounds = 12;
    uint64_t vanishedRequest = 3;  ///< its request_done says status 0
    size_t bigBody = 300'000;      ///< bytes of the last GET's body (0: none)
    size_t extraRequests = 0;      ///< a burst of GETs at the end (dense traffic)
};

inline InputEvent requestDone(uint64_t id, int32_t status, uint64_t latencyUs)
{
    InputEvent e = ScriptedWorld::simple(InputEvent::Kind::RequestDone, id);
    e.status = status;
    e.latencyUs = latencyUs;
    return e;
}

/// Records the session into `tracePath`.
inline tracetest::Recording recordSession(const std::string& tracePath, SessionOptions o = {})
{
    ScriptedWorld w;
    uint64_t request = 1;
    std::set<uint64_t> requests;
    auto req = [&](std::string method, std::string path, std::string body, aeroflow::engine::Fields query,
                   aeroflow::engine::Fields headers = {{"user-agent", "curl/7.88"}, {"accept", "*/*"}}) {
        requests.insert(request);
        return ScriptedWorld::request(1, request++, std::move(method), std::move(path), std::move(body),
                                      std::move(query), std::move(headers));
    };
    for (int i = 0; i < o.rounds; ++i) {
        const std::string name = "u" + std::to_string(i % 3);
        w.script.push_back({req("POST", "/deposit", std::to_string(10 + i), {{"name", name}},
                                {{"content-type", "text/plain"}, {"content-length", "2"}})});
        w.script.push_back({req("GET", "/balance", "", {{"name", name}}), req("GET", "/quote", "", {})});
        if (i == 1)
            w.script.push_back({ScriptedWorld::simple(InputEvent::Kind::WsOpen, 1, 2)});
        if (i > 1)
            w.script.push_back({ScriptedWorld::text(1, "move " + std::to_string(i)),
                                ScriptedWorld::simple(InputEvent::Kind::Timer, 1)});
    }
    if (o.bigBody > 0)
        w.script.push_back({req("GET", "/balance", std::string(o.bigBody, 'x'), {{"name", "big"}})});
    for (size_t i = 0; i < o.extraRequests; i += 50) {
        std::vector<InputEvent> burst;
        for (size_t k = i; k < std::min(o.extraRequests, i + 50); ++k)
            burst.push_back(req("GET", "/balance", "", {{"name", "u" + std::to_string(k % 7)}}));
        w.script.push_back(std::move(burst));
    }
    w.script.push_back({ScriptedWorld::simple(InputEvent::Kind::WsClosed, 1)});

    size_t callsSeen = 0, responsesSeen = 0;
    bool shutdown = false;
    w.onPoll = [&](ScriptedWorld& self) {
        std::vector<InputEvent> now;
        // Outbound calls: most answered, every third fails, the second never
        // comes back (its request times out below).
        const auto calls = self.sentOf(OutputEvent::Kind::CallStart);
        for (; callsSeen < calls.size(); ++callsSeen) {
            const auto& c = calls[callsSeen];
            if (callsSeen == 1)
                continue;
            now.push_back(callsSeen % 3 == 2 ? ScriptedWorld::callDone(c.id, 0, "connection refused")
                                             : ScriptedWorld::callDone(c.id, 200, "quote " + std::to_string(c.id)));
        }
        // Every response leaves: request_done with the status sent.
        const auto responses = self.sentOf(OutputEvent::Kind::Respond);
        for (; responsesSeen < responses.size(); ++responsesSeen) {
            const auto& r = responses[responsesSeen];
            requests.erase(r.id);
            now.push_back(requestDone(r.id, r.id == o.vanishedRequest ? 0 : r.status, 800 + r.id * 37));
        }
        if (!now.empty())
            self.script.push_front(std::move(now));
        if (self.script.empty()) {
            if (!shutdown) {
                // What is still open times out, then the run is asked to stop.
                std::vector<InputEvent> end;
                for (uint64_t id : requests)
                    end.push_back(requestDone(id, 504, 30'000'000));
                requests.clear();
                end.push_back(ScriptedWorld::simple(InputEvent::Kind::Shutdown));
                self.script.push_back(std::move(end));
                shutdown = true;
            } else {
                self.script.push_back({ScriptedWorld::simple(InputEvent::Kind::Halt)});
                self.onPoll = nullptr;
            }
        }
    };
    tracetest::RecordOptions ro;
    ro.world = &w;
    return tracetest::record("world_lane.aefl", serviceProgram(), tracePath, ro);
}

} // namespace worldtest
