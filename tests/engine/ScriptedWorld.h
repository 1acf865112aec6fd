#pragma once
// A scripted outside world for tests of the engine's side of Outside.h: each
// poll() hands over the next group of inputs, in order, as if they had just
// arrived; outputs are kept for the test to read. No threads, no network.

#include "Outside.h"

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace aeroflow::tests {

class ScriptedWorld final : public engine::OutsideWorld {
public:
    /// Groups of inputs, one group per poll().
    std::deque<std::vector<engine::InputEvent>> script;
    /// Called before each poll() hands out a group: lets a test react to the
    /// outputs sent so far (e.g. answer a call it has just seen start).
    std::function<void(ScriptedWorld&)> onPoll;
    std::vector<engine::OutputEvent> sent;
    std::map<std::string, std::string> files;
    int64_t clock = 1'700'000'000'000;
    int flushes = 0;
    std::string listenError; ///< non-empty: listen() fails with it
    /// false (default): the next group arrives only once the run is idle
    /// (nothing queued), as a request answered before the next one comes;
    /// true: a group is ready at every step, as under load.
    bool eager = false;

    std::expected<std::string, std::string> listen(uint32_t server, bool, const std::string& address) override
    {
        if (!listenError.empty())
            return std::unexpected(listenError);
        const auto colon = address.rfind(':');
        return address.substr(0, colon) + ":" + std::to_string(40000 + server);
    }
    int64_t nowMs() override { return clock += 16; }
    std::expected<std::string, std::string> readFile(const std::string& path) override
    {
        auto it = files.find(path);
        if (it == files.end())
            return std::unexpected("cannot read '" + path + "': No such file or directory");
        return it->second;
    }
    std::expected<void, std::string> writeFile(const std::string& path, const std::string& text) override
    {
        files[path] = text;
        return {};
    }
    void send(engine::OutputEvent event) override { sent.push_back(std::move(event)); }
    void flush() override { ++flushes; }
    bool hasInput() const override { return eager && !script.empty(); }
    void poll(std::vector<engine::InputEvent>& out, int) override
    {
        if (onPoll)
            onPoll(*this);
        if (script.empty())
            return;
        for (auto& e : script.front())
            out.push_back(std::move(e));
        script.pop_front();
    }
    bool active() const override { return !script.empty() || onPoll != nullptr; }

    /// The outputs of one kind, in order.
    std::vector<engine::OutputEvent> sentOf(engine::OutputEvent::Kind kind) const
    {
        std::vector<engine::OutputEvent> out;
        for (const auto& e : sent)
            if (e.kind == kind)
                out.push_back(e);
        return out;
    }

    // --- builders ---------------------------------------------------------------
    static engine::InputEvent request(uint32_t server, uint64_t id, std::string method, std::string path,
                                      std::string body = {}, engine::Fields query = {}, engine::Fields headers = {})
    {
        engine::InputEvent e;
        e.kind = engine::InputEvent::Kind::HttpRequest;
        e.server = server;
        e.id = id;
        e.method = std::move(method);
        e.path = std::move(path);
        e.body = std::move(body);
        e.query = std::move(query);
        e.headers = std::move(headers);
        return e;
    }
    static engine::InputEvent simple(engine::InputEvent::Kind kind, uint64_t id = 0, uint32_t server = 0)
    {
        engine::InputEvent e;
        e.kind = kind;
        e.id = id;
        e.server = server;
        return e;
    }
    static engine::InputEvent text(uint64_t conn, std::string data)
    {
        engine::InputEvent e = simple(engine::InputEvent::Kind::WsText, conn);
        e.body = std::move(data);
        return e;
    }
    static engine::InputEvent callDone(uint64_t call, int32_t status, std::string body)
    {
        engine::InputEvent e = simple(engine::InputEvent::Kind::CallDone, call);
        e.status = status;
        e.body = std::move(body);
        e.headers = {{"content-type", "text/plain"}};
        return e;
    }
};

} // namespace aeroflow::tests
