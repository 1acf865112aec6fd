// Command-line form of io::LiveWorldOptions (see ServeOptions.h).

#include "ServeOptions.h"

#include <charconv>
#include <cstdint>

namespace aeroflow::cli {

namespace {

bool parseU64(const std::string& s, uint64_t& out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace

int parseServeOption(const std::vector<std::string>& args, size_t& i, io::LiveWorldOptions& o, std::string& error)
{
    const std::string& a = args[i];
    struct Size {
        const char* name;
        std::size_t* target;
    };
    struct Millis {
        const char* name;
        int* target;
    };
    const Size sizes[] = {
        {"--max-header-bytes", &o.maxHeaderBytes}, {"--max-body-bytes", &o.maxBodyBytes},
        {"--max-connections", &o.maxConnections},   {"--ws-max-message", &o.wsMaxMessageBytes},
        {"--max-queued-inputs", &o.maxQueuedInputs},
    };
    const Millis times[] = {
        {"--request-timeout", &o.requestTimeoutMs}, {"--header-timeout", &o.headerTimeoutMs},
        {"--idle-timeout", &o.idleTimeoutMs},       {"--call-timeout", &o.callTimeoutMs},
        {"--shutdown-grace", &o.shutdownGraceMs},
    };
    auto value = [&](uint64_t& out, uint64_t lo, uint64_t hi) {
        if (i + 1 >= args.size() || !parseU64(args[i + 1], out) || out < lo || out > hi) {
            error = a + " needs an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
            return false;
        }
        ++i;
        return true;
    };
    uint64_t n = 0;
    for (const Size& s : sizes)
        if (a == s.name) {
            if (!value(n, 1, uint64_t(1) << 40))
                return -1;
            *s.target = std::size_t(n);
            return 1;
        }
    for (const Millis& t : times)
        if (a == t.name) {
            if (!value(n, 1, 24ull * 3600 * 1000))
                return -1;
            *t.target = int(n);
            return 1;
        }
    if (a == "--rate-limit") {
        if (!value(n, 0, 1'000'000'000))
            return -1;
        o.maxRequestsPerSecond = uint32_t(n);
        return 1;
    }
    return 0;
}

} // namespace aeroflow::cli
