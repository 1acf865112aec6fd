#pragma once
// Opens a recorded trace (debugger::TimeTravel) on its own thread and
// answers the Studio's questions about it: the summary, source and output,
// pages of deliveries, and the state at a position (seek, step forward and
// back). Results leave as plain values through queued signals; a damaged,
// foreign or newer trace gives openFailed() with the reader's message.

#include "RunTypes.h"
#include "StatementCursor.h"

#include <QObject>

#include <memory>
#include <vector>

namespace aeroflow::debugger {
class TimeTravel;
struct TraceActor;
struct TraceMessage;
}

namespace aeroflow::studio {

struct TraceSummary {
    QString path;
    QString fileName;   ///< the trace's file name (no folders)
    QString sourceName; ///< the recorded program's file name
    QString source;     ///< the embedded source text, as the editor loads it (EditorText)
    QString sourceNotice; ///< what `source` leaves out of a very large text; empty when whole
    /// Every source file of the program, the entry file first (one for a
    /// program of one file): display names and texts (as the editor loads them).
    QStringList fileNames, fileTexts;
    quint64 messages = 0, finalTick = 0; ///< the checked extent (debugger::TraceExtent)
    bool complete = false;
    int exitCode = 0;
    QString description; ///< one line for Output and the status bar
    /// "this trace looks damaged: …" when opening found a row that does not
    /// fit the trace's own counts (the trace is shown without it), or empty.
    QString damage;
};

class TraceWorker : public QObject {
    Q_OBJECT
public:
    TraceWorker();
    ~TraceWorker() override;

    void open(const QString& path);
    /// Up to `count` deliveries from seq `first` on.
    void fetchMessages(quint64 first, int count);
    void seek(quint64 seq);
    void stepForward();
    void stepBack();
    /// Statement granularity inside the next delivery (TimeTravel::statementsOf):
    /// past its last statement to the first of the following delivery,
    /// before its first to the last statement of the previous delivery.
    void stepStatement(aeroflow::debugger::StepKind kind, bool forward);
    /// F5 / Ctrl+Shift+F5: to before the next / previous delivery that hits
    /// one of `breakpoints` (handlers, main program and functions; Studio
    /// conditions over handler parameters, the receiver's state before the
    /// delivery, tick and seq). Stays put when none does.
    void continueTo(const QVector<aeroflow::studio::BreakpointSpec>& breakpoints, bool forward);
    void close();

    /// What Output loads of a trace at once.
    static constexpr size_t kMaxOutputLines = 20'000;
    static constexpr size_t kMaxOutputLineBytes = 8 * 1024;
    static constexpr size_t kMaxOutputBytes = 2u << 20;

Q_SIGNALS:
    void opened(const aeroflow::studio::TraceSummary& summary);
    void openFailed(const QString& path, const QString& message);
    /// The last recorded lines (bounded: kMaxOutputLines, kMaxOutputBytes,
    /// lines cut past kMaxOutputLineBytes with their size); `leftOut`
    /// earlier lines were not loaded.
    void outputLoaded(const QVector<aeroflow::studio::OutputLine>& lines, quint64 leftOut);
    /// Rows from `first`; `more`: later rows exist.
    void messagesFetched(quint64 first, const QVector<aeroflow::studio::DeliveryInfo>& rows, bool more);
    /// The state after delivery `snapshot.delivered`; `line`: next handler's
    /// line, in file `snapshot.sourceFile` of the program.
    void positioned(const aeroflow::studio::SessionSnapshot& snapshot, int line);
    void failed(const QString& message);

private:
    DeliveryInfo toDelivery(const debugger::TraceMessage& m) const;
    /// Emits outputLoaded() with the last recorded lines (bounded).
    void loadOutput(const QString& path);
    void report();
    /// Loads the statements of delivery `seq` into m_cursor, leaving the
    /// position at seq - 1.
    void loadStatements(quint64 seq);
    /// The first hit of `bp` strictly after / before the current position
    /// (0: none); leaves the position unspecified.
    quint64 nextHit(const BreakpointSpec& bp, bool forward);
    bool conditionHolds(const BreakpointSpec& bp, quint64 seq, quint32 receiver);
    QString actorName(int64_t id) const;

    std::unique_ptr<debugger::TimeTravel> m_tt;
    std::vector<debugger::TraceActor> m_actors;
    quint64 m_end = 0; ///< the last delivery shown: the trace's checked extent
    StatementCursor m_cursor;
    int m_hitLine = 0; ///< the breakpoint line the last continue stopped at
};

} // namespace aeroflow::studio

Q_DECLARE_METATYPE(aeroflow::studio::TraceSummary)
