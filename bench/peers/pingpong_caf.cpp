// pingpong_caf.cpp: the CAF (C++ Actor Framework 0.17) peer of
// bench/programs/pingpong.aefl for `aeroflow-benchmark pingpong`. Two
// event-based actors exchange N messages in all (each carries a counter that
// grows by one), on one scheduler thread. Prints the number of messages and the
// microseconds of the exchange (actor system start-up excluded).
// Usage: aeroflow-bench-pingpong-caf N

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;

caf::behavior ponger(caf::event_based_actor* self)
{
    return {
        [=](ping_atom, int64_t k) {
            self->send(caf::actor_cast<caf::actor>(self->current_sender()), pong_atom::value, k + 1);
        },
    };
}

caf::behavior pinger(caf::event_based_actor* self, caf::actor partner, int64_t n, int64_t* last)
{
    return {
        [=](pong_atom, int64_t k) {
            if (k < n) {
                self->send(partner, ping_atom::value, k + 1);
            } else {
                *last = k;
                self->send_exit(partner, caf::exit_reason::user_shutdown);
                self->quit();
            }
        },
    };
}

} // namespace

int main(int argc, char** argv)
{
    const int64_t n = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
    caf::actor_system_config cfg;
    cfg.set("scheduler.max-threads", 1);
    int64_t last = 0;
    std::chrono::steady_clock::time_point t0;
    {
        caf::actor_system sys {cfg};
        t0 = std::chrono::steady_clock::now();
        auto pong = sys.spawn(ponger);
        auto ping = sys.spawn(pinger, pong, n, &last);
        caf::anon_send(ping, pong_atom::value, int64_t {0}); // starts the rally at Ping(1)
        sys.await_all_actors_done();
    }
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    std::printf("messages %lld us %lld\n", static_cast<long long>(last), static_cast<long long>(us));
    return last >= n ? 0 : 1;
}
