#pragma once
// Engine-internal: the byte-level pieces of `.afs` snapshots. ByteWriter and
// ByteReader encode little-endian integers; SnapshotIo walks a Scheduler's
// private state (it is the Scheduler's friend) into sections and back.
// Snapshot.cpp owns the container format (header, section table, checksums).

#include "Scheduler.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <expected>
#include <string>
#include <string_view>

namespace aeroflow::engine {

class ByteWriter {
public:
    explicit ByteWriter(std::string& out) : m_out(out) {}
    template <typename T>
    void put(T v)
    {
        static_assert(std::is_integral_v<T>);
        if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1)
            v = std::byteswap(v);
        const size_t at = m_out.size();
        m_out.resize(at + sizeof(T));
        std::memcpy(m_out.data() + at, &v, sizeof(T));
    }
    void u8(uint8_t v) { put(v); }
    void u32(uint32_t v) { put(v); }
    void u64(uint64_t v) { put(v); }
    void i64(int64_t v) { put(uint64_t(v)); }
    void f64(double v) { put(std::bit_cast<uint64_t>(v)); }
    void bytes(std::string_view s)
    {
        u64(s.size());
        m_out.append(s);
    }
    void raw(const void* p, size_t n) { m_out.append(static_cast<const char*>(p), n); }
    /// Appends `n` bytes to fill in with store64(); returns their offset.
    size_t grow(size_t n)
    {
        const size_t at = m_out.size();
        m_out.resize(at + n);
        return at;
    }
    void store64(size_t at, uint64_t v)
    {
        if constexpr (std::endian::native == std::endian::big)
            v = std::byteswap(v);
        std::memcpy(m_out.data() + at, &v, 8);
    }
    size_t size() const { return m_out.size(); }

private:
    std::string& m_out;
};

/// Reads what ByteWriter wrote; every read is bounds-checked and a short
/// input sets `failed` (and yields zeros) instead of reading past the end.
class ByteReader {
public:
    explicit ByteReader(std::string_view in) : m_in(in) {}
    template <typename T>
    T get()
    {
        T v{};
        if (m_in.size() - m_pos < sizeof(T)) {
            failed = true;
            m_pos = m_in.size();
            return v;
        }
        std::memcpy(&v, m_in.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1)
            v = std::byteswap(v);
        return v;
    }
    uint8_t u8() { return get<uint8_t>(); }
    uint32_t u32() { return get<uint32_t>(); }
    uint64_t u64() { return get<uint64_t>(); }
    int64_t i64() { return int64_t(get<uint64_t>()); }
    double f64() { return std::bit_cast<double>(get<uint64_t>()); }
    std::string_view bytes()
    {
        const uint64_t n = u64();
        if (failed || n > m_in.size() - m_pos) {
            failed = true;
            m_pos = m_in.size();
            return {};
        }
        std::string_view s = m_in.substr(m_pos, n);
        m_pos += n;
        return s;
    }
    /// `n` raw bytes (nullptr and failed when short).
    const char* raw(size_t n)
    {
        if (n > m_in.size() - m_pos) {
            failed = true;
            m_pos = m_in.size();
            return nullptr;
        }
        const char* p = m_in.data() + m_pos;
        m_pos += n;
        return p;
    }
    /// Bytes not yet read: an upper bound for element counts read next.
    size_t remaining() const { return m_in.size() - m_pos; }
    bool atEnd() const { return m_pos == m_in.size(); }
    bool failed = false;

private:
    std::string_view m_in;
    size_t m_pos = 0;
};

/// Section kinds of an `.afs` image, in file order.
/// World (version 2 only): what the run knows of the outside world.
/// Supervision (version 4 only): monitors, links, supervisors, pending asks
/// and the kind of each queued request, answer or timeout.
enum class SectionKind : uint32_t { Source = 1, Objects = 2, Actors = 3, Queue = 4, Main = 5, World = 6, Supervision = 7 };

/// The encoded sections of one scheduler. The object table, by far the
/// largest, is appended straight to the image buffer (no copy). `world` is
/// empty when the run has never touched the outside world (a version-1 image).
struct SnapshotSections {
    std::string actors, queue, main, world;
    std::string supervision; ///< empty when no actor ever monitored, linked, supervised or asked
};

class SnapshotIo {
public:
    /// Appends the object section to `image` and returns the others.
    static SnapshotSections save(const Scheduler& s, std::string& image);
    /// Bytes of heap the run holds (an estimate of the object section's size).
    static int64_t heapBytes(const Scheduler& s)
    {
        int64_t n = 0;
        for (int64_t b : s.m_heap.bytesByActor)
            n += b > 0 ? b : 0;
        return n;
    }
    /// Fills a freshly constructed (not started) scheduler from sections.
    /// `version` is the image's (actor parents from 3 on); `world` is empty
    /// when the image has no world section.
    static std::expected<void, std::string> load(Scheduler& s, uint32_t version, std::string_view objects,
                                                 std::string_view actors, std::string_view queue,
                                                 std::string_view main, std::string_view world,
                                                 std::string_view supervision = {});
    static uint64_t seed(const Scheduler& s) { return s.m_options.seed; }
    static uint64_t queued(const Scheduler& s) { return s.m_queue.size(); }
    /// The run has touched the outside world: its image needs section 6.
    static bool touchesWorld(const Scheduler& s);
    static bool between(const Scheduler& s) { return s.m_started && s.m_mainFiber && s.m_ctx.empty(); }

private:
    // SnapshotSupervision.cpp: section 7. `queue` is the queue in saved order.
    static void saveSupervision(const Scheduler& s, const std::vector<const Scheduler::Envelope*>& queue,
                                std::string& out);
    static std::expected<void, std::string> loadSupervision(Scheduler& s, std::string_view section,
                                                            std::vector<Scheduler::Envelope>& queue);
};

} // namespace aeroflow::engine
