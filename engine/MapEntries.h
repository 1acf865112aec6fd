#pragma once
// The entries of a map: insertion ordered, with a hashed index for lookup.
// Included by Value.h once Value is complete; include Value.h, not this.
//
// Entries live in one vector of slots in insertion order. Removing a key
// leaves a hole in its slot (O(1)); holes are squeezed out when they
// outnumber the live entries, so removal is O(1) amortised and the slots
// never grow past twice the live count (plus a few). Maps of more than
// kLinearSlots slots also keep an open-addressing index (linear probing)
// from a hash of the key to its slot. The hash is seeded (setMapHashSeed:
// the Vm sets the run's seed), never depends on an address, and is used for
// lookup only: every walk over a map (printing, hashing, JSON, snapshots,
// iteration) goes through the slots in insertion order.
//
// What a map is charged (MapObj::measure) and what a snapshot records as
// its capacity is the capacity its entries had when they were a plain
// std::vector (capacity()): the same bytes, hence the same memory-limit
// errors and snapshot images, as before the index existed.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aeroflow::engine {

/// The seed of the hash of map keys in this thread (maps created later use
/// it; a map keeps the seed it was created with). The Vm sets the run's.
extern constinit thread_local uint64_t t_mapHashSeed;
inline void setMapHashSeed(uint64_t seed) { t_mapHashSeed = seed; }
inline uint64_t mapHashSeed() { return t_mapHashSeed; }

class MapEntries {
public:
    using Entry = std::pair<std::string, Value>;

    /// Iterates the live entries in insertion order (valid, like
    /// std::vector's iterators, until the map is changed).
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Entry;
        using difference_type = std::ptrdiff_t;
        using pointer = const Entry*;
        using reference = const Entry&;
        const_iterator() = default;
        reference operator*() const { return m_owner->m_slots[m_slot]; }
        pointer operator->() const { return &m_owner->m_slots[m_slot]; }
        const_iterator& operator++()
        {
            ++m_slot;
            skipHoles();
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator t = *this;
            ++*this;
            return t;
        }
        bool operator==(const const_iterator& o) const { return m_slot == o.m_slot; }

    private:
        friend class MapEntries;
        const_iterator(const MapEntries* owner, size_t slot) : m_owner(owner), m_slot(slot) { skipHoles(); }
        void skipHoles()
        {
            while (m_slot < m_owner->m_slots.size() && m_owner->m_hashes[m_slot] == kHole)
                ++m_slot;
        }
        const MapEntries* m_owner = nullptr;
        size_t m_slot = 0;
    };

    MapEntries();
    /// A copy without holes whose capacity() is its size, as a copied vector's.
    MapEntries(const MapEntries& other);
    MapEntries& operator=(const MapEntries&) = delete;

    size_t size() const { return m_live; }
    bool empty() const { return m_live == 0; }
    /// The capacity the entries would have as a std::vector (see above).
    size_t capacity() const { return m_capacity; }
    /// Like std::vector::reserve for capacity() (restore and deep copy).
    void reserve(size_t n);

    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, m_slots.size()); }

    /// The entry at `position` in insertion order: O(1) without holes, and
    /// for the next position after the last one asked for (a loop); else a
    /// walk over the slots. Reading never moves an entry.
    const Entry& operator[](size_t position) const;
    Entry& operator[](size_t position);
    /// Position of `key` in insertion order, or -1.
    int64_t position(std::string_view key) const;

    /// The value of `key`, or nullptr. No reordering, O(1) on average.
    const Value* lookup(std::string_view key) const;
    Value* lookup(std::string_view key);
    /// Adds `key` at the end, or replaces its value in place; true when added.
    bool set(std::string_view key, Value v);
    /// Adds an entry whose key the caller knows is new (copies, restore).
    void append(std::string key, Value v);
    /// Removes `key` (into `*removed` when given); false when absent.
    bool remove(std::string_view key, Value* removed);

    /// Sum of the live keys' string capacities (what they are charged).
    int64_t keyBytes() const { return m_keyBytes; }

private:
    static constexpr size_t kLinearSlots = 8; ///< up to this many slots: no index, a scan
    static constexpr uint32_t kHole = 0;       ///< m_hashes of a removed entry (live hashes are odd)

    uint32_t hashOf(std::string_view key) const;
    /// Slot of `key` (hash `h`), or -1.
    int64_t findSlot(std::string_view key, uint32_t h) const;
    void addSlot(std::string key, uint32_t h, Value v);
    void indexSlot(uint32_t slot);
    void rebuildIndex();
    /// Drops the holes (slots move down, the index is rebuilt).
    void squeeze();
    /// The slot of the live entry at `position` (there are holes).
    size_t slotAt(size_t position) const;
    void growCapacityForOneMore();

    std::vector<Entry> m_slots;       ///< insertion order; holes keep their place
    std::vector<uint32_t> m_hashes;   ///< per slot: the key's hash (odd), kHole for a hole
    std::vector<uint32_t> m_index;    ///< slot + 1 per bucket, 0 empty; empty for small maps
    uint64_t m_seed = 0;
    size_t m_live = 0;
    size_t m_holes = 0;
    uint32_t m_reseeds = 0; ///< re-hashes for long probe sequences since the index last grew
    /// Positional reads with holes: the last position asked for and its
    /// slot (a cache only; any change of the map resets it).
    mutable size_t m_cursorPosition = SIZE_MAX, m_cursorSlot = 0;
    size_t m_capacity = 0;
    int64_t m_keyBytes = 0;
};

} // namespace aeroflow::engine
