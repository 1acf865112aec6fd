// Map entries: insertion-ordered slots with holes, and a hashed index
// (MapEntries.h says why each piece is there).
//
// Invariants:
//  - m_slots.size() == m_hashes.size() == m_live + m_holes;
//  - a live slot's hash is odd (hashOf sets bit 0), a hole's is kHole (0),
//    so a probe never mistakes a hole for a key;
//  - with an index, every live slot is in it, the index has at least twice
//    as many buckets as there are slots (holes included), and no bucket
//    names a slot past the end;
//  - m_capacity only ever changes as std::vector's capacity would have.

#include "Value.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace aeroflow::engine {

namespace {

/// A probe sequence longer than this on insertion means keys that collide
/// by design (or bad luck): the index is rebuilt with another seed.
constexpr uint32_t kMaxProbe = 64;
constexpr uint32_t kMaxReseeds = 3;

inline uint64_t load64(const char* p)
{
    uint64_t w;
    std::memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big)
        w = std::byteswap(w);
    return w;
}

inline uint64_t fold(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}

/// A seeded hash of the bytes of a key (a multiply-xorshift over 8-byte
/// words; lookup only, so its exact values are not part of any format).
uint64_t keyHash(uint64_t seed, std::string_view s)
{
    uint64_t h = seed ^ (uint64_t(s.size()) * 0x9E3779B97F4A7C15ull);
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8)
        h = fold(h, load64(s.data() + i));
    if (i < s.size()) {
        uint64_t tail = 0;
        for (size_t k = 0; i < s.size(); ++i, ++k)
            tail |= uint64_t(uint8_t(s[i])) << (8 * k);
        h = fold(h, tail);
    }
    h ^= h >> 32;
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}

inline size_t bucketOf(uint32_t h, size_t mask) { return size_t(h >> 1) & mask; }

} // namespace

constinit thread_local uint64_t t_mapHashSeed = 0;

MapEntries::MapEntries() : m_seed(t_mapHashSeed) {}

MapEntries::MapEntries(const MapEntries& other) : m_seed(other.m_seed), m_live(other.m_live), m_capacity(other.m_live)
{
    // A vector copied into an empty one gets capacity == size, and each key
    // string its own fresh capacity: what the entries are charged for.
    m_slots.reserve(other.m_live);
    m_hashes.reserve(other.m_live);
    for (size_t i = 0; i < other.m_slots.size(); ++i) {
        if (other.m_hashes[i] == kHole)
            continue;
        m_slots.push_back(other.m_slots[i]);
        m_hashes.push_back(other.m_hashes[i]);
        m_keyBytes += int64_t(m_slots.back().first.capacity());
    }
    if (other.m_holes == 0)
        m_index = other.m_index; // the same slots at the same places
    else if (m_slots.size() > kLinearSlots)
        rebuildIndex();
}

void MapEntries::reserve(size_t n)
{
    if (n <= m_capacity)
        return;
    m_capacity = n;
    m_slots.reserve(n);
    m_hashes.reserve(n);
}

uint32_t MapEntries::hashOf(std::string_view key) const { return uint32_t(keyHash(m_seed, key) >> 32) | 1u; }

int64_t MapEntries::findSlot(std::string_view key, uint32_t h) const
{
    if (m_index.empty()) {
        for (size_t i = 0; i < m_slots.size(); ++i)
            if (m_hashes[i] == h && m_slots[i].first == key)
                return int64_t(i);
        return -1;
    }
    const size_t mask = m_index.size() - 1;
    for (size_t b = bucketOf(h, mask);; b = (b + 1) & mask) {
        const uint32_t s = m_index[b];
        if (s == 0)
            return -1;
        if (m_hashes[s - 1] == h && m_slots[s - 1].first == key)
            return int64_t(s - 1);
    }
}

const Value* MapEntries::lookup(std::string_view key) const
{
    if (m_index.empty()) {
        // Small maps (records): compare the keys, no hash to compute.
        for (size_t i = 0; i < m_slots.size(); ++i)
            if (m_hashes[i] != kHole && m_slots[i].first == key)
                return &m_slots[i].second;
        return nullptr;
    }
    const int64_t s = findSlot(key, hashOf(key));
    return s < 0 ? nullptr : &m_slots[size_t(s)].second;
}

Value* MapEntries::lookup(std::string_view key)
{
    return const_cast<Value*>(static_cast<const MapEntries*>(this)->lookup(key));
}

bool MapEntries::set(std::string_view key, Value v)
{
    const uint32_t h = hashOf(key);
    if (const int64_t s = findSlot(key, h); s >= 0) {
        m_slots[size_t(s)].second = std::move(v);
        return false;
    }
    growCapacityForOneMore();
    addSlot(std::string(key), h, std::move(v));
    return true;
}

void MapEntries::append(std::string key, Value v)
{
    const uint32_t h = hashOf(key);
    growCapacityForOneMore();
    addSlot(std::move(key), h, std::move(v));
}

void MapEntries::growCapacityForOneMore()
{
    // std::vector::emplace_back on a full vector: size + max(size, 1).
    if (m_live == m_capacity)
        m_capacity = m_live ? 2 * m_live : 1;
}

void MapEntries::addSlot(std::string key, uint32_t h, Value v)
{
    m_cursorPosition = SIZE_MAX;
    m_slots.emplace_back(std::move(key), std::move(v));
    m_hashes.push_back(h);
    ++m_live;
    m_keyBytes += int64_t(m_slots.back().first.capacity());
    const size_t slots = m_slots.size();
    if (m_index.empty() ? slots > kLinearSlots : 2 * slots > m_index.size())
        rebuildIndex();
    else if (!m_index.empty())
        indexSlot(uint32_t(slots - 1));
}

void MapEntries::indexSlot(uint32_t slot)
{
    const size_t mask = m_index.size() - 1;
    uint32_t probes = 0;
    size_t b = bucketOf(m_hashes[slot], mask);
    while (m_index[b] != 0) {
        b = (b + 1) & mask;
        if (++probes > kMaxProbe && m_reseeds < kMaxReseeds) {
            // Keys that collide under this seed: take another and re-hash
            // every key (lookup only, so nothing else changes). A few times
            // per size of the index at most, so that keys that collide
            // under every seed cannot make each insertion a rebuild.
            ++m_reseeds;
            m_seed = fold(m_seed + 1, 0x2545F4914F6CDD1Dull);
            for (size_t i = 0; i < m_slots.size(); ++i)
                if (m_hashes[i] != kHole)
                    m_hashes[i] = hashOf(m_slots[i].first);
            rebuildIndex();
            return;
        }
    }
    m_index[b] = slot + 1;
}

void MapEntries::rebuildIndex()
{
    const size_t buckets = std::bit_ceil(std::max<size_t>(32, 2 * m_slots.capacity()));
    if (buckets != m_index.size())
        m_reseeds = 0;
    m_index.assign(buckets, 0);
    const size_t mask = buckets - 1;
    for (size_t i = 0; i < m_slots.size(); ++i) {
        if (m_hashes[i] == kHole)
            continue;
        size_t b = bucketOf(m_hashes[i], mask);
        while (m_index[b] != 0)
            b = (b + 1) & mask;
        m_index[b] = uint32_t(i + 1);
    }
}

void MapEntries::squeeze()
{
    m_cursorPosition = SIZE_MAX;
    size_t to = 0;
    for (size_t i = 0; i < m_slots.size(); ++i) {
        if (m_hashes[i] == kHole)
            continue;
        if (to != i) {
            m_slots[to] = std::move(m_slots[i]);
            m_hashes[to] = m_hashes[i];
        }
        ++to;
    }
    m_slots.resize(to);
    m_hashes.resize(to);
    m_holes = 0;
    if (to > kLinearSlots)
        rebuildIndex();
    else
        m_index.clear();
}

bool MapEntries::remove(std::string_view key, Value* removed)
{
    const int64_t s = findSlot(key, hashOf(key));
    if (s < 0)
        return false;
    m_cursorPosition = SIZE_MAX;
    Entry& e = m_slots[size_t(s)];
    m_keyBytes -= int64_t(e.first.capacity());
    std::string().swap(e.first);
    m_hashes[size_t(s)] = kHole;
    --m_live;
    ++m_holes;
    Value gone = std::move(e.second);
    // Squeeze once the holes outnumber the entries: O(1) amortised per removal.
    if (m_holes >= 16 && m_holes > m_live)
        squeeze();
    if (removed)
        *removed = std::move(gone);
    return true;
}

size_t MapEntries::slotAt(size_t position) const
{
    // Walk from the last position asked for when it is not past this one
    // (a loop asks for 0, 1, 2, ...: O(1) each), else from the start.
    if (m_cursorPosition == SIZE_MAX || m_cursorPosition > position) {
        m_cursorPosition = 0;
        m_cursorSlot = 0;
        while (m_hashes[m_cursorSlot] == kHole)
            ++m_cursorSlot;
    }
    while (m_cursorPosition < position) {
        ++m_cursorSlot;
        while (m_hashes[m_cursorSlot] == kHole)
            ++m_cursorSlot;
        ++m_cursorPosition;
    }
    return m_cursorSlot;
}

const MapEntries::Entry& MapEntries::operator[](size_t position) const
{
    return m_slots[m_holes ? slotAt(position) : position];
}

MapEntries::Entry& MapEntries::operator[](size_t position)
{
    return m_slots[m_holes ? slotAt(position) : position];
}

int64_t MapEntries::position(std::string_view key) const
{
    const int64_t slot = findSlot(key, hashOf(key));
    if (slot <= 0 || m_holes == 0)
        return slot;
    int64_t position = 0;
    for (int64_t i = 0; i < slot; ++i)
        position += m_hashes[size_t(i)] != kHole;
    return position;
}

} // namespace aeroflow::engine
