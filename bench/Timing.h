#pragma once
// Timing for the benchmark (never used by the engine: the determinism
// contract keeps clocks out of it). Every measurement records wall-clock time
// and CPU time: on a shared machine the CPU time shows what the code costs
// when other processes compete for the cores.

#include <time.h>

#include <algorithm>
#include <vector>

namespace aeroflow::bench {

/// One measurement, in seconds.
struct Sample {
    double wall = 0;
    double cpu = 0; ///< CPU time (user + system) of the measuring process
};

/// Measures from construction on: wall time, and the CPU time of the whole
/// process (not just the calling thread: compile() checks on a thread of its
/// own, and a thread clock would miss that work).
class Stopwatch {
public:
    Stopwatch() : m_wall(now(CLOCK_MONOTONIC)), m_cpu(now(CLOCK_PROCESS_CPUTIME_ID)) {}
    Sample elapsed() const { return {now(CLOCK_MONOTONIC) - m_wall, now(CLOCK_PROCESS_CPUTIME_ID) - m_cpu}; }

private:
    static double now(clockid_t clock)
    {
        timespec ts {};
        clock_gettime(clock, &ts);
        return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
    }
    double m_wall;
    double m_cpu;
};

/// Median and minimum of a series of seconds.
struct Summary {
    double median = 0;
    double min = 0;
};

inline Summary summarize(std::vector<double> seconds)
{
    Summary s;
    if (seconds.empty())
        return s;
    std::sort(seconds.begin(), seconds.end());
    const size_t n = seconds.size();
    s.median = n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
    s.min = seconds.front();
    return s;
}

struct SampleSummary {
    Summary wall;
    Summary cpu;
};

inline SampleSummary summarize(const std::vector<Sample>& samples)
{
    std::vector<double> wall, cpu;
    for (const Sample& s : samples) {
        wall.push_back(s.wall);
        cpu.push_back(s.cpu);
    }
    return {summarize(std::move(wall)), summarize(std::move(cpu))};
}

} // namespace aeroflow::bench
