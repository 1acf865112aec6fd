// Real-time timers (see Timers.h).

#include "Timers.h"

#include <optional>

namespace aeroflow::io::detail {

struct TimerSet::Timer {
    explicit Timer(net::io_context& context)
        : timer(context)
    {
    }
    net::steady_timer timer;
    uint64_t id = 0;
    Clock::duration period {};
    Clock::time_point due;
    bool repeat = false;
    bool cancelled = false; ///< a wait that completes anyway is ignored
    std::optional<uint64_t> lastInput; ///< sequence number of the last Timer input pushed
};

TimerSet::TimerSet(IoCore& core)
    : m_core(core)
{
}

TimerSet::~TimerSet()
{
    for (auto& [id, timer] : m_timers) {
        timer->cancelled = true;
        timer->timer.cancel();
    }
}

void TimerSet::start(uint64_t id, uint64_t ms, bool repeat)
{
    cancel(id);
    auto timer = std::make_shared<Timer>(m_core.context());
    timer->id = id;
    timer->repeat = repeat;
    // A period of 0 would spin; one millisecond is the finest the program can ask for.
    timer->period = std::chrono::milliseconds(repeat ? std::max<uint64_t>(ms, 1) : ms);
    timer->due = Clock::now() + timer->period;
    m_timers[id] = timer;
    arm(timer);
}

void TimerSet::cancel(uint64_t id)
{
    auto it = m_timers.find(id);
    if (it == m_timers.end())
        return;
    it->second->cancelled = true;
    it->second->timer.cancel();
    m_timers.erase(it);
    m_core.timerEnded();
}

void TimerSet::cancelAll()
{
    int64_t count = int64_t(m_timers.size());
    for (auto& [id, timer] : m_timers) {
        timer->cancelled = true;
        timer->timer.cancel();
    }
    m_timers.clear();
    if (count > 0)
        m_core.timerEnded(count);
}

void TimerSet::arm(const std::shared_ptr<Timer>& timer)
{
    timer->timer.expires_at(timer->due);
    timer->timer.async_wait([this, timer](const boost::system::error_code& ec) {
        if (ec || timer->cancelled)
            return;
        fire(timer);
    });
}

void TimerSet::fire(const std::shared_ptr<Timer>& timer)
{
    bool previousTaken = !timer->lastInput || m_core.takenInputs() > *timer->lastInput;
    if (previousTaken) {
        engine::InputEvent event;
        event.kind = engine::InputEvent::Kind::Timer;
        event.id = timer->id;
        timer->lastInput = m_core.push(std::move(event));
    }
    if (!timer->repeat) {
        timer->cancelled = true;
        m_timers.erase(timer->id);
        m_core.timerEnded(); // after the push: active() never dips before the input is visible
        return;
    }
    // Fixed rate: the next deadline follows the previous one, skipping those already past.
    auto now = Clock::now();
    timer->due += timer->period;
    if (timer->due <= now)
        timer->due += ((now - timer->due) / timer->period + 1) * timer->period;
    arm(timer);
}

} // namespace aeroflow::io::detail
