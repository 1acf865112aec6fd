#pragma once
// Interned identifiers: each distinct spelling gets a small integer id, so the
// checker compares and looks up names without touching strings.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aeroflow::compiler {

/// An interned identifier. 0 is "no name".
using Name = uint32_t;

class Interner {
public:
    Interner() { m_texts.emplace_back(); }

    Name intern(std::string_view s)
    {
        auto it = m_ids.find(s);
        if (it != m_ids.end())
            return it->second;
        m_storage.emplace_back(s);
        std::string_view stored = m_storage.back();
        const Name id = static_cast<Name>(m_texts.size());
        m_texts.push_back(stored);
        m_ids.emplace(stored, id);
        return id;
    }
    /// A name private to one file of a program (`_helper` of a module): the
    /// same spelling in another `scope` is another name, so files cannot see
    /// or clash with each other's private names. text() gives the spelling.
    Name internPrivate(std::string_view s, uint32_t scope)
    {
        std::string key = "\x01" + std::to_string(scope) + "\x01";
        key += s;
        auto it = m_ids.find(key);
        if (it != m_ids.end())
            return it->second;
        m_storage.emplace_back(std::move(key));
        std::string_view storedKey = m_storage.back();
        const Name id = static_cast<Name>(m_texts.size());
        m_texts.push_back(storedKey.substr(storedKey.size() - s.size()));
        m_ids.emplace(storedKey, id);
        return id;
    }
    /// The id of an already interned spelling, or 0.
    Name find(std::string_view s) const
    {
        auto it = m_ids.find(s);
        return it == m_ids.end() ? 0 : it->second;
    }
    std::string_view text(Name n) const { return n < m_texts.size() ? m_texts[n] : std::string_view{}; }
    size_t size() const { return m_texts.size(); }

private:
    std::deque<std::string> m_storage; // stable addresses for the views below
    std::vector<std::string_view> m_texts;
    std::unordered_map<std::string_view, Name> m_ids;
};

} // namespace aeroflow::compiler
