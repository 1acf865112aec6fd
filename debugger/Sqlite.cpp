// RAII over the SQLite C API (see Sqlite.h).

#include "Sqlite.h"

#include <sqlite3.h>

namespace aeroflow::debugger {

Statement& Statement::operator=(Statement&& o) noexcept
{
    if (this != &o) {
        sqlite3_finalize(m_stmt);
        m_stmt = o.m_stmt;
        m_rc = o.m_rc;
        o.m_stmt = nullptr;
    }
    return *this;
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

void Statement::bind(int index, int64_t value)
{
    sqlite3_bind_int64(m_stmt, index, value);
}

void Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
}

void Statement::bindText(int index, std::string_view text, bool transient)
{
    sqlite3_bind_text(m_stmt, index, text.data(), int(text.size()), transient ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

void Statement::bindBlob(int index, std::string_view bytes, bool transient)
{
    // A zero-length blob must still be a blob, not NULL: SQLite treats a null
    // pointer as NULL, so point at a static empty buffer.
    static const char empty = 0;
    const char* data = bytes.empty() ? &empty : bytes.data();
    sqlite3_bind_blob(m_stmt, index, data, int(bytes.size()), transient ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

bool Statement::step()
{
    m_rc = sqlite3_step(m_stmt);
    return m_rc == SQLITE_ROW;
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    m_rc = 0;
}

int Statement::columnCount() const
{
    return sqlite3_column_count(m_stmt);
}

std::string Statement::columnName(int column) const
{
    const char* n = sqlite3_column_name(m_stmt, column);
    return n ? n : "";
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

int64_t Statement::columnInt(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::columnDouble(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::columnText(int column) const
{
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return t ? std::string(t, size_t(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

std::string_view Statement::columnBlob(int column) const
{
    const auto* b = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
    return b ? std::string_view(b, size_t(sqlite3_column_bytes(m_stmt, column))) : std::string_view();
}

int Statement::columnType(int column) const
{
    return sqlite3_column_type(m_stmt, column);
}

Database& Database::operator=(Database&& o) noexcept
{
    if (this != &o) {
        close();
        m_db = o.m_db;
        o.m_db = nullptr;
    }
    return *this;
}

Database::~Database()
{
    close();
}

bool Database::open(const std::string& path, Mode mode)
{
    close();
    const int flags = mode == Mode::ReadOnly    ? SQLITE_OPEN_READONLY
                      : mode == Mode::ReadWrite ? SQLITE_OPEN_READWRITE
                                                : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    // NOMUTEX: every connection is used by one thread at a time.
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        m_openError = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close(db);
        return false;
    }
    m_db = db;
    m_openError.clear();
    // A reader meeting a busy writer (the Studio reading a live recording)
    // waits a little instead of failing at once.
    sqlite3_busy_timeout(m_db, 2000);
    sqlite3_extended_result_codes(m_db, 1);
    return true;
}

void Database::close()
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool Database::exec(std::string_view sql)
{
    if (!m_db)
        return false;
    std::string s(sql);
    return sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

Statement Database::prepare(std::string_view sql, bool persistent)
{
    if (!m_db)
        return {};
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sql.data(), int(sql.size()), persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt,
                           nullptr) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return {};
    }
    return Statement(stmt);
}

int64_t Database::scalar(std::string_view sql, int64_t fallback)
{
    Statement s = prepare(sql);
    if (!s.valid() || !s.step() || s.isNull(0))
        return fallback;
    return s.columnInt(0);
}

std::string Database::lastError() const
{
    if (!m_db)
        return m_openError.empty() ? "database is not open" : m_openError;
    return sqlite3_errmsg(m_db);
}

int Database::lastErrorCode() const
{
    return m_db ? sqlite3_extended_errcode(m_db) : SQLITE_MISUSE;
}

} // namespace aeroflow::debugger
