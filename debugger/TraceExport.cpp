// Trace export (see TraceExport.h). Streams rows; memory stays small except
// for the chrome format's per-seq timestamps (8 bytes per message) that flow
// arrows need to find their start.

#include "TraceExport.h"

#include "TraceSchema.h"

#include <cstdio>
#include <map>
#include <vector>

namespace aeroflow::debugger {

namespace {

const char* outcomeText(uint8_t o)
{
    return o == 0 ? "handled" : o == 1 ? "dropped" : o == 3 ? "dead letter" : "crashed";
}

std::string hex16(uint64_t v)
{
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string num(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

class Names {
public:
    explicit Names(TraceReader& trace) : m_names(trace.names()) {}
    Result<void> load(TraceReader& trace)
    {
        auto actors = trace.actors();
        if (!actors)
            return std::unexpected(actors.error());
        for (const auto& a : *actors)
            m_actors[a.id] = a.name;
        return {};
    }
    std::string actor(int64_t id) const
    {
        if (id == kTraceOutsideSender)
            return "outside";
        auto it = m_actors.find(uint32_t(id));
        return it != m_actors.end() ? it->second : "actor#" + std::to_string(id);
    }
    std::string handler(const std::optional<int64_t>& h) const
    {
        if (!h)
            return "(emit)";
        return *h >= 0 && size_t(*h) < m_names.messages.size() ? m_names.messages[size_t(*h)]
                                                                : "message#" + std::to_string(*h);
    }
    std::string payload(const TraceMessage& m) const
    {
        auto v = decodeRowPayload(m.handler, m.payload);
        return v ? formatPayload(*v, m_names, true) : "<" + v.error() + ">";
    }
    const std::map<uint32_t, std::string>& actors() const { return m_actors; }

private:
    const PayloadNames& m_names;
    std::map<uint32_t, std::string> m_actors;
};

/// Checks progress and cancellation every kEvery messages.
class Progress {
public:
    Progress(const ExportControl& control, uint64_t total) : m_control(control), m_total(total ? total : 1) {}
    /// False: stop (cancelled).
    bool at(uint64_t seq)
    {
        if (++m_count % kEvery != 0)
            return true;
        return report(std::min(1.0, double(seq) / double(m_total)));
    }
    bool report(double fraction)
    {
        if (m_control.cancel && m_control.cancel->load(std::memory_order_relaxed))
            m_cancelled = true;
        else if (m_control.progress && !m_control.progress(fraction))
            m_cancelled = true;
        return !m_cancelled;
    }
    bool cancelled() const { return m_cancelled; }

private:
    static constexpr uint64_t kEvery = 4096;
    const ExportControl& m_control;
    uint64_t m_total;
    uint64_t m_count = 0;
    bool m_cancelled = false;
};

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

Result<void> exportChrome(TraceReader& trace, const Names& names, std::ostream& out, Progress& progress)
{
    out << "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"source\":" << jsonString(trace.info().sourceName)
        << ",\"seed\":" << trace.info().seed << "},\"traceEvents\":[\n";
    out << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":"
        << jsonString("AeroFlow " + trace.info().sourceName) << "}}";
    for (const auto& [id, name] : names.actors())
        out << ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" << id << ",\"args\":{\"name\":"
            << jsonString(name) << "}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":" << id
            << ",\"args\":{\"sort_index\":" << id << "}}";
    // Slice start per seq (µs), for flow arrows that start at the cause.
    // Grown as rows arrive (seqs are contiguous in a sound trace); never
    // sized from the summary, which a damaged file could make absurd.
    std::vector<double> start(1, 0.0);
    start.reserve(size_t(std::min<uint64_t>(trace.info().messages + 1, 1u << 24)));
    // The deliveries of one tick share its millisecond. A tick with more
    // than kChunk deliveries is written in chunks at a fixed 1 ns spacing.
    constexpr size_t kChunk = 65536;
    std::vector<TraceMessage> tick;
    size_t tickOffset = 0; // deliveries of the current tick already written
    auto flushTick = [&](bool partial) {
        const double width = partial || tickOffset ? 0.001 : 1000.0 / double(tick.size());
        for (size_t k = 0; k < tick.size(); ++k) {
            const TraceMessage& m = tick[k];
            const double ts = double(m.tick) * 1000.0 + double(tickOffset + k) * width;
            if (m.seq >= start.size() && m.seq - start.size() < (1u << 20))
                start.resize(size_t(m.seq) + 1, 0.0);
            if (m.seq < start.size())
                start[m.seq] = ts;
            const std::string name = names.handler(m.handler);
            out << ",\n{\"name\":" << jsonString(name) << ",\"cat\":\"handler\",\"ph\":\"X\",\"pid\":1,\"tid\":"
                << m.receiver << ",\"ts\":" << num(ts) << ",\"dur\":" << num(width * 0.9) << ",\"args\":{\"seq\":"
                << m.seq << ",\"tick\":" << m.tick << ",\"from\":" << jsonString(names.actor(m.sender))
                << ",\"payload\":" << jsonString(names.payload(m)) << ",\"outcome\":\"" << outcomeText(m.outcome)
                << "\"}}";
            // Rows past the summary (a live recording) or damaged causes get no arrow.
            if (m.causeSeq != 0 && m.causeSeq < m.seq && m.causeSeq < start.size() && m.sender >= 0) {
                const double from = start[m.causeSeq] + width * 0.45;
                out << ",\n{\"name\":\"message\",\"cat\":\"message\",\"ph\":\"s\",\"id\":" << m.seq
                    << ",\"pid\":1,\"tid\":" << m.sender << ",\"ts\":" << num(from) << "},\n"
                    << "{\"name\":\"message\",\"cat\":\"message\",\"ph\":\"f\",\"bp\":\"e\",\"id\":" << m.seq
                    << ",\"pid\":1,\"tid\":" << m.receiver << ",\"ts\":" << num(ts) << "}";
            }
        }
        tickOffset = partial ? tickOffset + tick.size() : 0;
        tick.clear();
    };
    auto r = trace.forEachMessage(1, UINT64_MAX, [&](const TraceMessage& m) {
        if (!tick.empty() && tick.front().tick != m.tick)
            flushTick(false);
        else if (tick.size() >= kChunk)
            flushTick(true);
        tick.push_back(m);
        return bool(out) && progress.at(m.seq);
    });
    if (!r || progress.cancelled())
        return r;
    flushTick(false);
    out << "\n]}\n";
    return {};
}

Result<void> exportJson(TraceReader& trace, const Names& names, std::ostream& out, Progress& progress)
{
    const TraceInfo& i = trace.info();
    out << "{\"meta\":{\"source_name\":" << jsonString(i.sourceName) << ",\"program_hash\":\"" << hex16(i.programHash)
        << "\",\"seed\":" << i.seed << ",\"schema_version\":" << i.schemaVersion << ",\"messages\":" << i.messages
        << ",\"final_tick\":" << i.finalTick << ",\"complete\":" << (i.complete ? "true" : "false") << "},\n";
    auto actors = trace.actors();
    if (!actors)
        return std::unexpected(actors.error());
    out << "\"actors\":[";
    for (size_t k = 0; k < actors->size(); ++k) {
        const TraceActor& a = (*actors)[k];
        out << (k ? ",\n" : "\n") << "{\"actor_id\":" << a.id << ",\"type\":" << a.type << ",\"name\":"
            << jsonString(a.name) << ",\"spawned_by\":" << (a.spawnedBy ? std::to_string(*a.spawnedBy) : "null")
            << ",\"spawned_at_seq\":" << a.spawnedAtSeq
            << ",\"stopped_at_seq\":" << (a.stoppedAtSeq ? std::to_string(*a.stoppedAtSeq) : "null") << "}";
    }
    out << "],\n\"messages\":[";
    bool first = true;
    auto r = trace.forEachMessage(1, UINT64_MAX, [&](const TraceMessage& m) {
        out << (first ? "\n" : ",\n") << "{\"seq\":" << m.seq << ",\"tick\":" << m.tick << ",\"sender\":" << m.sender
            << ",\"receiver\":" << m.receiver << ",\"handler\":"
            << (m.handler ? jsonString(names.handler(m.handler)) : "null") << ",\"payload\":"
            << jsonString(names.payload(m)) << ",\"cause_seq\":" << m.causeSeq << ",\"state_hash\":\""
            << hex16(m.stateHash) << "\",\"outcome\":\"" << outcomeText(m.outcome) << "\"}";
        first = false;
        return bool(out) && progress.at(m.seq);
    });
    if (!r || progress.cancelled())
        return r;
    auto outputs = trace.outputsUpTo(UINT64_MAX);
    if (!outputs)
        return std::unexpected(outputs.error());
    out << "],\n\"outputs\":[";
    for (size_t k = 0; k < outputs->size(); ++k) {
        const TraceOutput& o = (*outputs)[k];
        out << (k ? ",\n" : "\n") << "{\"seq\":" << o.seq << ",\"stream\":"
            << (o.stream == 0 ? "\"output\"" : (o.stream == 1 ? "\"error\"" : "\"warning\"")) << ",\"text\":"
            << jsonString(o.text) << "}";
    }
    out << "]}\n";
    return {};
}

Result<void> exportCsv(TraceReader& trace, const Names& names, std::ostream& out, Progress& progress)
{
    out << "seq,tick,sender,receiver,handler,payload,cause_seq,state_hash,outcome\n";
    return trace.forEachMessage(1, UINT64_MAX, [&](const TraceMessage& m) {
        out << m.seq << ',' << m.tick << ',' << csvField(names.actor(m.sender)) << ','
            << csvField(names.actor(m.receiver)) << ',' << csvField(names.handler(m.handler)) << ','
            << csvField(names.payload(m)) << ',' << m.causeSeq << ',' << hex16(m.stateHash) << ','
            << outcomeText(m.outcome) << '\n';
        return bool(out) && progress.at(m.seq);
    });
}

} // namespace

std::optional<ExportFormat> parseExportFormat(const std::string& name)
{
    if (name == "chrome")
        return ExportFormat::Chrome;
    if (name == "json")
        return ExportFormat::Json;
    if (name == "csv")
        return ExportFormat::Csv;
    return std::nullopt;
}

std::string jsonString(std::string_view text)
{
    std::string out = "\"";
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else if (c < 0x80) {
            out += char(c);
        } else {
            // Copy a well-formed UTF-8 sequence; replace anything else.
            const size_t len = c >= 0xF0 && c < 0xF5 ? 4 : (c >= 0xE0 ? 3 : (c >= 0xC2 && c < 0xE0 ? 2 : 0));
            bool ok = len > 0 && i + len <= text.size();
            for (size_t k = 1; ok && k < len; ++k)
                ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
            if (ok) {
                out.append(text.substr(i, len));
                i += len - 1;
            } else {
                out += "\\ufffd";
            }
        }
    }
    return out + "\"";
}

Result<void> exportTrace(TraceReader& trace, ExportFormat format, std::ostream& out)
{
    return exportTrace(trace, format, out, ExportControl{});
}

Result<void> exportTrace(TraceReader& trace, ExportFormat format, std::ostream& out, const ExportControl& control)
{
    Progress progress(control, trace.info().messages);
    if (!progress.report(0.0))
        return std::unexpected(kExportCancelled);
    Names names(trace);
    if (auto r = names.load(trace); !r)
        return r;
    Result<void> r;
    switch (format) {
    case ExportFormat::Chrome: r = exportChrome(trace, names, out, progress); break;
    case ExportFormat::Json: r = exportJson(trace, names, out, progress); break;
    case ExportFormat::Csv: r = exportCsv(trace, names, out, progress); break;
    }
    if (r && progress.cancelled())
        return std::unexpected(kExportCancelled);
    if (r && !out)
        return std::unexpected("write error");
    if (r && !progress.report(1.0))
        return std::unexpected(kExportCancelled);
    return r;
}

} // namespace aeroflow::debugger
