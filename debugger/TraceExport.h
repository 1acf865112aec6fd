#pragma once
// Exports a trace for other tools:
//  - chrome: Chrome Trace Event Format (Perfetto, chrome://tracing): one
//    track (tid) per actor, every delivery a complete 'X' slice named after
//    its handler, every message with a cause a flow arrow ('s' -> 'f') from
//    the sender's handling slice to the receiver's. One tick is 1 ms on that
//    timeline; the deliveries of one tick share it, in seq order.
//  - json: {"meta", "actors", "messages", "outputs"} with printed payloads.
//  - csv: one line per message with a header line.

#include "TraceReader.h"

#include <atomic>
#include <functional>
#include <ostream>
#include <string>

namespace aeroflow::debugger {

enum class ExportFormat { Chrome, Json, Csv };

/// "chrome" / "json" / "csv".
std::optional<ExportFormat> parseExportFormat(const std::string& name);

/// Progress and cancellation of a long export; both optional.
struct ExportControl {
    /// Called on the exporting thread every few thousand messages with the
    /// fraction done (0..1, by seq) and once with 1 at the end; returning
    /// false cancels.
    std::function<bool(double)> progress;
    /// Cancels when it becomes true (may be set from any thread).
    const std::atomic<bool>* cancel = nullptr;
};

/// The error a cancelled export returns.
inline constexpr const char* kExportCancelled = "export cancelled";

/// Streams the export to `out`. Errors reading the trace come back as values.
Result<void> exportTrace(TraceReader& trace, ExportFormat format, std::ostream& out);
/// The same with progress reports and cancellation (then the error is
/// kExportCancelled and `out` holds a partial export: write to a temporary).
Result<void> exportTrace(TraceReader& trace, ExportFormat format, std::ostream& out, const ExportControl& control);

/// `text` as a JSON string literal (with quotes); invalid UTF-8 is replaced.
std::string jsonString(std::string_view text);

} // namespace aeroflow::debugger
