// Read-only queries (see TraceQuery.h).

#include "TraceQuery.h"

#include <sqlite3.h>

#include <cstdio>

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

Result<QueryTable> runQuery(TraceReader& trace, const std::string& sql, size_t maxRows)
{
    Database& db = trace.database();
    if (!db.exec("PRAGMA query_only=1"))
        return std::unexpected("cannot make the connection read-only: " + db.lastError());
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), int(sql.size()), &raw, &tail) != SQLITE_OK) {
        sqlite3_finalize(raw);
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
    while (st.step()) {
        if (t.rows.size() >= maxRows) {
            t.truncated = true;
            break;
        }
        std::vector<std::string> row;
        for (int c = 0; c < st.columnCount(); ++c)
            row.push_back(cellText(st, c));
        t.rows.push_back(std::move(row));
    }
    if (!st.ok())
        return std::unexpected("query error: " + db.lastError());
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
