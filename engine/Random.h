#pragma once
// The per-actor random streams (DESIGN.md, determinism contract): xoshiro256**
// seeded through splitmix64 from (run seed, actor id). Plain arithmetic on
// fixed-width integers: the same numbers on every machine and compiler.

#include <array>
#include <cstdint>

namespace aeroflow::engine {

/// splitmix64 step: advances `state` and returns the next output.
inline uint64_t splitmix64(uint64_t& state)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

class Random {
public:
    Random() : Random(0, 0) {}
    /// The stream of actor `actorId` in a run with seed `seed`.
    Random(uint64_t seed, uint64_t actorId)
    {
        uint64_t sm = seed ^ (actorId * 0xD1B54A32D192ED03ull);
        // Mix the actor id in twice so neighbouring ids give unrelated streams.
        sm = splitmix64(sm) ^ actorId;
        for (auto& w : m_s)
            w = splitmix64(sm);
    }

    uint64_t next()
    {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// A double in [0, 1) with 53 random bits.
    double nextDouble() { return double(next() >> 11) * 0x1.0p-53; }

    /// Uniform in [lo, hi] (lo <= hi), without modulo bias (rejection).
    int64_t nextInRange(int64_t lo, int64_t hi)
    {
        const uint64_t span = uint64_t(hi) - uint64_t(lo); // may be 2^64-1
        if (span == UINT64_MAX)
            return int64_t(next());
        const uint64_t n = span + 1;
        const uint64_t limit = UINT64_MAX - UINT64_MAX % n; // accept x < limit
        uint64_t x;
        do
            x = next();
        while (x >= limit);
        return int64_t(uint64_t(lo) + x % n);
    }

    const std::array<uint64_t, 4>& state() const { return m_s; }
    void setState(const std::array<uint64_t, 4>& s) { m_s = s; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<uint64_t, 4> m_s{};
};

} // namespace aeroflow::engine
