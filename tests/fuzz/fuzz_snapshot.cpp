// libFuzzer target: the `.afs` loader (engine/Snapshot.cpp, SnapshotIo.cpp)
// and the run that continues from whatever it accepts. Built by
// tests/fuzz/build_snapshot.sh; see docs/TESTING.md.
//
// Each input is tried twice: as it is (header and section checksums must
// catch the damage), and "repaired" — the program hash set to one of the
// examples and every checksum recomputed — so mutations reach the section
// decoder and the VM. A repaired image the loader accepts is run for a few
// hundred deliveries under tight limits, then saved again.

#include "Compiler.h"
#include "Scheduler.h"
#include "Snapshot.h"

#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace aeroflow;

namespace {

std::vector<std::shared_ptr<const compiler::Program>> loadPrograms()
{
    std::vector<std::shared_ptr<const compiler::Program>> out;
    const char* dir = std::getenv("AEROFLOW_EXAMPLES");
    const std::string path = dir ? dir : "resources/examples";
    DIR* d = opendir(path.c_str());
    if (!d)
        return out;
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
        const std::string n = e->d_name;
        if (n.size() > 5 && n.ends_with(".aefl"))
            names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
        std::ifstream in(path + "/" + n);
        std::stringstream ss;
        ss << in.rdbuf();
        auto r = compiler::compile(n, ss.str(), {true, false});
        if (r.program)
            out.push_back(r.program);
    }
    return out;
}

void put64(std::string& s, size_t at, uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        s[at + i] = char(v >> (8 * i));
}
uint64_t get64(const std::string& s, size_t at)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= uint64_t(uint8_t(s[at + i])) << (8 * i);
    return v;
}

void tryImage(const std::string& image, const std::shared_ptr<const compiler::Program>& program, bool verify)
{
    engine::RunOptions o;
    o.fuel = 20'000;
    o.maxMessages = 300;
    o.maxCallDepth = 200;
    o.memoryLimit = 8 << 20;
    auto quiet = [](engine::Stream, std::string_view) {};
    auto r = engine::restoreSnapshot(image, program, o, quiet, verify);
    if (!r)
        return;
    auto& s = **r;
    for (int i = 0; i < 300 && s.step(); ++i) {
    }
    if (!s.over())
        (void)engine::saveSnapshot(s, {false, {}});
    (void)s.finish();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const auto programs = loadPrograms();
    if (programs.empty())
        __builtin_trap(); // run from the repository root or set AEROFLOW_EXAMPLES
    std::string image(reinterpret_cast<const char*>(data), size);
    const auto& pick = programs[size ? data[size - 1] % programs.size() : 0];
    tryImage(image, pick, true);

    // Repair: program hash, section checksums, header checksum.
    constexpr size_t kTable = 80, kEntry = 32, kSections = 5, kHeader = kTable + kSections * kEntry + 8;
    if (image.size() < kHeader)
        return 0;
    put64(image, 24, pick->programHash);
    for (size_t i = 0; i < kSections; ++i) {
        const size_t e = kTable + i * kEntry;
        const uint64_t off = get64(image, e + 8), len = get64(image, e + 16);
        if (off <= image.size() && len <= image.size() - off)
            put64(image, e + 24, engine::snapshotChecksum(std::string_view(image).substr(off, len)));
    }
    put64(image, kHeader - 8, engine::snapshotChecksum(std::string_view(image).substr(0, kHeader - 8)));
    tryImage(image, pick, true);
    return 0;
}
