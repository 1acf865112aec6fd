#pragma once
// Forged traces for the suites that open them through the Studio's own code
// paths (tst_timeline_forged, tst_studio_forged): a recorded trace copied and
// edited with SQL the way an attacker or a broken tool would, and the
// process's memory read from /proc/self/status to check that what a view
// allocates does not follow a number stored in a row.

#include "Sqlite.h"

#include <QFile>
#include <QString>

#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace forged {

/// A field of /proc/self/status in KiB (VmHWM, VmRSS), or -1.
inline int64_t statusKb(const std::string& key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0)
            return std::stoll(line.substr(key.size() + 1));
    return -1;
}

/// Measures the peak resident memory a piece of work adds: the kernel's
/// high-water mark is reset (clear_refs 5) when it can be, else the growth
/// of the mark itself is reported (an upper bound either way).
class PeakMemory {
public:
    PeakMemory()
    {
        std::ofstream reset("/proc/self/clear_refs");
        m_reset = bool(reset << "5" << std::flush);
        m_startKb = m_reset ? statusKb("VmRSS") : statusKb("VmHWM");
    }
    /// Peak growth since construction, in MiB (also printed, for the log).
    int64_t grownMb() const
    {
        const int64_t mb = (statusKb("VmHWM") - m_startKb) / 1024;
        std::fprintf(stderr, "peak resident size grew by %lld MiB%s\n", static_cast<long long>(mb),
                     m_reset ? "" : " (high-water mark not reset)");
        return mb;
    }

private:
    bool m_reset = false;
    int64_t m_startKb = 0;
};

/// Bounds the address space so that a view allocating by a forged number
/// fails fast (std::bad_alloc) instead of taking a shared machine's memory.
/// Not under sanitizers: their shadow memory needs terabytes of addresses.
inline void limitAddressSpace(uint64_t bytes)
{
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    rlimit r { bytes, bytes };
    setrlimit(RLIMIT_AS, &r);
#else
    (void)bytes;
#endif
}

/// Copies `from` to `to` and runs `sql` on the copy (`text`, when given, is
/// bound to ?1). Empty when it worked, else why not.
inline std::string forge(const QString& from, const QString& to, const std::string& sql, const std::string* text = nullptr)
{
    QFile::remove(to);
    if (!QFile::copy(from, to))
        return "cannot copy " + from.toStdString();
    aeroflow::debugger::Database db;
    if (!db.open(to.toStdString(), aeroflow::debugger::Database::Mode::ReadWrite))
        return db.lastError();
    if (!text)
        return db.exec(sql) ? std::string() : db.lastError();
    auto st = db.prepare(sql);
    if (!st.valid())
        return db.lastError();
    st.bindText(1, *text);
    st.step();
    return st.ok() ? std::string() : db.lastError();
}

} // namespace forged
