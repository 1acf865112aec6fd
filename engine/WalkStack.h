#pragma once
// The explicit stack of the engine's walks over values (printing, hashing,
// equality): every walk is iterative, so a value nested a million levels
// deep costs heap, never C++ stack. The first few levels live inline, so
// walking a flat value allocates nothing.

#include <cstddef>
#include <vector>

namespace aeroflow::engine {

template <typename T, size_t Inline = 16>
class WalkStack {
public:
    bool empty() const { return m_size == 0; }
    size_t size() const { return m_size; }
    T& back() { return m_size <= Inline ? m_inline[m_size - 1] : m_more[m_size - Inline - 1]; }
    /// Pushes a default frame and returns it. Frames past the inline ones may
    /// move: re-read back() after a push.
    T& push()
    {
        if (m_size < Inline) {
            m_inline[m_size] = T();
            return m_inline[m_size++];
        }
        m_more.emplace_back();
        ++m_size;
        return m_more.back();
    }
    void pop()
    {
        if (m_size > Inline)
            m_more.pop_back();
        --m_size;
    }

private:
    T m_inline[Inline];
    std::vector<T> m_more;
    size_t m_size = 0;
};

} // namespace aeroflow::engine
