#pragma once
// Internal to TraceWorld*.cpp: one row as a scan reads it, and the integer
// helpers both files use. Not part of the debugger's API.

#include "Sqlite.h"
#include "TraceWorld.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace aeroflow::debugger {

namespace world {

/// A seq or rowid as SQLite binds it (values past INT64_MAX clamp).
inline int64_t bindable(uint64_t v)
{
    return int64_t(std::min<uint64_t>(v, uint64_t(INT64_MAX)));
}

inline uint64_t saturatingAdd(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

} // namespace world

/// One row as read, its bytes valid until the statement steps again.
struct TraceWorld::RawRow {
    uint64_t row = 0, seq = 0;
    std::string_view kind;
    uint64_t bytes = 0;
    bool hasValue = false;
    std::string_view value;

    /// Columns: rowid, seq, kind (or anything), length, value-or-NULL.
    static RawRow from(const Statement& st)
    {
        RawRow r;
        r.row = uint64_t(std::max<int64_t>(0, st.columnInt(0)));
        r.seq = uint64_t(std::max<int64_t>(0, st.columnInt(1)));
        r.kind = st.columnBlob(2);
        r.bytes = uint64_t(std::max<int64_t>(0, st.columnInt(3)));
        r.hasValue = !st.isNull(4);
        if (r.hasValue)
            r.value = st.columnBlob(4);
        return r;
    }
};

} // namespace aeroflow::debugger
