#include "BookmarkStore.h"

#include <filesystem>

namespace aeroflow::timeline {

namespace {

constexpr const char* kCreate
    = "CREATE TABLE IF NOT EXISTS bookmarks(id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, note TEXT NOT NULL)";

} // namespace

debugger::Result<std::vector<Bookmark>> BookmarkStore::list(std::string* damage) const
{
    auto reader = debugger::TraceReader::open(m_path);
    if (!reader)
        return std::unexpected(reader.error());
    auto extent = (*reader)->extent();
    if (!extent)
        return std::unexpected(extent.error());
    auto& db = (*reader)->database();
    if (db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'bookmarks'", 0) == 0)
        return std::vector<Bookmark> {};
    // The table is the only one anyone writes after a recording, so it is
    // read as untrusted as the rest: a bounded number of rows, bounded notes,
    // ticks the run has.
    const std::string rows = "(SELECT id, tick, note FROM bookmarks ORDER BY id LIMIT ?1)";
    auto st = db.prepare("SELECT id, tick, CAST(substr(CAST(note AS BLOB), 1, ?2) AS TEXT), length(CAST(note AS BLOB)) "
                         "FROM " + rows + " WHERE tick BETWEEN 0 AND ?3 ORDER BY tick, id");
    auto bad = db.prepare("SELECT id, tick FROM " + rows + " WHERE tick NOT BETWEEN 0 AND ?3 ORDER BY id LIMIT 1");
    if (!st.valid() || !bad.valid())
        return std::unexpected("cannot read the bookmarks of " + m_path + ": " + db.lastError());
    const auto lastTick = int64_t(std::min<uint64_t>(extent->finalTick, INT64_MAX));
    st.bind(1, kMaxBookmarks);
    st.bind(2, kMaxNoteBytes);
    st.bind(3, lastTick);
    std::vector<Bookmark> out;
    while (st.step())
        out.push_back({ st.columnInt(0), uint64_t(st.columnInt(1)),
            debugger::cutText(st.columnText(2), uint64_t(std::max<int64_t>(0, st.columnInt(3))), kMaxNoteBytes) });
    if (!st.ok())
        return std::unexpected("cannot read the bookmarks of " + m_path + ": " + db.lastError());
    if (damage) {
        bad.bind(1, kMaxBookmarks);
        bad.bind(3, lastTick);
        if (bad.step())
            *damage = debugger::damagedTrace("bookmark " + std::to_string(bad.columnInt(0)) + " is at tick "
                + std::to_string(bad.columnInt(1)) + " but the run ends at tick " + std::to_string(lastTick));
        else if (db.scalar("SELECT count(*) FROM (SELECT 1 FROM bookmarks LIMIT " + std::to_string(kMaxBookmarks + 1)
                     + ")", 0)
            > kMaxBookmarks)
            *damage = "only the first " + std::to_string(kMaxBookmarks) + " bookmarks of the trace are shown";
    }
    return out;
}

debugger::Result<void> BookmarkStore::openForWriting(debugger::Database& db) const
{
    // Validate as a trace first (read-only), so a foreign file is never written.
    auto reader = debugger::TraceReader::open(m_path);
    if (!reader)
        return std::unexpected(reader.error());
    if (!(*reader)->info().complete)
        return std::unexpected("cannot store bookmarks in " + m_path
            + ": the trace is still being recorded (or its recording was cut off)");
    reader->reset();
    std::error_code ec;
    const auto perms = std::filesystem::status(m_path, ec).permissions();
    if (ec || (perms & std::filesystem::perms::owner_write) == std::filesystem::perms::none)
        return std::unexpected("cannot store bookmarks in " + m_path + ": the file is read-only");
    if (!db.open(m_path, debugger::Database::Mode::ReadWriteCreate))
        return std::unexpected("cannot store bookmarks in " + m_path + ": " + db.lastError());
    db.exec("PRAGMA busy_timeout = 1000");
    if (!db.exec(kCreate))
        return std::unexpected("cannot store bookmarks in " + m_path + ": " + db.lastError()
            + ((db.lastErrorCode() & 0xff) == 5 ? " (another reader holds it; try again)" : ""));
    return {};
}

debugger::Result<int64_t> BookmarkStore::add(uint64_t tick, const std::string& note)
{
    debugger::Database db;
    if (auto ok = openForWriting(db); !ok)
        return std::unexpected(ok.error());
    auto st = db.prepare("INSERT INTO bookmarks(tick, note) VALUES (?, ?)");
    if (!st.valid())
        return std::unexpected("cannot add a bookmark: " + db.lastError());
    st.bind(1, int64_t(tick));
    st.bindText(2, note);
    st.step();
    if (!st.ok())
        return std::unexpected("cannot add a bookmark: " + db.lastError());
    return db.scalar("SELECT last_insert_rowid()", 0);
}

debugger::Result<void> BookmarkStore::remove(int64_t id)
{
    debugger::Database db;
    if (auto ok = openForWriting(db); !ok)
        return std::unexpected(ok.error());
    auto st = db.prepare("DELETE FROM bookmarks WHERE id = ?");
    st.bind(1, id);
    st.step();
    if (!st.ok())
        return std::unexpected("cannot remove the bookmark: " + db.lastError());
    if (db.scalar("SELECT changes()", 0) == 0)
        return std::unexpected("no bookmark " + std::to_string(id));
    return {};
}

} // namespace aeroflow::timeline
