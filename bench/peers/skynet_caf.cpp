// skynet_caf.cpp: the CAF (C++ Actor Framework 0.17) peer of
// bench/programs/skynet.aefl and idle.aefl for `aeroflow-benchmark spawn`,
// on one scheduler thread.
//   skynet N: every actor spawns 10 children until a leaf covers one number;
//     leaves send their number to the parent and end, parents sum 10 values,
//     send the sum up and end. Prints the sum and the microseconds.
//   idle N: spawns N event-based actors that wait for a message and keeps
//     their handles; prints N, the growth of the resident set (VmRSS) in bytes
//     minus the handle vector, and the microseconds.
// Usage: aeroflow-bench-skynet-caf skynet|idle N

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using sum_atom = caf::atom_constant<caf::atom("sum")>;
using poke_atom = caf::atom_constant<caf::atom("poke")>;

struct NodeState {
    int64_t sum = 0;
    int got = 0;
};

caf::behavior node(caf::stateful_actor<NodeState>* self, caf::actor parent, int64_t first, int64_t size)
{
    if (size == 1) {
        self->send(parent, sum_atom::value, first);
        return {}; // no behavior: the leaf ends
    }
    const int64_t part = size / 10;
    for (int64_t i = 0; i < 10; ++i)
        self->spawn(node, caf::actor_cast<caf::actor>(self), first + i * part, part);
    return {
        [=](sum_atom, int64_t v) {
            self->state.sum += v;
            if (++self->state.got == 10) {
                self->send(parent, sum_atom::value, self->state.sum);
                self->quit();
            }
        },
    };
}

caf::behavior idle(caf::event_based_actor*)
{
    return {
        [](poke_atom) {},
    };
}

long long rssBytes()
{
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    long long kb = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "VmRSS:", 6) == 0)
            kb = std::atoll(line + 6);
    std::fclose(f);
    return kb * 1024;
}

long long microsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3)
        return 2;
    const std::string mode = argv[1];
    const int64_t n = std::atoll(argv[2]);
    caf::actor_system_config cfg;
    cfg.set("scheduler.max-threads", 1);
    caf::actor_system sys {cfg};
    if (mode == "skynet") {
        const auto t0 = std::chrono::steady_clock::now();
        caf::scoped_actor main {sys};
        main->spawn(node, caf::actor_cast<caf::actor>(main), int64_t {0}, n);
        int64_t sum = -1;
        main->receive([&](sum_atom, int64_t v) { sum = v; });
        std::printf("sum %lld us %lld\n", static_cast<long long>(sum), microsSince(t0));
        return 0;
    }
    if (mode == "idle") {
        std::vector<caf::actor> actors;
        actors.reserve(size_t(n));
        const long long before = rssBytes();
        const auto t0 = std::chrono::steady_clock::now();
        for (int64_t i = 0; i < n; ++i)
            actors.push_back(sys.spawn(idle));
        const long long us = microsSince(t0);
        const long long after = rssBytes();
        std::printf("actors %lld bytes %lld us %lld\n", static_cast<long long>(actors.size()), after - before - static_cast<long long>(sizeof(caf::actor)) * n, us);
        for (auto& a : actors)
            caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
        return 0;
    }
    return 2;
}
