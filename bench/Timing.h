#pragma once
// Wall-clock timing for the benchmark (never used by the engine: the
// determinism contract keeps clocks out of it).

#include <algorithm>
#include <chrono>
#include <vector>

namespace aeroflow::bench {

class Stopwatch {
public:
    Stopwatch() : m_start(std::chrono::steady_clock::now()) {}
    /// Seconds since construction.
    double seconds() const
    {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }

private:
    std::chrono::steady_clock::time_point m_start;
};

/// Median, minimum and number of samples of a series of timings (seconds).
struct Summary {
    double median = 0;
    double min = 0;
    size_t count = 0;
};

inline Summary summarize(std::vector<double> samples)
{
    Summary s;
    s.count = samples.size();
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    s.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    s.min = samples.front();
    return s;
}

} // namespace aeroflow::bench
