#pragma once
// The invariants of the engine's side of the outside world under arbitrary
// input, shared by the libFuzzer target (fuzz_world.cpp) and tst_world, which
// replays the corpus (tests/engine/world-corpus) on every ordinary build.
//
// The bytes are a sequence of records, each a 2-byte little-endian length and
// that many bytes. Every record is decoded with engine::decodeInput (untrusted:
// an error is fine) and checked to re-encode to the same bytes; the events that
// decode are injected, in order, into a scheduler running a small service (an
// HTTP server, a WebSocket server, a repeating timer, a pending call), with
// steps in between. Nothing may crash, hang or throw; decodeOutput gets the raw
// record too.

#include "Compiler.h"
#include "Outside.h"
#include "Scheduler.h"

#include <cstdlib>
#include <memory>
#include <string_view>

namespace aeroflow::tests {

inline const char* worldProbeProgram()
{
    return R"(
import net.http
import net.ws
actor Api {
    state held = []
    on Request(req) uses http {
        if req["path"] == "/hold" { held.push(req); return }
        if req["path"] == "/crash" { let m = {}; print(m["x"]) }
        if req["path"] == "/call" { http.get("http:/" + "/127.0.0.1:9/x"); return }
        respond(req, 200, {path: req["path"], q: req["query"], h: len(req["headers"]), n: len(req["body"])})
        if len(held) > 3 { for r in held { respond(r, 202, "late") }; held = [] }
    }
    on HttpResponse(call, result) { print(call, result.is_ok()) }
}
actor Room {
    state conns = []
    on Open(conn, info) uses clock { conns.push(conn); if len(conns) == 1 { every(16, self, Beat) } }
    on Text(conn, data) { for c in conns { ws.send(c, data) } }
    on Closed(conn) { let i = conns.index_of(conn); if i >= 0 { conns.remove_at(i) } }
    on Beat { for c in conns { ws.send(c, "beat") } }
}
net.http.serve("127.0.0.1:0", spawn(Api))
net.ws.serve("127.0.0.1:0", spawn(Room))
)";
}

/// A world that answers listen() and has nothing else to say: inputs come
/// from the probe.
class ProbeWorld final : public engine::OutsideWorld {
public:
    std::expected<std::string, std::string> listen(uint32_t server, bool, const std::string&) override
    {
        return "127.0.0.1:" + std::to_string(40000 + server);
    }
    int64_t nowMs() override { return 0; }
    std::expected<std::string, std::string> readFile(const std::string&) override { return std::string(); }
    std::expected<void, std::string> writeFile(const std::string&, const std::string&) override { return {}; }
    void send(engine::OutputEvent) override { ++sent; }
    void flush() override {}
    bool hasInput() const override { return false; }
    void poll(std::vector<engine::InputEvent>&, int) override {}
    bool active() const override { return false; }
    size_t sent = 0;
};

/// Runs one input; aborts (a fuzzer finding) when an invariant breaks.
inline void probeWorldInputs(std::string_view bytes)
{
    static const auto program = [] {
        auto r = compiler::compile("probe.aefl", worldProbeProgram(), {true, false});
        if (!r.ok() || !r.program)
            std::abort();
        return r.program;
    }();
    ProbeWorld world;
    engine::RunOptions options;
    options.world = &world;
    options.fuel = 200'000;
    options.maxMessages = 10'000;
    options.servingLiftsMessageLimit = false;
    engine::Scheduler s(program, options, [](engine::Stream, std::string_view) {});
    s.start();
    size_t at = 0, records = 0;
    while (at + 2 <= bytes.size() && records < 256) {
        const size_t n = size_t(uint8_t(bytes[at])) | (size_t(uint8_t(bytes[at + 1])) << 8);
        at += 2;
        const std::string_view record = bytes.substr(at, std::min(n, bytes.size() - at));
        at += record.size();
        ++records;
        (void)engine::decodeOutput(record);
        auto e = engine::decodeInput(record);
        if (!e)
            continue;
        if (engine::encodeInput(*e) != record)
            std::abort(); // the encoding is canonical
        s.injectOutside(*e);
        for (int k = 0; k < 8 && s.step(); ++k) {
        }
    }
    while (s.step()) {
    }
    s.finish();
}

} // namespace aeroflow::tests
