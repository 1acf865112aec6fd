#pragma once
// `aeroflow query`: one read-only SQL statement over a trace. The connection
// is opened SQLITE_OPEN_READONLY and runs with PRAGMA query_only=1, so the
// user's data cannot be changed through it.

#include "TraceReader.h"

#include <string>
#include <vector>

namespace aeroflow::debugger {

struct QueryTable {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows; ///< NULL as "NULL", blobs as x'..' (long ones shortened)
    bool truncated = false;                     ///< more than maxRows rows
};

/// Runs exactly one statement on an open trace (which it switches to query_only).
Result<QueryTable> runQuery(TraceReader& trace, const std::string& sql, size_t maxRows = 100'000);

/// Columns padded to their widest cell, a rule under the header.
std::string formatTable(const QueryTable& table);

} // namespace aeroflow::debugger
