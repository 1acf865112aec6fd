#pragma once
// The one cursor every time-travel view follows (DESIGN.md "Studio"): the
// position in a recorded run (after delivery `seq`, at logical time `tick`),
// the selected actor and the selected message. Views read it and ask it to
// move; it never does slow work itself (a seq <-> tick lookup is a binary
// search over the trace's rowids, microseconds), so it lives on the GUI
// thread. Views that rebuild state (the snapshot explorer, the graph) do so
// on their own workers when positionChanged arrives.

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>

namespace aeroflow::debugger {
class TraceReader;
}

namespace aeroflow::timeline {

/// An input from or an output to the outside world, by its row in the trace
/// (effects rowid for inputs, outputs rowid for outputs); row 0: none.
struct OutsideRef {
    bool output = false;
    uint64_t row = 0;
    bool isNull() const { return row == 0; }
    bool operator==(const OutsideRef&) const = default;
};

class TraceCursor : public QObject {
    Q_OBJECT
public:
    explicit TraceCursor(QObject* parent = nullptr);
    ~TraceCursor() override;

    /// Opens the trace (its own read connection). On failure returns false
    /// and leaves an error message in `error`; the cursor is then empty.
    bool open(const QString& tracePath, QString* error = nullptr);
    void close();
    bool isOpen() const;
    QString tracePath() const { return m_path; }

    /// Re-reads the trace summary (a live recording grows); emits
    /// extentChanged when the last seq moved.
    void refresh();

    uint64_t seq() const { return m_seq; }
    uint64_t tick() const { return m_tick; }
    /// Last delivery (positions are 0..endSeq): the trace's checked extent
    /// (debugger::TraceExtent), so rows past a forged seq are never reached.
    uint64_t endSeq() const { return m_endSeq; }
    uint64_t endTick() const { return m_endTick; } ///< tick of the last delivery
    /// What opening found damaged ("this trace looks damaged: …"), or empty.
    QString damage() const { return m_damage; }

    /// -1: none.
    int64_t selectedActor() const { return m_actor; }
    /// 0: none.
    uint64_t selectedMessage() const { return m_message; }
    /// The selected input or output of the outside world (null: none). A
    /// selection is a message or an outside event, never both: selecting
    /// one clears the other.
    OutsideRef selectedOutside() const { return m_outside; }

    /// The tick of delivery `seq` / the position reached at `tick` (the last
    /// delivery with tick <= `tick`); both clamp to the trace.
    uint64_t tickOf(uint64_t seq) const;
    uint64_t seqAtTick(uint64_t tick) const;

public Q_SLOTS:
    /// Moves to after delivery `seq` (clamped to 0..endSeq).
    void setSeq(uint64_t seq);
    /// Moves to the position reached at `tick`.
    void setTick(uint64_t tick);
    void selectActor(int64_t actor);
    /// Selects a message without moving the cursor (0 clears).
    void selectMessage(uint64_t seq);
    /// Selects an outside event without moving the cursor (a null ref clears).
    void selectOutside(aeroflow::timeline::OutsideRef ref);

Q_SIGNALS:
    void opened();
    void closed();
    void extentChanged(uint64_t endSeq, uint64_t endTick);
    void positionChanged(uint64_t seq, uint64_t tick);
    void actorSelected(int64_t actor);
    void messageSelected(uint64_t seq);
    void outsideSelected(aeroflow::timeline::OutsideRef ref);

private:
    QString m_path;
    QString m_damage;
    std::unique_ptr<debugger::TraceReader> m_reader;
    uint64_t m_seq = 0, m_tick = 0, m_endSeq = 0, m_endTick = 0;
    int64_t m_actor = -1;
    uint64_t m_message = 0;
    OutsideRef m_outside;
};

} // namespace aeroflow::timeline

Q_DECLARE_METATYPE(aeroflow::timeline::OutsideRef)
