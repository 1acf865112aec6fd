#pragma once
// `aeroflow query`: one read-only SQL statement over a trace. The connection
// is opened SQLITE_OPEN_READONLY and runs with PRAGMA query_only=1, so the
// user's data cannot be changed through it. The statement is also held to
// what reading needs: an authorizer allows only reads (SELECT, reading
// columns, recursive CTEs), functions from a safe list and informational
// pragmas (no ATTACH, no fts3_tokenizer or load_extension, no pragma that
// writes), and every statement runs under a time limit, a row cap and a cap
// on the bytes it may produce, so no query can run or grow without bound.

#include "TraceReader.h"

#include <string>
#include <vector>

namespace aeroflow::debugger {

struct QueryLimits {
    double timeoutSeconds = 30;          ///< wall time of the statement (<= 0: none)
    size_t maxRows = 100'000;            ///< rows kept; more set `truncated`
    size_t maxBytes = 32u << 20;         ///< bytes of cell text kept; more set `truncated`
};

struct QueryTable {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows; ///< NULL as "NULL", blobs as x'..' (long ones shortened)
    bool truncated = false;                     ///< stopped at a cap; `why` says which
    std::string why;                            ///< "100000 rows", "32 MiB of text"
};

/// Runs exactly one statement on an open trace (which it switches to
/// query_only). A statement the authorizer refuses, one that runs past the
/// time limit, or any SQLite error is an error with a message saying so.
Result<QueryTable> runQuery(TraceReader& trace, const std::string& sql, const QueryLimits& limits = {});

/// Columns padded to their widest cell, a rule under the header.
std::string formatTable(const QueryTable& table);

} // namespace aeroflow::debugger
