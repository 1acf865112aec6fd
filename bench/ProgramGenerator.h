#pragma once
// Deterministic generator of large, realistic programs for the front-end
// benchmark: the same sequence of "units" (functions with arithmetic, loops,
// ifs and matches; an actor with state and handlers; top-level spawns and
// sends; lists, maps and string operations) written either in AeroFlow or as
// the closest Lua 5.4 equivalent, so the two compilers get comparable input.

#include <cstddef>
#include <cstdint>
#include <string>

namespace aeroflow::bench {

enum class Language { AeroFlow, Lua };

class ProgramGenerator {
public:
    /// `seed` picks the constants and shape variants; the same seed and line
    /// count always give the same text.
    explicit ProgramGenerator(uint64_t seed = 0x5eed) : m_seed(seed) {}

    /// A program of exactly `lines` lines (each ends with '\n'). Programs of
    /// both languages generated with the same seed have the same units in the
    /// same order; a few one-line statements pad both to the exact count.
    std::string generate(Language language, size_t lines) const;

private:
    uint64_t m_seed;
};

} // namespace aeroflow::bench
