// A LiveWorld that answers every HTTP request with a small JSON body, driven
// by a loop standing in for the engine thread (poll, answer, flush). Used by
// tst_io_liveworld for the signal test, and by hand for load tests:
//
//   io_echo --listen 127.0.0.1:8080 &
//   wrk -t1 -c50 -d5s --latency http://127.0.0.1:8080/
//
// Prints the LiveWorld's log lines, then "shutdown" and "halt" as those inputs
// arrive, and exits 0 once the world is no longer active.

#include "LiveWorld.h"

#include <cstdio>
#include <cstring>
#include <string>

using namespace aeroflow;

int main(int argc, char** argv)
{
    std::string address = "127.0.0.1:0";
    io::LiveWorldOptions options;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            address = argv[++i];
        } else if (std::strcmp(argv[i], "--signals") == 0) {
            options.handleSignals = true;
        } else {
            std::fprintf(stderr, "usage: io_echo [--listen HOST:PORT] [--signals]\n");
            return 2;
        }
    }
    options.log = [](const std::string& line) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    };
    io::LiveWorld world(options);
    auto bound = world.listen(1, false, address);
    if (!bound) {
        std::fprintf(stderr, "%s\n", bound.error().c_str());
        return 1;
    }
    const engine::Fields headers { { "Content-Type", "application/json" } };
    std::vector<engine::InputEvent> inputs;
    while (world.active()) {
        world.poll(inputs, 100);
        for (auto& input : inputs) {
            using Kind = engine::InputEvent::Kind;
            if (input.kind == Kind::HttpRequest) {
                engine::OutputEvent out;
                out.kind = engine::OutputEvent::Kind::Respond;
                out.id = input.id;
                out.status = 200;
                out.headers = headers;
                out.body = R"({"message":"Hello, World!"})";
                world.send(std::move(out));
            } else if (input.kind == Kind::Shutdown || input.kind == Kind::Halt) {
                std::printf("%s\n", input.kind == Kind::Shutdown ? "shutdown" : "halt");
                std::fflush(stdout);
            }
        }
        inputs.clear();
        world.flush();
    }
    return 0;
}
