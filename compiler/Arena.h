#pragma once
// Bump allocation for AST nodes. Everything allocated here must be trivially
// destructible: the arena frees memory without running destructors.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <vector>

namespace aeroflow::compiler {

/// A read-only view of arena-allocated elements.
template <class T>
struct Span {
    T* ptr = nullptr;
    uint32_t count = 0;
    T* begin() const { return ptr; }
    T* end() const { return ptr + count; }
    uint32_t size() const { return count; }
    bool empty() const { return count == 0; }
    T& operator[](uint32_t i) const { return ptr[i]; }
    T& back() const { return ptr[count - 1]; }
};

class Arena {
public:
    Arena() = default;
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;

    void* allocate(size_t size, size_t align)
    {
        uintptr_t p = (reinterpret_cast<uintptr_t>(m_cur) + align - 1) & ~(uintptr_t(align) - 1);
        if (p + size > reinterpret_cast<uintptr_t>(m_end)) {
            grow(size + align);
            p = (reinterpret_cast<uintptr_t>(m_cur) + align - 1) & ~(uintptr_t(align) - 1);
        }
        m_cur = reinterpret_cast<char*>(p + size);
        return reinterpret_cast<void*>(p);
    }

    template <class T, class... Args>
    T* make(Args&&... args)
    {
        static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
        return new (allocate(sizeof(T), alignof(T))) T{std::forward<Args>(args)...};
    }

    template <class T>
    Span<T> copy(const T* data, size_t n)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        if (n == 0)
            return {};
        T* p = static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
        std::memcpy(static_cast<void*>(p), data, sizeof(T) * n);
        return {p, static_cast<uint32_t>(n)};
    }
    template <class T>
    Span<T> copy(const std::vector<T>& v) { return copy(v.data(), v.size()); }

    std::string_view copyString(std::string_view s)
    {
        if (s.empty())
            return {};
        char* p = static_cast<char*>(allocate(s.size(), 1));
        std::memcpy(p, s.data(), s.size());
        return {p, s.size()};
    }

    size_t bytesAllocated() const { return m_total; }

private:
    void grow(size_t atLeast)
    {
        size_t size = atLeast > kChunk ? atLeast : kChunk;
        // Not value-initialised: zeroing would touch every page up front.
        m_chunks.push_back(std::unique_ptr<char[]>(new char[size]));
        m_cur = m_chunks.back().get();
        m_end = m_cur + size;
        m_total += size;
    }
    static constexpr size_t kChunk = 256 * 1024;
    std::vector<std::unique_ptr<char[]>> m_chunks;
    char* m_cur = nullptr;
    char* m_end = nullptr;
    size_t m_total = 0;
};

} // namespace aeroflow::compiler
