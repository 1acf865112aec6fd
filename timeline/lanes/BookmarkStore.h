#pragma once
// Bookmarks (a tick and a note) stored in the trace file itself, in their own
// table, created on first use:
//
//   CREATE TABLE bookmarks(id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, note TEXT NOT NULL)
//
// Nothing else in the trace is ever modified. Listing reads through a
// read-only connection (a missing table is an empty list). Adding or removing
// opens a short read-write connection and refuses, with a clear message, a
// file that is read-only, not a trace, or still being recorded
// (meta.complete absent: writing then could stall the recorder).
// Not thread-safe; cheap to construct (no connection is kept open).

#include "TraceReader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aeroflow::timeline {

struct Bookmark {
    int64_t id = 0;
    uint64_t tick = 0;
    std::string note;
    bool operator==(const Bookmark&) const = default;
};

class BookmarkStore {
public:
    explicit BookmarkStore(std::string tracePath)
        : m_path(std::move(tracePath))
    {
    }

    const std::string& path() const { return m_path; }
    /// The bookmarks ordered by tick, then id: of the first kMaxBookmarks
    /// rows, those at a tick of the run (0..its last tick), notes cut to
    /// kMaxNoteBytes. Rows left out are named in `damage` when given
    /// ("this trace looks damaged: bookmark 3 is at tick …").
    debugger::Result<std::vector<Bookmark>> list(std::string* damage = nullptr) const;
    static constexpr int64_t kMaxBookmarks = 10'000;
    static constexpr int64_t kMaxNoteBytes = 1'000;
    /// Adds one; returns its id.
    debugger::Result<int64_t> add(uint64_t tick, const std::string& note);
    /// Removes `id` (an unknown id is an error).
    debugger::Result<void> remove(int64_t id);

private:
    debugger::Result<void> openForWriting(debugger::Database& db) const;

    std::string m_path;
};

} // namespace aeroflow::timeline
