// The `.afs` container: header, section table, page-aligned checksummed
// sections (docs/SNAPSHOT_FORMAT.md). SnapshotIo.cpp fills the sections.

#include "Snapshot.h"

#include "Compiler.h"
#include "Program.h"
#include "SnapshotIo.h"

#include <algorithm>
#include <array>
#include <vector>

namespace aeroflow::engine {

namespace {

constexpr std::array<char, 8> kMagic = {'\x89', 'A', 'F', 'S', '\r', '\n', '\x1a', '\n'};
// Version 1: five sections. Version 2 added the world section (6). Version 3
// (written now) has the world section only when the run has touched the
// outside world, and each actor's parent (whose memory account carries it).
// Version 4 (written now) stores map keys as their encodings (MapKey.h: a
// string key's own text, as before, unless it starts with byte 0xFF) and
// may hold sets; older images' keys are raw strings, escaped on load.
// Version 5 (written when a run has supervision state: monitors, links,
// supervisors, asks) is version 4 with all seven sections, the world one
// possibly empty.
// All five are read.
constexpr uint32_t kVersion = 5;
constexpr uint32_t kVersionPlain = 4; ///< what a run without supervision state writes
constexpr uint32_t kOldest = 1;
constexpr size_t kPage = 4096;
constexpr size_t kFixedHeader = 80;
constexpr size_t kSectionEntry = 32;
constexpr uint32_t kSectionCount = 7; ///< the most sections of any version
/// Section count a version allows (versions 3 and 4: 5, or 6 with the world; 5: 7).
bool sectionCountFits(uint32_t version, uint32_t count)
{
    return version == 1 ? count == 5 : version == 2 ? count == 6 : version <= 4 ? (count == 5 || count == 6) : count == 7;
}
constexpr uint64_t kFlagSource = 1;

// A 64-bit checksum in four independent lanes (the structure of xxHash64), so
// the CPU overlaps the multiplies: several GB/s, enough to verify a 100 MB
// image in well under 20 ms.
constexpr uint64_t P1 = 0x9E3779B185EBCA87ull, P2 = 0xC2B2AE3D27D4EB4Full, P3 = 0x165667B19E3779F9ull,
                   P4 = 0x85EBCA77C2B2AE63ull, P5 = 0x27D4EB2F165667C5ull;

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline uint64_t load64(const unsigned char* p)
{
    uint64_t w;
    std::memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big)
        w = std::byteswap(w);
    return w;
}
inline uint64_t round64(uint64_t acc, uint64_t w) { return rotl(acc + w * P2, 31) * P1; }
inline uint64_t merge64(uint64_t acc, uint64_t v) { return (acc ^ round64(0, v)) * P1 + P4; }

} // namespace

uint64_t snapshotChecksum(std::string_view bytes)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    const unsigned char* end = p + n;
    uint64_t h;
    if (n >= 32) {
        uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
        const unsigned char* limit = end - 32;
        do {
            v1 = round64(v1, load64(p));
            v2 = round64(v2, load64(p + 8));
            v3 = round64(v3, load64(p + 16));
            v4 = round64(v4, load64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = merge64(h, v1);
        h = merge64(h, v2);
        h = merge64(h, v3);
        h = merge64(h, v4);
    } else {
        h = P5;
    }
    h += n;
    for (; p + 8 <= end; p += 8)
        h = rotl(h ^ round64(0, load64(p)), 27) * P1 + P4;
    for (; p < end; ++p)
        h = rotl(h ^ (uint64_t(*p) * P5), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

std::string saveSnapshot(const Scheduler& scheduler, const SnapshotOptions& options)
{
    const auto& program = scheduler.program();
    std::string source;
    {
        ByteWriter w(source);
        w.bytes(program.sourceName);
        w.bytes(options.includeSource ? std::string_view(options.sourceText) : std::string_view());
    }
    auto align = [](uint64_t x) { return (x + kPage - 1) / kPage * kPage; };
    // The world section's presence is known only after the objects are
    // written; room for six entries is cheap to decide up front.
    const bool world = SnapshotIo::touchesWorld(scheduler);
    uint32_t version = kVersionPlain;
    uint32_t count = world ? 6 : 5;
    size_t headerBytes = kFixedHeader + count * kSectionEntry + 8; // < one page whatever the count

    // One buffer, sized up front from the heap the run holds, so a large
    // state is written once with no regrowth copies (on a VM every fresh page
    // costs a fault: touching memory once matters as much as the encoding).
    std::string out;
    out.reserve(size_t(align(headerBytes) + align(source.size()) + uint64_t(SnapshotIo::heapBytes(scheduler)) +
                       uint64_t(scheduler.actorCount()) * 96 + 8 * kPage));
    out.resize(align(headerBytes), '\0');
    std::array<uint64_t, kSectionCount> offsets{}, sizes{};
    offsets[0] = out.size();
    out += source;
    sizes[0] = source.size();
    out.resize(align(out.size()), '\0');
    offsets[1] = out.size();
    SnapshotSections sec = SnapshotIo::save(scheduler, out);
    sizes[1] = out.size() - offsets[1];
    if (!sec.supervision.empty()) {
        // Supervision state needs version 5 (the header is rewritten below).
        version = kVersion;
        count = 7;
        headerBytes = kFixedHeader + count * kSectionEntry + 8;
    }
    const std::array<const std::string*, 5> rest = {&sec.actors, &sec.queue, &sec.main, &sec.world,
                                                    &sec.supervision};
    for (size_t i = 0; i + 2 < count; ++i) {
        out.resize(align(out.size()), '\0');
        offsets[2 + i] = out.size();
        out += *rest[i];
        sizes[2 + i] = rest[i]->size();
    }
    out.resize(align(out.size()), '\0');

    std::string header;
    ByteWriter w(header);
    w.raw(kMagic.data(), kMagic.size());
    w.u32(version);
    w.u32(uint32_t(headerBytes));
    w.u64(out.size());
    w.u64(program.programHash);
    w.u64(SnapshotIo::seed(scheduler));
    w.u64(scheduler.now());
    w.u64(scheduler.delivered());
    w.u32(uint32_t(scheduler.actorCount()));
    w.u32(count);
    w.u64(SnapshotIo::queued(scheduler));
    w.u64(options.includeSource ? kFlagSource : 0);
    static constexpr SectionKind kinds[kSectionCount] = {SectionKind::Source, SectionKind::Objects,
                                                         SectionKind::Actors, SectionKind::Queue,
                                                         SectionKind::Main,   SectionKind::World,
                                                         SectionKind::Supervision};
    for (size_t i = 0; i < count; ++i) {
        w.u32(uint32_t(kinds[i]));
        w.u32(0);
        w.u64(offsets[i]);
        w.u64(sizes[i]);
        w.u64(snapshotChecksum(std::string_view(out).substr(offsets[i], sizes[i])));
    }
    w.u64(snapshotChecksum(header));
    std::memcpy(out.data(), header.data(), header.size());
    return out;
}

namespace {

struct Parsed {
    SnapshotInfo info;
    std::array<std::string_view, kSectionCount + 1> sections{}; ///< by SectionKind
    std::array<uint64_t, kSectionCount + 1> checksums{};
    uint32_t count = 0; ///< sections present (1..count)
};

std::expected<Parsed, std::string> parse(std::string_view image)
{
    auto bad = [](std::string what) { return std::unexpected("not a valid AeroFlow snapshot: " + std::move(what)); };
    if (image.size() < kMagic.size() || std::string_view(image.data(), kMagic.size()) !=
                                            std::string_view(kMagic.data(), kMagic.size()))
        return bad("wrong magic (not an .afs file)");
    ByteReader r(image);
    r.raw(kMagic.size());
    Parsed p;
    p.info.version = r.u32();
    if (r.failed)
        return bad("truncated header");
    if (p.info.version < kOldest || p.info.version > kVersion)
        return std::unexpected("unsupported snapshot version " + std::to_string(p.info.version) +
                               " (this engine reads versions " + std::to_string(kOldest) + " to " +
                               std::to_string(kVersion) + ")");
    const uint32_t headerBytes = r.u32();
    const uint64_t fileSize = r.u64();
    p.info.programHash = r.u64();
    p.info.seed = r.u64();
    p.info.time = r.u64();
    p.info.delivered = r.u64();
    p.info.actors = r.u32();
    const uint32_t count = r.u32();
    p.info.queued = r.u64();
    const uint64_t flags = r.u64();
    if (r.failed)
        return bad("truncated header");
    if (!sectionCountFits(p.info.version, count) || headerBytes != kFixedHeader + count * kSectionEntry + 8)
        return bad("unexpected section table");
    p.count = count;
    if (image.size() < headerBytes)
        return bad("truncated header");
    if (fileSize != image.size())
        return bad(image.size() < fileSize ? "file is truncated (" + std::to_string(image.size()) + " of " +
                                                 std::to_string(fileSize) + " bytes)"
                                           : "file has trailing bytes");
    const uint64_t headerSum = snapshotChecksum(image.substr(0, headerBytes - 8));
    std::array<bool, kSectionCount + 1> seen{};
    for (uint32_t i = 0; i < count; ++i) {
        const uint32_t kind = r.u32();
        r.u32();
        const uint64_t offset = r.u64(), size = r.u64(), sum = r.u64();
        if (kind == 0 || kind > count || seen[kind])
            return bad("duplicate or unknown section");
        seen[kind] = true;
        if (offset % kPage != 0 || offset < headerBytes || offset > fileSize || size > fileSize - offset)
            return bad("section out of bounds");
        p.sections[kind] = image.substr(offset, size);
        p.checksums[kind] = sum;
    }
    if (r.u64() != headerSum || r.failed)
        return bad("header checksum mismatch (the file is damaged)");
    // Padding must be zero: then every byte of the file is covered by a check.
    {
        std::vector<std::pair<uint64_t, uint64_t>> used = {{0, headerBytes}};
        for (size_t k = 1; k <= count; ++k)
            used.emplace_back(uint64_t(p.sections[k].data() - image.data()), p.sections[k].size());
        std::sort(used.begin(), used.end());
        uint64_t at = 0;
        for (const auto& [off, size] : used) {
            if (off < at)
                return bad("sections overlap");
            for (uint64_t i = at; i < off; ++i)
                if (image[i] != '\0')
                    return bad("damaged padding at byte " + std::to_string(i));
            at = off + size;
        }
        for (uint64_t i = at; i < image.size(); ++i)
            if (image[i] != '\0')
                return bad("damaged padding at byte " + std::to_string(i));
    }
    ByteReader s(p.sections[size_t(SectionKind::Source)]);
    p.info.sourceName = std::string(s.bytes());
    p.info.sourceText = std::string(s.bytes());
    if (s.failed || !s.atEnd())
        return bad("damaged source section");
    if ((flags & kFlagSource) && p.info.sourceText.empty())
        return bad("source section is empty");
    return p;
}

} // namespace

std::expected<SnapshotInfo, std::string> readSnapshotInfo(std::string_view image)
{
    auto p = parse(image);
    if (!p)
        return std::unexpected(p.error());
    return std::move(p->info);
}

std::expected<std::unique_ptr<Scheduler>, std::string> restoreSnapshot(
    std::string_view image, std::shared_ptr<const compiler::Program> program, RunOptions options, OutputFn output,
    bool verify)
{
    auto parsed = parse(image);
    if (!parsed)
        return std::unexpected(parsed.error());
    const Parsed& p = *parsed;
    if (verify) {
        static constexpr const char* names[] = {"", "source", "objects", "actors", "queue", "main", "world",
                                                "supervision"};
        for (size_t k = 1; k <= p.count; ++k)
            if (snapshotChecksum(p.sections[k]) != p.checksums[k])
                return std::unexpected(std::string("snapshot is damaged: checksum mismatch in the ") + names[k] +
                                       " section");
    }
    if (!program) {
        if (p.info.sourceText.empty())
            return std::unexpected("the snapshot does not embed its program's source; open it from its trace");
        auto result = compiler::compile(p.info.sourceName, p.info.sourceText, {true, false});
        if (!result.ok() || !result.program)
            return std::unexpected("the program embedded in the snapshot does not compile:\n" +
                                   result.formatDiagnostics(false));
        const auto problems = compiler::verifyProgram(*result.program);
        if (!problems.empty())
            return std::unexpected("the program embedded in the snapshot is invalid: " + problems.front());
        program = result.program;
    }
    if (program->programHash != p.info.programHash)
        return std::unexpected("the snapshot belongs to a different program (program hash differs)");
    options.seed = p.info.seed;
    auto scheduler = std::make_unique<Scheduler>(std::move(program), std::move(options), std::move(output));
    auto loaded = SnapshotIo::load(*scheduler, p.info.version, p.sections[size_t(SectionKind::Objects)],
                                   p.sections[size_t(SectionKind::Actors)], p.sections[size_t(SectionKind::Queue)],
                                   p.sections[size_t(SectionKind::Main)],
                                   p.sections[size_t(SectionKind::World)],
                                   p.sections[size_t(SectionKind::Supervision)]);
    if (!loaded)
        return std::unexpected(loaded.error());
    return scheduler;
}

} // namespace aeroflow::engine
