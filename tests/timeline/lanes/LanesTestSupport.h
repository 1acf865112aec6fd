#pragma once
// Shared by the timeline view suites: a small multi-actor program with causes,
// crashes and outputs, and SQL helpers that give the expected answers.

#include "../../debugger/TraceTestSupport.h"

#include "Sqlite.h"

#include <QCryptographicHash>
#include <QString>

#include <optional>
#include <string>

namespace lanestest {

/// Two worker types in a ring passing tokens with timers, an auditor that
/// prints and crashes once: ~1,500 deliveries over a few hundred ticks.
inline const char* kRing = R"(actor Auditor {
    state seen = 0
    on Report(k) {
        seen += 1
        if seen % 5 == 0 { print("audit", seen, k) }
        if seen == 12 { let z = 0; print(1 / z) }
    }
}
actor Fast {
    state next: Fast
    state auditor: Auditor
    on Link(n, a) { next = n; auditor = a }
    on Token(k, h) {
        if h % 20 == 19 { send(auditor, Report(k)) }
        if h < 120 { after(1 + (k + h) % 3, next, Token(k, h + 1)) }
    }
}
actor Slow {
    state next: Fast
    on Link(n, a) { next = n }
    on Token(k, h) { if h < 120 { after(2, next, Token(k, h + 1)) } }
}
let a = spawn(Auditor)
mut ring = []
for i in range(6) {
    if i % 3 == 2 { ring.push(spawn(Slow)) } else { ring.push(spawn(Fast)) }
}
for i in range(6) { send(ring[i], Link(ring[(i + 1) % 6], a)) }
for t in range(12) { send(ring[t % 6], Token(t, 0)) }
)";

inline int64_t scalar(const std::string& trace, const std::string& sql)
{
    aeroflow::debugger::Database db;
    if (!db.open(trace, aeroflow::debugger::Database::Mode::ReadOnly))
        return -1;
    return db.scalar(sql, -1);
}

/// A hash of every row of every table but `bookmarks` (what must never change).
inline QByteArray checksumExceptBookmarks(const std::string& trace)
{
    aeroflow::debugger::Database db;
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!db.open(trace, aeroflow::debugger::Database::Mode::ReadOnly))
        return {};
    auto tables
        = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'bookmarks' ORDER BY name");
    std::vector<std::string> names;
    while (tables.step())
        names.push_back(tables.columnText(0));
    for (const auto& name : names) {
        h.addData(QByteArray::fromStdString(name));
        auto st = db.prepare("SELECT * FROM \"" + name + "\"");
        while (st.step())
            for (int c = 0; c < st.columnCount(); ++c) {
                const auto blob = st.columnBlob(c);
                h.addData(QByteArrayView(blob.data(), qsizetype(blob.size())));
                h.addData("|");
            }
    }
    return h.result();
}

} // namespace lanestest
