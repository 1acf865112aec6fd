// Read-only queries (see TraceQuery.h).

#include "TraceQuery.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <span>

namespace aeroflow::debugger {

namespace {

std::string cellText(const Statement& st, int c)
{
    switch (st.columnType(c)) {
    case SQLITE_NULL: return "NULL";
    case SQLITE_INTEGER: return std::to_string(st.columnInt(c));
    case SQLITE_FLOAT: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", st.columnDouble(c));
        return buf;
    }
    case SQLITE_BLOB: {
        const std::string_view b = st.columnBlob(c);
        std::string out = "x'";
        static const char* digits = "0123456789abcdef";
        for (size_t i = 0; i < b.size() && i < 32; ++i) {
            out += digits[uint8_t(b[i]) >> 4];
            out += digits[uint8_t(b[i]) & 15];
        }
        out += b.size() > 32 ? "...'" : "'";
        return out;
    }
    default: {
        std::string t = st.columnText(c);
        for (char& ch : t)
            if (ch == '\n' || ch == '\t')
                ch = ' ';
        return t;
    }
    }
}

size_t displayWidth(const std::string& s)
{
    size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

} // namespace

namespace {

// Functions a reading query may call: SQLite's own scalar, aggregate,
// window, date, math and JSON functions. Not here, so refused: anything
// that reaches outside the database or changes how it is read
// (fts3_tokenizer, load_extension, and whatever an extension may add).
constexpr std::string_view kSafeFunctions[] = {
    "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif",
    "instr", "last_insert_rowid", "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min",
    "nullif", "octet_length", "printf", "quote", "random", "randomblob", "replace", "round", "rtrim", "sign",
    "soundex", "sqlite_version", "substr", "substring", "total_changes", "trim", "typeof", "unhex", "unicode",
    "unlikely", "upper", "zeroblob",
    "avg", "count", "group_concat", "string_agg", "sum", "total",
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
    "last_value", "nth_value",
    "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff",
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees",
    "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin", "sinh", "sqrt",
    "tan", "tanh", "trunc",
    "json", "json_array", "json_array_length", "json_error_position", "json_extract", "json_insert",
    "json_object", "json_patch", "json_pretty", "json_quote", "json_remove", "json_replace", "json_set",
    "json_type", "json_valid", "json_group_array", "json_group_object", "json_each", "json_tree",
};

// Pragmas that only describe the schema or the file, whatever their
// argument. Pragmas that can also set something (user_version,
// schema_version, journal_mode, ...) are refused even to read.
constexpr std::string_view kSafePragmas[] = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "page_count", "page_size", "freelist_count", "collation_list", "function_list", "pragma_list",
};

// The largest string or blob one value may become (randomblob(1e9),
// printf('%.*c', ...)): far above any value a recording holds, far below
// what would exhaust memory.
constexpr int kMaxValueBytes = 256 << 20;

bool listed(std::span<const std::string_view> list, const char* name)
{
    if (!name)
        return false;
    std::string lower(name);
    for (char& c : lower)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return std::find(list.begin(), list.end(), lower) != list.end();
}

struct Guard {
    std::string refused;                               ///< why the authorizer said no
    std::chrono::steady_clock::time_point deadline{};
    bool timed = false;
    bool timedOut = false;
};

int authorize(void* ctx, int action, const char* a1, const char* a2, const char*, const char*)
{
    auto* g = static_cast<Guard*>(ctx);
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        if (listed(kSafeFunctions, a2))
            return SQLITE_OK;
        g->refused = "function '" + std::string(a2 ? a2 : "?") + "' is not allowed in a query";
        return SQLITE_DENY;
    case SQLITE_PRAGMA:
        if (listed(kSafePragmas, a1))
            return SQLITE_OK;
        g->refused = "PRAGMA " + std::string(a1 ? a1 : "?") + " is not allowed in a query";
        return SQLITE_DENY;
    case SQLITE_ATTACH:
        g->refused = "ATTACH is not allowed in a query";
        return SQLITE_DENY;
    default:
        g->refused = "only reading statements are allowed in a query";
        return SQLITE_DENY;
    }
}

int progress(void* ctx)
{
    auto* g = static_cast<Guard*>(ctx);
    if (g->timed && std::chrono::steady_clock::now() >= g->deadline) {
        g->timedOut = true;
        return 1; // interrupts the statement
    }
    return 0;
}

/// Installs the guard on the connection for the life of this object.
class Guarded {
public:
    Guarded(sqlite3* db, Guard& g) : m_db(db), m_limit(sqlite3_limit(db, SQLITE_LIMIT_LENGTH, kMaxValueBytes))
    {
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
        sqlite3_set_authorizer(db, authorize, &g);
        // Every 1,000 virtual machine steps: a few microseconds apart.
        sqlite3_progress_handler(db, 1000, progress, &g);
    }
    ~Guarded()
    {
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
        sqlite3_set_authorizer(m_db, nullptr, nullptr);
        sqlite3_limit(m_db, SQLITE_LIMIT_LENGTH, m_limit);
    }
    Guarded(const Guarded&) = delete;
    Guarded& operator=(const Guarded&) = delete;

private:
    sqlite3* m_db;
    int m_limit;
};

std::string seconds(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

} // namespace

Result<QueryTable> runQuery(TraceReader& trace, const std::string& sql, const QueryLimits& limits)
{
    Database& db = trace.database();
    if (!db.exec("PRAGMA query_only=1"))
        return std::unexpected("cannot make the connection read-only: " + db.lastError());
    Guard guard;
    Guarded guarded(db.handle(), guard);
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), int(sql.size()), &raw, &tail) != SQLITE_OK) {
        sqlite3_finalize(raw);
        if (!guard.refused.empty())
            return std::unexpected("query refused: " + guard.refused +
                                   " (the trace is read-only here: SELECT with SQLite's own functions)");
        return std::unexpected("query error: " + db.lastError());
    }
    Statement st(raw);
    if (!st.valid())
        return std::unexpected("the query is empty");
    for (const char* p = tail; p && *p; ++p)
        if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';')
            return std::unexpected("one statement at a time, please (found more after the first)");
    if (!sqlite3_stmt_readonly(raw))
        return std::unexpected("the trace is read-only here: only queries that change nothing are allowed");
    QueryTable t;
    for (int c = 0; c < st.columnCount(); ++c)
        t.columns.push_back(st.columnName(c));
    if (limits.timeoutSeconds > 0) {
        guard.timed = true;
        guard.deadline = std::chrono::steady_clock::now() +
                         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                             std::chrono::duration<double>(limits.timeoutSeconds));
    }
    size_t bytes = 0;
    while (st.step()) {
        if (t.rows.size() >= limits.maxRows) {
            t.truncated = true;
            t.why = "more than " + std::to_string(limits.maxRows) + " rows";
            break;
        }
        std::vector<std::string> row;
        for (int c = 0; c < st.columnCount(); ++c) {
            std::string cell = cellText(st, c);
            if (bytes + cell.size() > limits.maxBytes) {
                cell = clipText(cell, limits.maxBytes > bytes ? limits.maxBytes - bytes : 0);
                t.truncated = true;
                t.why = "more than " +
                        (limits.maxBytes % (1u << 20) == 0 ? std::to_string(limits.maxBytes >> 20) + " MiB"
                                                            : std::to_string(limits.maxBytes) + " bytes") +
                        " of text";
            }
            bytes += cell.size();
            row.push_back(std::move(cell));
        }
        t.rows.push_back(std::move(row));
        if (t.truncated)
            break;
    }
    if (!st.ok()) {
        if (guard.timedOut)
            return std::unexpected("query stopped: it ran longer than " + seconds(limits.timeoutSeconds) +
                                   " s (--timeout SECONDS sets the limit)");
        return std::unexpected("query error: " + db.lastError());
    }
    return t;
}

std::string formatTable(const QueryTable& t)
{
    std::vector<size_t> width(t.columns.size(), 0);
    for (size_t c = 0; c < t.columns.size(); ++c)
        width[c] = displayWidth(t.columns[c]);
    for (const auto& row : t.rows)
        for (size_t c = 0; c < row.size() && c < width.size(); ++c)
            width[c] = std::max(width[c], std::min<size_t>(displayWidth(row[c]), 80));
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (size_t c = 0; c < cells.size(); ++c) {
            std::string cell = cells[c];
            out += cell;
            if (c + 1 < cells.size())
                out.append(width[c] > displayWidth(cell) ? width[c] - displayWidth(cell) + 2 : 2, ' ');
        }
        out += '\n';
    };
    line(t.columns);
    for (size_t c = 0; c < width.size(); ++c) {
        out.append(width[c], '-');
        if (c + 1 < width.size())
            out += "  ";
    }
    out += '\n';
    for (const auto& row : t.rows)
        line(row);
    return out;
}

} // namespace aeroflow::debugger
