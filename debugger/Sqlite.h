#pragma once
// A thin RAII layer over the SQLite C API: one Database owns a connection,
// Statements are prepared once and reused. Errors are values (false / a
// message in lastError()), never exceptions; the debugger is the only code
// that talks to SQLite (STYLE.md: one TraceStore owns SQLite).

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace aeroflow::debugger {

class Statement {
public:
    Statement() = default;
    Statement(sqlite3_stmt* stmt) : m_stmt(stmt) {}
    Statement(Statement&& o) noexcept : m_stmt(o.m_stmt) { o.m_stmt = nullptr; }
    Statement& operator=(Statement&& o) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    bool valid() const { return m_stmt != nullptr; }
    /// Binding is 1-based, as in SQLite. Text and blobs are copied only when
    /// `transient` (otherwise they must outlive the next step()).
    void bind(int index, int64_t value);
    void bindNull(int index);
    void bindText(int index, std::string_view text, bool transient = true);
    void bindBlob(int index, std::string_view bytes, bool transient = true);
    /// SQLITE_ROW: true; SQLITE_DONE: false with ok() true; an error: false
    /// with ok() false.
    bool step();
    bool ok() const { return m_rc == 0 || m_rc == 100 || m_rc == 101; }
    int resultCode() const { return m_rc; }
    void reset();

    int columnCount() const;
    std::string columnName(int column) const;
    bool isNull(int column) const;
    int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;
    /// Valid until the next step() or reset().
    std::string_view columnBlob(int column) const;
    /// SQLITE_INTEGER (1), SQLITE_FLOAT (2), SQLITE_TEXT (3), SQLITE_BLOB (4), SQLITE_NULL (5).
    int columnType(int column) const;

    sqlite3_stmt* handle() const { return m_stmt; }

private:
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc = 0;
};

class Database {
public:
    /// ReadWrite opens an existing file only (never creates one).
    enum class Mode { ReadOnly, ReadWriteCreate, ReadWrite };
    Database() = default;
    Database(Database&& o) noexcept : m_db(o.m_db) { o.m_db = nullptr; }
    Database& operator=(Database&& o) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    /// Opens `path`; false with lastError() on failure.
    bool open(const std::string& path, Mode mode);
    void close();
    bool isOpen() const { return m_db != nullptr; }

    /// Runs one or more statements without results.
    bool exec(std::string_view sql);
    /// A prepared statement; invalid (with lastError()) when the SQL does not compile.
    /// `persistent` hints SQLite that it will be reused many times.
    Statement prepare(std::string_view sql, bool persistent = false);
    /// The first column of the first row of `sql` as an integer, or `fallback`.
    int64_t scalar(std::string_view sql, int64_t fallback = -1);

    std::string lastError() const;
    /// SQLite's extended result code of the last failure.
    int lastErrorCode() const;
    sqlite3* handle() const { return m_db; }

private:
    sqlite3* m_db = nullptr;
    std::string m_openError;
};

} // namespace aeroflow::debugger
