#pragma once
// Private to io/: the program's real-time timers (TimerStart / TimerCancel),
// one steady_timer each, on the core's io_context. I/O thread only.
//
// A repeating timer runs at a fixed rate (each deadline is the previous one
// plus the period; deadlines already past are skipped, not made up), and does
// not fire while its previous Timer input still waits to be polled: a slow
// program sees one pending firing per timer, never a pile.

#include "IoCore.h"

namespace aeroflow::io::detail {

class TimerSet {
public:
    explicit TimerSet(IoCore& core);
    ~TimerSet();
    TimerSet(const TimerSet&) = delete;
    TimerSet& operator=(const TimerSet&) = delete;

    /// Arms timer `id` (replacing a timer with the same id).
    void start(uint64_t id, uint64_t ms, bool repeat);
    /// No more firings of `id`; unknown ids are ignored.
    void cancel(uint64_t id);
    /// Cancels every timer (shutdown).
    void cancelAll();

private:
    struct Timer;
    void arm(const std::shared_ptr<Timer>& timer);
    void fire(const std::shared_ptr<Timer>& timer);

    IoCore& m_core;
    boost::unordered_flat_map<uint64_t, std::shared_ptr<Timer>> m_timers;
};

} // namespace aeroflow::io::detail
