// Reading traces (see TraceReader.h). Untrusted input: every row read is
// checked for SQLite errors, every value range for sanity.

#include "TraceReader.h"

#include "Project.h"

#include "Scheduler.h"
#include "TraceSchema.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <mutex>
#include <filesystem>
#include <fstream>

namespace aeroflow::debugger {

namespace {

constexpr std::string_view kSqliteMagic("SQLite format 3\0", 16);

bool parseU64(std::string_view s, uint64_t& out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parseI64(std::string_view s, int64_t& out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parseHex64(std::string_view s, uint64_t& out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out, 16);
    return s.size() == 16 && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// The file's identity for the quick-check cache: size and modification time
// of the file and its WAL. Any write changes one of them.
struct FileStamp {
    uint64_t size = 0, walSize = 0;
    int64_t mtime = 0, walMtime = 0;
    bool operator==(const FileStamp&) const = default;
};

FileStamp stampOf(const std::string& path)
{
    FileStamp s;
    std::error_code ec;
    s.size = std::filesystem::file_size(path, ec);
    s.mtime = ec ? 0 : std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    s.walSize = std::filesystem::file_size(path + "-wal", ec);
    if (ec)
        s.walSize = 0;
    s.walMtime = ec ? 0 : std::filesystem::last_write_time(path + "-wal", ec).time_since_epoch().count();
    return s;
}

// Files that passed PRAGMA quick_check in this process, by path, with the
// stamp they had. The Studio opens one trace from several views (each with
// its own connection) and the check costs ~10 ms per MiB: once per file
// version is enough. A file changed since (any write) is checked again.
std::mutex g_checkedMutex;
std::map<std::string, FileStamp> g_checked;

std::string cacheKey(const std::string& path)
{
    std::error_code ec;
    auto p = std::filesystem::absolute(path, ec);
    return ec ? path : p.lexically_normal().string();
}

bool alreadyChecked(const std::string& path, const FileStamp& stamp)
{
    std::lock_guard lock(g_checkedMutex);
    auto it = g_checked.find(cacheKey(path));
    return it != g_checked.end() && it->second == stamp;
}

void rememberChecked(const std::string& path, const FileStamp& stamp)
{
    std::lock_guard lock(g_checkedMutex);
    g_checked[cacheKey(path)] = stamp;
}

} // namespace

void markTraceChecked(const std::string& path)
{
    rememberChecked(path, stampOf(path));
}

namespace {

uint64_t fileSize(const std::string& path)
{
    std::error_code ec;
    uint64_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
        const auto n = std::filesystem::file_size(path + suffix, ec);
        if (!ec)
            total += n;
    }
    return total;
}

// A writer killed in the middle of a rollback-journal transaction leaves a
// hot journal next to the file (the recorder switching a new trace to WAL
// mode writes the header that way; a Studio bookmark too). The committed
// state is the file with that journal rolled back, and SQLite rolls it back
// only on a connection that may write: a read-only one fails every read
// with SQLITE_READONLY_ROLLBACK ("attempt to write a readonly database").
// WAL leftovers (-wal, -shm) need no such help: a read-only connection
// rebuilds the WAL index in the -shm file (or in its own memory).
bool needsWriterRecovery(Database& db)
{
    Statement probe = db.prepare("SELECT count(*) FROM sqlite_master");
    if (probe.valid() && probe.step())
        return false;
    return (db.lastErrorCode() & 0xff) == SQLITE_READONLY;
}

// Lets SQLite finish what the dead writer left: a read-write connection that
// reads the schema rolls a hot journal back (restoring the last commit, as
// any SQLite connection that may write does on open) and changes nothing
// else. It does not checkpoint a WAL on close, so the file keeps its mode.
Result<void> recoverInterruptedWrite(const std::string& path)
{
    auto fail = [&](const std::string& why) {
        return std::unexpected("trace '" + path + "': the recording was interrupted in the middle of a write and " +
                               "needs recovery, which needs write access to the file and its folder: " + why);
    };
    Database rw;
    if (!rw.open(path, Database::Mode::ReadWrite))
        return fail(rw.lastError());
    sqlite3_db_config(rw.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    Statement probe = rw.prepare("SELECT count(*) FROM sqlite_master");
    if (!probe.valid() || !probe.step())
        return fail(rw.lastError());
    return {};
}

} // namespace

std::string clipText(std::string_view text, size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return std::string(text);
    size_t cut = maxBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut; // not inside a UTF-8 sequence
    return std::string(text.substr(0, cut)) + "… (" + std::to_string(text.size()) + " bytes)";
}

TraceMessage readMessageRow(const Statement& st)
{
    TraceMessage m;
    m.seq = uint64_t(st.columnInt(0));
    m.tick = uint64_t(st.columnInt(1));
    m.sender = st.columnInt(2);
    m.receiver = uint32_t(st.columnInt(3));
    if (!st.isNull(4))
        m.handler = st.columnInt(4);
    m.payload = std::string(st.columnBlob(5));
    m.causeSeq = uint64_t(st.columnInt(6));
    m.stateHash = uint64_t(st.columnInt(7));
    m.outcome = uint8_t(st.columnInt(8));
    return m;
}

std::string TraceReader::fail(std::string_view what) const
{
    return "trace '" + m_path + "': " + std::string(what) + ": " + m_db.lastError();
}

Result<std::unique_ptr<TraceReader>> TraceReader::open(const std::string& path)
{
    std::unique_ptr<TraceReader> r(new TraceReader());
    r->m_path = path;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return std::unexpected("trace '" + path + "': no such file");
    if (!std::filesystem::is_regular_file(path, ec))
        return std::unexpected("trace '" + path + "': not a regular file");
    // Check the SQLite magic ourselves: SQLite's own message for a foreign
    // file ("file is not a database") arrives only at the first query.
    {
        std::ifstream in(path, std::ios::binary);
        char head[16] = {};
        in.read(head, sizeof head);
        if (in.gcount() == 0)
            return std::unexpected("trace '" + path + "': the file is empty (not an AeroFlow trace)");
        if (in.gcount() < 16 || std::string_view(head, 16) != kSqliteMagic)
            return std::unexpected("trace '" + path + "': not an AeroFlow trace (not an SQLite database)");
    }
    if (!r->m_db.open(path, Database::Mode::ReadOnly))
        return std::unexpected("trace '" + path + "': cannot open: " + r->m_db.lastError());
    if (needsWriterRecovery(r->m_db)) {
        r->m_db.close();
        if (auto rec = recoverInterruptedWrite(path); !rec)
            return std::unexpected(rec.error());
        if (!r->m_db.open(path, Database::Mode::ReadOnly))
            return std::unexpected("trace '" + path + "': cannot open: " + r->m_db.lastError());
    }
    if (auto v = r->validate(); !v)
        return std::unexpected(v.error());
    return r;
}

Result<void> TraceReader::validate()
{
    // meta first: it says whether this is ours at all.
    Statement hasMeta = m_db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
    if (!hasMeta.valid())
        return std::unexpected(fail("not a readable SQLite database"));
    if (!hasMeta.step())
        return std::unexpected(fail("not a readable SQLite database"));
    if (hasMeta.columnInt(0) == 0)
        return std::unexpected("trace '" + m_path + "': not an AeroFlow trace (an SQLite file without a meta table)");
    Statement format = m_db.prepare("SELECT value FROM meta WHERE key = 'format'");
    if (!format.valid())
        return std::unexpected(fail("cannot read meta"));
    if (!format.step()) {
        if (!format.ok())
            return std::unexpected(fail("cannot read meta"));
        return std::unexpected("trace '" + m_path + "': not an AeroFlow trace (meta has no format key)");
    }
    if (format.columnText(0) != kTraceFormat)
        return std::unexpected("trace '" + m_path + "': not an AeroFlow trace (format '" + format.columnText(0) + "')");
    Statement version = m_db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    int64_t v = 0;
    if (!version.valid() || !version.step() || !parseI64(version.columnText(0), v))
        return std::unexpected("trace '" + m_path + "': damaged meta table (no schema_version)");
    if (v != kTraceSchemaVersion)
        return std::unexpected("trace '" + m_path + "': schema version " + std::to_string(v) +
                               " is not supported (this build reads version " + std::to_string(kTraceSchemaVersion) + ")");
    Statement tables = m_db.prepare(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN "
        "('sources','actor_types','message_types','actors','messages','outputs','effects','crashes','checkpoints')");
    if (!tables.valid() || !tables.step() || tables.columnInt(0) != 9)
        return std::unexpected("trace '" + m_path + "': damaged trace (tables are missing)");
    // Below the limit the check costs at most ~160 ms; above it, it is left
    // to checkIntegrity() and the file says it was not checked.
    if (alreadyChecked(m_path, stampOf(m_path)))
        m_integrityChecked = true;
    else if (fileSize(m_path) <= kIntegrityCheckLimit)
        if (auto c = checkIntegrity(); !c)
            return c;
    m_tickBySeq = m_db.prepare("SELECT tick FROM messages WHERE seq = ?", true);
    m_messageBySeq = m_db.prepare(std::string("SELECT ") + kMessageColumnsSql + " FROM messages WHERE seq = ?", true);
    if (!m_tickBySeq.valid() || !m_messageBySeq.valid())
        return std::unexpected(fail("damaged messages table"));
    // Names for payloads.
    for (auto [sql, table] : {std::pair{"SELECT message_id, name FROM message_types ORDER BY message_id", &m_names.messages},
                              std::pair{"SELECT type_id, name FROM actor_types ORDER BY type_id", &m_names.actorTypes}}) {
        Statement st = m_db.prepare(sql);
        while (st.valid() && st.step()) {
            const int64_t id = st.columnInt(0);
            if (id < 0 || id > 1'000'000)
                return std::unexpected("trace '" + m_path + "': damaged type table");
            if (table->size() <= size_t(id))
                table->resize(size_t(id) + 1);
            (*table)[size_t(id)] = st.columnText(1);
        }
        if (!st.valid() || !st.ok())
            return std::unexpected(fail("cannot read the type tables"));
    }
    auto info = readInfo();
    if (!info)
        return std::unexpected(info.error());
    m_info = *info;
    return {};
}

Result<void> TraceReader::checkIntegrity()
{
    const FileStamp stamp = stampOf(m_path);
    Statement check = m_db.prepare("PRAGMA quick_check");
    if (!check.valid() || !check.step() || check.columnText(0) != "ok")
        return std::unexpected("trace '" + m_path + "': the file is damaged (integrity check failed" +
                               (check.valid() && check.ok() ? ": " + clipText(check.columnText(0), 400)
                                                            : ": " + m_db.lastError()) + ")");
    rememberChecked(m_path, stamp);
    m_integrityChecked = true;
    return {};
}

Result<TraceInfo> TraceReader::refresh()
{
    auto info = readInfo();
    if (info) {
        m_info = *info;
        m_extent.reset();
    }
    return info;
}

Result<TraceInfo> TraceReader::readInfo()
{
    TraceInfo i;
    Statement st = m_db.prepare("SELECT key, value FROM meta");
    while (st.valid() && st.step()) {
        const std::string key = st.columnText(0), value = st.columnText(1);
        uint64_t u = 0;
        int64_t s = 0;
        if (key == meta::kSchemaVersion && parseI64(value, s))
            i.schemaVersion = int(s);
        else if (key == meta::kEngineVersion)
            i.engineVersion = value;
        else if (key == meta::kProgramHash && !parseHex64(value, i.programHash))
            return std::unexpected("trace '" + m_path + "': damaged meta (program_hash '" + value + "')");
        else if (key == meta::kSeed && parseU64(value, u))
            i.seed = u;
        else if (key == meta::kSourceName)
            i.sourceName = value;
        else if (key == meta::kStartTime)
            i.startTime = value;
        else if (key == meta::kMaxMessages && parseU64(value, u))
            i.maxMessages = u;
        else if (key == meta::kFuel && parseU64(value, u))
            i.fuel = u;
        else if (key == meta::kMaxCallDepth && parseU64(value, u))
            i.maxCallDepth = u;
        else if (key == meta::kMemoryLimit && parseI64(value, s))
            i.memoryLimit = s;
        else if (key == meta::kServingLiftsLimit)
            i.servingLiftsLimit = value != "0";
        else if (key == meta::kComplete)
            i.complete = value == "1";
        else if (key == meta::kExitCode && parseI64(value, s))
            i.exitCode = int(s);
        else if (key == meta::kDeadLetters && parseU64(value, u))
            i.deadLetters = u;
    }
    if (!st.valid() || !st.ok())
        return std::unexpected(fail("cannot read meta"));
    // Counts straight from the tables (a killed recording has no end meta).
    // max(seq) and the last row are O(log n) on the rowid; the other tables are small.
    Statement last = m_db.prepare("SELECT seq, tick FROM messages ORDER BY seq DESC LIMIT 1");
    if (!last.valid())
        return std::unexpected(fail("cannot read messages"));
    if (last.step()) {
        i.messages = uint64_t(last.columnInt(0));
        i.finalTick = uint64_t(last.columnInt(1));
    } else if (!last.ok()) {
        return std::unexpected(fail("cannot read messages"));
    }
    for (auto [sql, out] : {std::pair{"SELECT count(*) FROM actors", &i.actors},
                            std::pair{"SELECT count(*) FROM crashes", &i.crashes},
                            std::pair{"SELECT count(*) FROM outputs WHERE stream < 3", &i.outputs},
                            std::pair{"SELECT count(*) FROM outputs WHERE stream = 3", &i.worldOutputs},
                            std::pair{"SELECT count(*) FROM effects", &i.effects},
                            std::pair{"SELECT count(*) FROM checkpoints", &i.checkpoints}}) {
        Statement c = m_db.prepare(sql);
        if (!c.valid() || !c.step())
            return std::unexpected(fail("cannot count rows"));
        *out = uint64_t(c.columnInt(0));
    }
    i.fileBytes = fileSize(m_path);
    return i;
}

Result<std::vector<std::pair<std::string, std::string>>> TraceReader::sourceFiles()
{
    Statement st = m_db.prepare("SELECT path, text FROM sources ORDER BY file_id");
    if (!st.valid())
        return std::unexpected(fail("cannot read sources"));
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step()) {
        if (out.size() >= compiler::ProjectLimits::kMaxFiles)
            return std::unexpected("trace '" + m_path + "': holds too many source files");
        out.emplace_back(st.columnText(0), st.columnText(1));
    }
    if (!st.ok())
        return std::unexpected(fail("cannot read sources"));
    if (out.empty())
        return std::unexpected("trace '" + m_path + "': holds no source text");
    return out;
}

Result<std::string> TraceReader::sourceText()
{
    auto files = sourceFiles();
    if (!files)
        return std::unexpected(files.error());
    if (files->size() == 1)
        return std::move(files->front().second);
    // Several files: stored under their display names, the entry's folder
    // in front of each path in the program (Recorder::create).
    const std::string dir = compiler::sourceDirectory(files->front().first);
    std::vector<compiler::BundleFile> bundle;
    for (size_t i = 0; i < files->size(); ++i) {
        auto& [path, text] = (*files)[i];
        std::string rel = i == 0 ? path.substr(dir.size()) : path;
        if (i > 0) {
            if (!path.starts_with(dir))
                return std::unexpected("trace '" + m_path + "': source file '" + path + "' is not in the folder of '"
                                       + files->front().first + "'");
            rel = path.substr(dir.size());
        }
        bundle.push_back({std::move(rel), std::move(text)});
    }
    return compiler::encodeSourceBundle(bundle);
}

Result<std::vector<TraceActor>> TraceReader::actors()
{
    std::vector<TraceActor> out;
    Statement st = m_db.prepare(
        "SELECT actor_id, type, name, spawned_by, spawned_at_seq, stopped_at_seq FROM actors ORDER BY actor_id");
    while (st.valid() && st.step()) {
        TraceActor a;
        a.id = uint32_t(st.columnInt(0));
        a.type = st.columnInt(1);
        a.name = st.columnText(2);
        if (!st.isNull(3))
            a.spawnedBy = uint32_t(st.columnInt(3));
        a.spawnedAtSeq = uint64_t(st.columnInt(4));
        if (!st.isNull(5))
            a.stoppedAtSeq = uint64_t(st.columnInt(5));
        out.push_back(std::move(a));
    }
    if (!st.valid() || !st.ok())
        return std::unexpected(fail("cannot read actors"));
    return out;
}

Result<std::optional<TraceMessage>> TraceReader::message(uint64_t seq)
{
    m_messageBySeq.reset();
    m_messageBySeq.bind(1, int64_t(seq));
    std::optional<TraceMessage> out;
    if (m_messageBySeq.step())
        out = readMessageRow(m_messageBySeq);
    else if (!m_messageBySeq.ok())
        return std::unexpected(fail("cannot read message " + std::to_string(seq)));
    m_messageBySeq.reset();
    return out;
}

Result<void> TraceReader::forEachMessage(uint64_t first, uint64_t last,
                                         const std::function<bool(const TraceMessage&)>& visit)
{
    Statement st = m_db.prepare(std::string("SELECT ") + kMessageColumnsSql +
                                " FROM messages WHERE seq BETWEEN ? AND ? ORDER BY seq");
    if (!st.valid())
        return std::unexpected(fail("cannot read messages"));
    st.bind(1, int64_t(std::min<uint64_t>(first, INT64_MAX)));
    st.bind(2, int64_t(std::min<uint64_t>(last, INT64_MAX)));
    while (st.step())
        if (!visit(readMessageRow(st)))
            return {};
    if (!st.ok())
        return std::unexpected(fail("cannot read messages"));
    return {};
}

Result<std::vector<TraceMessage>> TraceReader::messages(uint64_t first, uint64_t last, size_t limit)
{
    std::vector<TraceMessage> out;
    auto r = forEachMessage(first, last, [&](const TraceMessage& m) {
        out.push_back(m);
        return out.size() < limit;
    });
    if (!r)
        return std::unexpected(r.error());
    return out;
}

Result<std::vector<TraceOutput>> TraceReader::outputsUpTo(uint64_t seq)
{
    std::vector<TraceOutput> out;
    Statement st = m_db.prepare("SELECT seq, stream, text FROM outputs WHERE seq <= ? AND stream < 3 ORDER BY rowid");
    if (st.valid())
        st.bind(1, int64_t(std::min<uint64_t>(seq, INT64_MAX)));
    while (st.valid() && st.step())
        out.push_back(TraceOutput{uint64_t(st.columnInt(0)), uint8_t(st.columnInt(1)), st.columnText(2)});
    if (!st.valid() || !st.ok())
        return std::unexpected(fail("cannot read outputs"));
    return out;
}

Result<std::vector<TraceEffect>> TraceReader::effectsFrom(uint64_t first)
{
    std::vector<TraceEffect> out;
    Statement st = m_db.prepare("SELECT seq, kind, value FROM effects WHERE seq >= ? ORDER BY rowid");
    if (st.valid())
        st.bind(1, int64_t(std::min<uint64_t>(first, INT64_MAX)));
    while (st.valid() && st.step())
        out.push_back(TraceEffect{uint64_t(st.columnInt(0)), st.columnText(1), st.columnText(2)});
    if (!st.valid() || !st.ok())
        return std::unexpected(fail("cannot read effects"));
    return out;
}

Result<std::vector<TraceCrash>> TraceReader::crashes()
{
    std::vector<TraceCrash> out;
    Statement st = m_db.prepare("SELECT seq, actor, error FROM crashes ORDER BY rowid");
    while (st.valid() && st.step())
        out.push_back(TraceCrash{uint64_t(st.columnInt(0)), uint32_t(st.columnInt(1)), st.columnText(2)});
    if (!st.valid() || !st.ok())
        return std::unexpected(fail("cannot read crashes"));
    return out;
}

Result<std::vector<TraceCheckpoint>> TraceReader::checkpoints()
{
    std::vector<TraceCheckpoint> out;
    Statement st = m_db.prepare("SELECT seq, tick FROM checkpoints ORDER BY seq");
    while (st.valid() && st.step())
        out.push_back(TraceCheckpoint{uint64_t(st.columnInt(0)), uint64_t(st.columnInt(1))});
    if (!st.valid() || !st.ok())
        return std::unexpected(fail("cannot read checkpoints"));
    return out;
}

Result<std::optional<TraceCheckpoint>> TraceReader::checkpointAtOrBefore(uint64_t seq)
{
    Statement st = m_db.prepare("SELECT seq, tick FROM checkpoints WHERE seq <= ? ORDER BY seq DESC LIMIT 1");
    if (!st.valid())
        return std::unexpected(fail("cannot read checkpoints"));
    st.bind(1, int64_t(std::min<uint64_t>(seq, INT64_MAX)));
    if (st.step())
        return TraceCheckpoint{uint64_t(st.columnInt(0)), uint64_t(st.columnInt(1))};
    if (!st.ok())
        return std::unexpected(fail("cannot read checkpoints"));
    return std::optional<TraceCheckpoint>();
}

Result<std::string> TraceReader::checkpointImage(uint64_t seq)
{
    Statement st = m_db.prepare("SELECT snapshot FROM checkpoints WHERE seq = ?");
    if (!st.valid())
        return std::unexpected(fail("cannot read checkpoints"));
    st.bind(1, int64_t(seq));
    if (!st.step())
        return std::unexpected(st.ok() ? "trace '" + m_path + "': no checkpoint at seq " + std::to_string(seq)
                                       : fail("cannot read checkpoint"));
    return std::string(st.columnBlob(0));
}

Result<uint64_t> TraceReader::tickOf(uint64_t seq)
{
    if (seq == 0)
        return 0;
    m_tickBySeq.reset();
    m_tickBySeq.bind(1, int64_t(std::min<uint64_t>(seq, INT64_MAX)));
    if (!m_tickBySeq.step())
        return std::unexpected(m_tickBySeq.ok() ? "trace '" + m_path + "': no message " + std::to_string(seq)
                                                : fail("cannot read message " + std::to_string(seq)));
    const uint64_t t = uint64_t(m_tickBySeq.columnInt(0));
    m_tickBySeq.reset();
    return t;
}

Result<uint64_t> TraceReader::seqAtTick(uint64_t tick)
{
    return seqAtTick(tick, m_info.messages);
}

Result<uint64_t> TraceReader::seqAtTick(uint64_t tick, uint64_t lastSeq)
{
    // Invariant: tick(lo) <= tick (lo = 0 stands for "before the first
    // message"), tick(hi + 1) > tick or hi = last.
    uint64_t lo = 0, hi = lastSeq;
    while (lo < hi) {
        const uint64_t mid = lo + (hi - lo + 1) / 2;
        auto t = tickOf(mid);
        if (!t)
            return std::unexpected(t.error());
        if (*t <= tick)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

Result<std::optional<TraceReader::Change>> TraceReader::lastStateChange(uint32_t actor, uint64_t seq)
{
    // Walk the actor's messages backwards from `seq` while the hash stays the
    // one it has at `seq`; the oldest of that run is where it was set.
    Statement st = m_db.prepare(
        "SELECT seq, state_hash FROM messages WHERE receiver = ? AND seq <= ? ORDER BY seq DESC");
    if (!st.valid())
        return std::unexpected(fail("cannot read messages"));
    st.bind(1, int64_t(actor));
    st.bind(2, int64_t(std::min<uint64_t>(seq, INT64_MAX)));
    std::optional<Change> out;
    uint64_t hash = 0;
    while (st.step()) {
        const uint64_t s = uint64_t(st.columnInt(0)), h = uint64_t(st.columnInt(1));
        if (!out) {
            out = Change{s, true};
            hash = h;
        } else if (h != hash) {
            out->sinceFirst = false;
            return out;
        } else {
            out->seq = s;
        }
    }
    if (!st.ok())
        return std::unexpected(fail("cannot read messages"));
    return out;
}

Result<std::vector<uint64_t>> TraceReader::causalChain(uint64_t seq, size_t maxLength)
{
    std::vector<uint64_t> chain;
    Statement st = m_db.prepare("SELECT cause_seq FROM messages WHERE seq = ?");
    if (!st.valid())
        return std::unexpected(fail("cannot read messages"));
    while (seq != 0 && chain.size() < maxLength) {
        st.reset();
        st.bind(1, int64_t(std::min<uint64_t>(seq, INT64_MAX)));
        if (!st.step()) {
            if (!st.ok())
                return std::unexpected(fail("cannot read message " + std::to_string(seq)));
            break; // not recorded (a killed trace's tail)
        }
        chain.push_back(seq);
        const uint64_t cause = uint64_t(st.columnInt(0));
        // A cause always comes earlier; anything else is damage (and would loop).
        if (cause >= seq)
            break;
        seq = cause;
    }
    return chain;
}

} // namespace aeroflow::debugger

// Checks for the views (TraceExtent): what a trace may be sized by.

namespace aeroflow::debugger {

namespace {

// Fewer bytes than one message row can take in the file (a cell holds at
// least a length and a rowid varint, a record header of ten bytes and a
// two-byte cell pointer: 14). A last seq beyond file bytes / this is no count.
constexpr uint64_t kMinMessageRowBytes = 8;
// Rows detached from the end are followed back this many times at most.
constexpr int kMaxTailSteps = 16;

std::string num(uint64_t v) { return std::to_string(v); }
std::string num(int64_t v) { return std::to_string(v); }

/// Drops a UTF-8 sequence cut off at the end of `text`.
void dropPartialCharacter(std::string& text)
{
    size_t lead = text.size();
    while (lead > 0 && (static_cast<unsigned char>(text[lead - 1]) & 0xC0) == 0x80)
        --lead;
    if (lead == 0)
        return;
    const auto c = static_cast<unsigned char>(text[lead - 1]);
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (text.size() - (lead - 1) < need)
        text.resize(lead - 1);
}

} // namespace

std::string cutText(std::string text, uint64_t wholeBytes, size_t maxBytes)
{
    if (wholeBytes <= maxBytes && text.size() <= maxBytes)
        return text;
    if (text.size() > maxBytes)
        text.resize(maxBytes);
    dropPartialCharacter(text);
    return text + "…";
}

std::string damagedTrace(std::string_view what)
{
    return "this trace looks damaged: " + std::string(what);
}

std::string TraceExtent::badActor(uint64_t seq, std::string_view role, int64_t id) const
{
    return "message " + num(seq) + " names " + std::string(role) + " " + num(id) + " but the trace has " +
           num(actors) + (actors == 1 ? " actor" : " actors");
}

Result<TraceExtent> TraceReader::extent()
{
    if (m_extent)
        return *m_extent;
    TraceExtent e;
    auto note = [&](const std::string& what) {
        if (e.damage.empty())
            e.damage = damagedTrace(what);
    };
    // Actors are numbered 0, 1, 2, … in spawn order: every id is below the count.
    {
        Statement st = m_db.prepare("SELECT count(*), min(actor_id), max(actor_id) FROM actors");
        if (!st.valid() || !st.step())
            return std::unexpected(fail("cannot read actors"));
        e.actors = uint64_t(std::max<int64_t>(0, st.columnInt(0)));
        if (e.actors > 0 && (st.columnInt(1) < 0 || uint64_t(st.columnInt(2)) >= e.actors)) {
            Statement bad = m_db.prepare("SELECT actor_id FROM actors WHERE actor_id < 0 OR actor_id >= ?1 LIMIT 1");
            if (bad.valid()) {
                bad.bind(1, int64_t(std::min<uint64_t>(e.actors, INT64_MAX)));
                if (bad.step())
                    note("the actors table lists actor " + num(bad.columnInt(0)) + " but the trace has " +
                         num(e.actors) + (e.actors == 1 ? " actor" : " actors"));
            }
        }
    }
    // Messages are numbered 1..N without gaps, so the last seq is their count.
    Statement last = m_db.prepare("SELECT seq, tick FROM messages ORDER BY seq DESC LIMIT 1");
    Statement first = m_db.prepare("SELECT seq FROM messages ORDER BY seq LIMIT 1");
    Statement below = m_db.prepare("SELECT seq, tick FROM messages WHERE seq < ?1 ORDER BY seq DESC LIMIT 1");
    if (!last.valid() || !first.valid() || !below.valid())
        return std::unexpected(fail("cannot read messages"));
    if (first.step() && first.columnInt(0) < 1)
        note("a message is numbered " + num(first.columnInt(0)) + " (messages are numbered from 1)");
    int64_t seq = 0, tick = 0;
    if (last.step()) {
        seq = last.columnInt(0);
        tick = last.columnInt(1);
    } else if (!last.ok()) {
        return std::unexpected(fail("cannot read messages"));
    }
    auto rowBelow = [&](int64_t bound) {
        below.reset();
        below.bind(1, bound);
        if (below.step()) {
            seq = below.columnInt(0);
            tick = below.columnInt(1);
        } else {
            seq = tick = 0;
        }
    };
    if (seq < 1)
        seq = tick = 0;
    // The last row must follow the one before it; a forged number detaches it.
    for (int step = 0; step < kMaxTailSteps && seq > 1; ++step) {
        const int64_t at = seq, atTick = tick;
        rowBelow(at);
        if (seq == at - 1) {
            seq = at;
            tick = atTick;
            break;
        }
        if (seq >= 1)
            note("message " + num(at) + " follows message " + num(seq) +
                 " (messages are numbered 1, 2, 3, … without gaps)");
        else
            note("the first message is numbered " + num(at) + " (messages are numbered from 1)");
        if (seq < 1)
            seq = tick = 0;
    }
    // Past the steps above (many rows forged), the file's size bounds it.
    const uint64_t fileRows = m_info.fileBytes / kMinMessageRowBytes + 1;
    if (uint64_t(seq) > fileRows) {
        note("message " + num(seq) + " is numbered past the " + num(fileRows) + " messages a file of " +
             num(m_info.fileBytes) + " bytes can hold");
        rowBelow(int64_t(fileRows) + 1);
    }
    // Ticks never decrease and stay within what a run can reach.
    if (seq > 0 && (tick < 0 || uint64_t(tick) > engine::kMaxTime)) {
        note("message " + num(seq) + " is at tick " + num(tick) + ", past the last tick a run can reach (" +
             num(engine::kMaxTime) + ")");
        // Ticks never decrease along seq: the rows at sane ticks are a prefix.
        // Position p is good when the last row at or before it is.
        int64_t lo = 0, hi = seq - 1;
        while (lo < hi) {
            const int64_t mid = lo + (hi - lo + 1) / 2;
            rowBelow(mid + 1);
            if (seq < 1 || (tick >= 0 && uint64_t(tick) <= engine::kMaxTime))
                lo = mid;
            else
                hi = mid - 1;
        }
        rowBelow(lo + 1);
        if (seq < 1)
            seq = tick = 0;
    }
    if (seq > 1) {
        const int64_t at = seq, atTick = tick;
        rowBelow(at);
        if (seq >= 1 && atTick >= tick && uint64_t(atTick - tick) > engine::kMaxDelay + 1)
            note("message " + num(at) + " is at tick " + num(atTick) + ", " + num(uint64_t(atTick - tick)) +
                 " ticks after message " + num(seq) + " (a run's clock moves at most " +
                 num(engine::kMaxDelay) + " ticks per delivery)");
        else if (seq >= 1 && atTick < tick)
            note("message " + num(at) + " is at tick " + num(atTick) + ", before message " + num(seq) +
                 " at tick " + num(tick) + " (ticks never decrease)");
        seq = at;
        tick = atTick;
    }
    e.messages = uint64_t(seq);
    e.finalTick = uint64_t(tick);
    m_extent = e;
    return e;
}

Result<TraceActorTable> TraceReader::viewActors(size_t maxNameBytes)
{
    auto ext = extent();
    if (!ext)
        return std::unexpected(ext.error());
    TraceActorTable out;
    Statement st = m_db.prepare(
        "SELECT actor_id, type, CAST(substr(CAST(name AS BLOB), 1, ?1) AS TEXT), spawned_by, spawned_at_seq, "
        "stopped_at_seq, length(CAST(name AS BLOB)) FROM actors ORDER BY actor_id");
    if (st.valid())
        st.bind(1, int64_t(maxNameBytes) + 4);
    while (st.valid() && st.step()) {
        const int64_t id = st.columnInt(0);
        if (!ext->isActor(id)) {
            if (out.skipped++ == 0)
                out.damage = damagedTrace("the actors table lists actor " + num(id) + " but the trace has " +
                                          num(ext->actors) + (ext->actors == 1 ? " actor" : " actors"));
            continue;
        }
        TraceActor a;
        a.id = uint32_t(id);
        a.type = st.columnInt(1);
        a.name = cutText(st.columnText(2), uint64_t(std::max<int64_t>(0, st.columnInt(6))), maxNameBytes);
        if (!st.isNull(3))
            a.spawnedBy = uint32_t(st.columnInt(3));
        a.spawnedAtSeq = uint64_t(st.columnInt(4));
        if (!st.isNull(5))
            a.stoppedAtSeq = uint64_t(st.columnInt(5));
        out.actors.push_back(std::move(a));
    }
    if (!st.valid() || !st.ok())
        return std::unexpected(fail("cannot read actors"));
    return out;
}

Result<TraceOutputTail> TraceReader::outputTail(size_t maxLines, size_t maxLineBytes, size_t maxBytes)
{
    TraceOutputTail out;
    Statement st = m_db.prepare(
        "SELECT rowid, seq, stream, substr(CAST(text AS BLOB), 1, ?1), length(CAST(text AS BLOB)) FROM outputs "
        "WHERE stream < 3 ORDER BY rowid DESC LIMIT ?2");
    if (!st.valid())
        return std::unexpected(fail("cannot read outputs"));
    st.bind(1, int64_t(std::min<size_t>(maxLineBytes, INT32_MAX)));
    st.bind(2, int64_t(std::min<size_t>(maxLines, INT32_MAX)));
    size_t bytes = 0;
    while (st.step()) {
        TraceOutputLine l;
        l.row = uint64_t(st.columnInt(0));
        l.seq = uint64_t(std::max<int64_t>(0, st.columnInt(1)));
        l.stream = uint8_t(std::clamp<int64_t>(st.columnInt(2), 0, 2));
        l.text = std::string(st.columnBlob(3));
        l.bytes = uint64_t(std::max<int64_t>(0, st.columnInt(4)));
        if (l.text.size() < l.bytes)
            dropPartialCharacter(l.text);
        if (!out.lines.empty() && bytes + l.text.size() > maxBytes)
            break;
        bytes += l.text.size();
        out.lines.push_back(std::move(l));
    }
    if (!st.ok())
        return std::unexpected(fail("cannot read outputs"));
    std::reverse(out.lines.begin(), out.lines.end());
    out.leftOut = m_info.outputs > out.lines.size() ? m_info.outputs - out.lines.size() : 0;
    return out;
}

} // namespace aeroflow::debugger
