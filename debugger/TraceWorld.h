#pragma once
// Typed queries over what a recorded run exchanged with the outside world
// (docs/TRACE_SCHEMA.md "Reading inputs from outside"): the inputs it took
// (effects rows of the kinds engine::inputKindName gives, engine::encodeInput
// bytes), what it sent (outputs rows of stream 3, engine::encodeOutput
// bytes), which delivery each input queued (input_links), and HTTP
// exchanges: a request joined with the program's response, the request_done
// input (the status actually sent and the latency) and its delivery.
//
// The views read through these functions only; no SQL outside debugger/.
//
// Untrusted input: every row is checked against the trace's own extent (the
// last delivery, the largest rowids) before it is used; damaged bytes give a
// row with `error` set, never a crash; no allocation is sized by a number
// read from the file. Every read is bounded (a row cap, a scan cap), so the
// cost of one call does not grow with the trace.
//
// Not thread-safe: one TraceWorld per TraceReader, on the reader's thread.

#include "Outside.h"
#include "TraceReader.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aeroflow::debugger {

/// One input from outside: an effects row of a world kind.
struct WorldInput {
    uint64_t effectRow = 0; ///< effects rowid
    uint64_t seq = 0;       ///< it arrived right after delivery `seq` (0: before the first)
    uint64_t tick = 0;      ///< the tick it was stamped at, tick(seq) + 1; its delivery (if any) runs then
    /// The decoded event (body cut to the read's bodyLimit). When `error` is
    /// set only `event.kind` is meaningful (taken from the row's kind).
    engine::InputEvent event;
    uint64_t bodyBytes = 0; ///< the body's recorded size (the event may hold less)
    uint64_t rowBytes = 0;  ///< the size of the recorded row (engine::encodeInput bytes)
    std::optional<uint64_t> deliveredSeq; ///< the delivery it queued (input_links), if any
    std::string error; ///< non-empty: why the row could not be read in full
    /// Not decoded because of its size (WorldReadOptions); `error` says so.
    /// The kind is still the recorded one; the row is not damaged.
    bool unread = false;
};

/// One thing the program sent out: an outputs row of stream 3.
struct WorldOutput {
    uint64_t row = 0;  ///< outputs rowid
    uint64_t seq = 0;  ///< the delivery during which it was sent (0: top-level code)
    uint64_t tick = 0; ///< tick(seq)
    engine::OutputEvent event; ///< body cut to the read's bodyLimit; see `error`
    uint64_t bodyBytes = 0;
    uint64_t rowBytes = 0; ///< the size of the recorded row
    std::string error; ///< non-empty: damaged or unread (event.kind is then Respond and meaningless)
    bool unread = false; ///< not decoded because of its size; `error` says so
};

/// An HTTP request and what became of it.
struct HttpExchange {
    WorldInput request;                 ///< deliveredSeq: the Request delivery
    std::optional<WorldOutput> response; ///< the program's respond output with the request's id
    std::optional<WorldInput> done;      ///< the request_done input with the request's id
    /// The search for the response or request_done stopped at its bound
    /// (kExchangeScanRows rows) without finding them: they may lie further.
    bool searchCut = false;

    /// The status the client got: request_done's (0: the client vanished;
    /// 504: the program did not answer in time), else the response's.
    std::optional<int32_t> statusSent() const;
    /// First byte read to last byte written (from request_done).
    std::optional<uint64_t> latencyUs() const;
};

struct WorldReadOptions {
    size_t maxRows = 2000;  ///< rows returned at most (the page says `truncated`)
    size_t bodyLimit = 0;   ///< body bytes kept per event; bodyBytes keeps the full size
    /// Rows whose recorded bytes are larger are not decoded (`unread`): a
    /// frame never reads megabytes to draw one mark.
    size_t maxDecodeBytes = 1 << 20;
    /// Bytes of large rows (over kInlineBytes) one call reads in all; the
    /// large rows past it stay unread.
    size_t decodeBudget = 16 << 20;
    bool withFields = true; ///< keep query and headers (a frame needs neither)
};

template <typename T> struct WorldPage {
    std::vector<T> rows; ///< in recorded order (rowid)
    bool truncated = false; ///< more rows matched than maxRows
};

/// Rows [first, end) of effects or outputs whose seq lies in a range (rows of
/// every kind and stream: a size estimate, found by binary search).
struct WorldSpan {
    uint64_t first = 0, end = 0;
    /// Rows in it: the rowid distance, but never more than the table holds
    /// (rowids with gaps, as in a forged file, do not inflate it).
    uint64_t rows = 0;
    uint64_t size() const { return rows; }
};

/// Deliveries first..last (empty when first > last).
struct WorldSeqRange {
    uint64_t first = 1, last = 0;
    bool empty() const { return first > last; }
};

/// A sampled row: enough to place and count it.
struct WorldSample {
    uint64_t row = 0, seq = 0, tick = 0;
    bool output = false;
    uint8_t kind = 0;   ///< engine::InputEvent::Kind or engine::OutputEvent::Kind value; 0: unreadable
    int32_t status = 0; ///< outputs: the respond status (decoded); inputs: request_done's
    double weight = 1;  ///< rows of the span this sample stands for
};

class TraceWorld {
public:
    /// Bound on the rows a search for a related row (a response, a
    /// request_done, a request) looks at.
    static constexpr size_t kExchangeScanRows = 200'000;
    /// Rows up to this size are read with the scan; larger ones one by one,
    /// within the call's decodeBudget.
    static constexpr size_t kInlineBytes = 64 * 1024;

    /// Reads through `reader` (not owned; must outlive this; same thread).
    static Result<std::unique_ptr<TraceWorld>> open(TraceReader& reader);

    /// The trace has the input_links table (traces recorded before it lack it:
    /// then no input knows its delivery).
    bool hasLinks() const { return m_hasLinks; }
    /// Anything from or to the outside world: a stream-3 output, or a world
    /// input among the first 1,000 effects (bounded; no full scan).
    bool hasWorld() const { return m_hasWorld; }
    uint64_t lastSeq() const { return m_lastSeq; }

    /// The deliveries after which the inputs stamped at ticks firstTick..lastTick
    /// arrived (tick(seq) + 1 in the range), and those during which the
    /// outputs of those ticks were sent.
    Result<WorldSeqRange> inputSeqsOfTicks(uint64_t firstTick, uint64_t lastTick);
    Result<WorldSeqRange> outputSeqsOfTicks(uint64_t firstTick, uint64_t lastTick);

    /// Inputs that arrived after deliveries firstSeq..lastSeq, with ticks and deliveries.
    Result<WorldPage<WorldInput>> inputs(uint64_t firstSeq, uint64_t lastSeq, const WorldReadOptions& options = {});
    /// Inputs stamped at ticks firstTick..lastTick (WorldInput::tick).
    Result<WorldPage<WorldInput>> inputsInTicks(uint64_t firstTick, uint64_t lastTick,
                                                const WorldReadOptions& options = {});
    /// Outputs sent during deliveries firstSeq..lastSeq.
    Result<WorldPage<WorldOutput>> outputs(uint64_t firstSeq, uint64_t lastSeq, const WorldReadOptions& options = {});
    Result<WorldPage<WorldOutput>> outputsInTicks(uint64_t firstTick, uint64_t lastTick,
                                                  const WorldReadOptions& options = {});

    /// Effects / outputs rows whose seq is in firstSeq..lastSeq (all kinds).
    Result<WorldSpan> inputSpan(uint64_t firstSeq, uint64_t lastSeq);
    Result<WorldSpan> outputSpan(uint64_t firstSeq, uint64_t lastSeq);
    /// Up to `count` (at most 4,096) rows of a span, evenly spaced, that are
    /// world inputs / outputs (others are skipped, so fewer may come back),
    /// with ticks; each sample's weight is the rows it stands for.
    Result<std::vector<WorldSample>> sampleInputs(WorldSpan span, size_t count);
    Result<std::vector<WorldSample>> sampleOutputs(WorldSpan span, size_t count);

    /// Effects row `effectRow` when it is a world input (nullopt: no such
    /// row, or another kind of effect).
    Result<std::optional<WorldInput>> input(uint64_t effectRow, const WorldReadOptions& options = {});
    /// Outputs row `row` when it is a world output.
    Result<std::optional<WorldOutput>> output(uint64_t row, const WorldReadOptions& options = {});
    /// The input that queued delivery `seq` (a delivery from outside), if
    /// the trace links it.
    Result<std::optional<uint64_t>> inputOfDelivery(uint64_t seq);
    /// The exchange of the http_request at `effectRow`.
    Result<std::optional<HttpExchange>> exchange(uint64_t effectRow, const WorldReadOptions& options = {});
    /// The exchange a respond output (outputs row `row`) belongs to.
    Result<std::optional<HttpExchange>> exchangeOfResponse(uint64_t row, const WorldReadOptions& options = {});
    /// The http_request with request id `id` that arrived after delivery
    /// `seq` or earlier (the latest such; bounded look back).
    Result<std::optional<uint64_t>> requestOf(uint64_t id, uint64_t seq);

    /// The next (forward) or previous world input strictly after / before
    /// effects row `effectRow`; `effectRow` 0 with forward: the first.
    /// Without `withDone`, request_done inputs are skipped (they are the
    /// outcome of a request rather than an input of their own).
    Result<std::optional<uint64_t>> stepInput(uint64_t effectRow, bool forward, bool withDone = true);
    Result<std::optional<uint64_t>> stepOutput(uint64_t row, bool forward);
    /// The first world input that arrived after delivery `seq` or later
    /// (forward), or the last one that arrived at or before it.
    Result<std::optional<uint64_t>> inputNearSeq(uint64_t seq, bool forward, bool withDone = true);

private:
    explicit TraceWorld(TraceReader& reader) : m_reader(reader) {}
    struct RawRow;
    Result<void> prepare();
    /// First rowid of `table` whose seq >= `seq` (m_*MaxRow + 1: none).
    Result<uint64_t> firstRowAtOrAfter(bool outputs, uint64_t seq);
    Result<WorldSpan> span(bool outputs, uint64_t firstSeq, uint64_t lastSeq);
    WorldInput decodeInputRow(const RawRow& raw, const WorldReadOptions& options) const;
    WorldOutput decodeOutputRow(const RawRow& raw, const WorldReadOptions& options) const;
    /// Reads the bytes of a large row the scan left out, when the options
    /// and the remaining `budget` allow; false when they stay unread.
    bool fetchLarge(RawRow& raw, bool outputs, const WorldReadOptions& options, size_t& budget);
    /// Fills `tick` of every row (seqs must be <= m_lastSeq).
    template <typename Row> Result<void> resolveTicks(std::vector<Row>& rows, uint64_t plus);
    Result<void> resolveDeliveries(std::vector<WorldInput>& rows);
    Result<std::optional<uint64_t>> deliveryOf(const WorldInput& in);
    Result<std::optional<WorldOutput>> findResponse(const WorldInput& request, const WorldReadOptions& options,
                                                    bool& cut);
    Result<std::optional<WorldInput>> findDone(const WorldInput& request, bool& cut);
    std::string fail(const std::string& what) const;

    TraceReader& m_reader;
    uint64_t m_lastSeq = 0, m_lastTick = 0;
    uint64_t m_effectsMaxRow = 0, m_outputsMaxRow = 0;
    uint64_t m_effectsCount = 0, m_outputsCount = 0; ///< rows of the tables (TraceInfo)
    bool m_hasLinks = false, m_hasWorld = false;
    Statement m_effectRows, m_effectRowsBack, m_effectSeqAt, m_effectAt, m_outputRows, m_outputRowsBack,
        m_outputSeqAt, m_outputAt, m_linksIn, m_linkOf, m_sampleEffect, m_sampleOutput, m_effectValue, m_outputValue, m_stepRows, m_stepRowsBack;
};

/// Is `kind` (an effects.kind) an input from the outside world?
bool isWorldInputKind(std::string_view kind);

} // namespace aeroflow::debugger
