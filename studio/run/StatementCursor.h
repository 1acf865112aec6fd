#pragma once
// Statement granularity inside one delivery: the StatementStops of the
// delivery about to run (from debugger::StatementCollector, by re-execution)
// and which of them the pause stands at. Both debuggers use it: the live
// session (EngineSession) and an opened trace (TraceWorker). Moves that leave
// the delivery are the owner's: it then loads the next / previous delivery.

#include "RunTypes.h"

#include "TimeTravel.h"

#include <vector>

namespace aeroflow::studio {

class StatementCursor {
public:
    /// Holds the stops of delivery `seq` and stands at the first one.
    void load(quint64 seq, std::vector<debugger::StatementStop> stops);
    void reset() { *this = StatementCursor(); }
    /// The stops of `seq` are held (possibly none).
    bool holds(quint64 seq) const { return m_loaded && m_seq == seq; }
    bool empty() const { return m_stops.empty(); }
    size_t index() const { return m_index; }

    /// F10/F11/Shift+F11 (forward) or step back: moves inside the delivery;
    /// false (and no move) when the step leaves it.
    bool step(debugger::StepKind kind, bool forward);
    /// Coming back from the next delivery: Into → the very last stop;
    /// Over/Out → the last stop at the shallowest depth.
    void toLast(debugger::StepKind kind);
    /// To the first stop on `line` (a breakpoint); false when none is.
    bool toLine(int line);
    /// 1-based line of the current stop; 0 when empty.
    int line() const;

    /// The current stop for the GUI (invalid when nothing is held).
    StatementPoint point() const;
    /// Puts the current stop into `s`: s.statement, and the running actor's
    /// fields as they are at the statement (not before the delivery).
    void applyTo(SessionSnapshot& s) const;

private:
    quint64 m_seq = 0;
    bool m_loaded = false;
    std::vector<debugger::StatementStop> m_stops;
    size_t m_index = 0;
};

} // namespace aeroflow::studio
