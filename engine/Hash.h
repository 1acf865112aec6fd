#pragma once
// Structural hashing of runtime values: the "state hash" the debugger records
// after every delivery and replay compares. It depends only on content (types,
// numbers' bits, text, element order), never on addresses or on how objects
// are shared, so equal states hash alike in every run and on every platform.

#include "Value.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace aeroflow::engine {

/// Mixes `v` into `h` and returns the new hash.
uint64_t hashValue(const Value& v, uint64_t h);
/// Mixes one 64-bit word into `h` (the same mixer as hashValue).
uint64_t hashWord(uint64_t h, uint64_t word);
/// Mixes the bytes of `text` (and its length) into `h`.
uint64_t hashBytes(uint64_t h, std::string_view text);
/// Hash of a sequence of values (an actor's state fields).
uint64_t hashValues(std::span<const Value> values, uint64_t h = 0x243F6A8885A308D3ull);

} // namespace aeroflow::engine
