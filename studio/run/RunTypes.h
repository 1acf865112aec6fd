#pragma once
// Plain values that cross from the engine thread to the GUI thread (queued
// signals carry copies): output lines, delivery summaries, actor states.
// Strings are already formatted on the engine thread, so the GUI never
// touches engine Values.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstddef>
#include <cstdint>

namespace aeroflow::studio {

enum class OutputKind : uint8_t { Output, Error, Warning, System };

struct OutputLine {
    quint64 seq = 0; ///< delivery being handled when it was printed (0: top-level code)
    OutputKind kind = OutputKind::Output;
    QString text;    ///< with its '\n'
};

/// One delivery, after the receiver handled it.
struct DeliveryInfo {
    quint64 seq = 0;  ///< 1-based delivery number; 0 = none
    quint64 tick = 0;
    quint32 sender = 0, receiver = 0;
    quint64 causeSeq = 0;
    QString senderName, receiverName;
    QString message;      ///< printed message, `Add(41)`
    int handlerFunction = -1;
    QString handlerName;  ///< `Counter.on Add`
    int handlerLine = 0;  ///< 1-based first line of the handler; 0 when none
    QStringList argNames; ///< the handler's parameter names
    QStringList argValues;///< printed argument values
    bool crashed = false;
};

struct ActorField {
    QString name;
    QString value; ///< printed form (strings quoted), cut past kMaxShownFieldBytes with its size
};

/// How much of one printed state field the Actors dock holds.
inline constexpr size_t kMaxShownFieldBytes = 4096;

struct ActorView {
    quint32 id = 0;
    QString name; ///< "main", "Counter#1"
    bool alive = true;
    bool isScreen = false;
    quint64 stateHash = 0;
    QVector<ActorField> fields;
    QString lastRender; ///< screens: the UI tree text of the last render
};

/// A pause inside a handler at statement granularity (debugger::StatementStop
/// printed for the GUI): the delivery `seq` is being executed and stands
/// before the statement at `line`.
struct StatementPoint {
    bool valid = false;
    quint64 seq = 0;        ///< the delivery being executed
    int index = 0, count = 0; ///< stop index among the delivery's `count` stops
    int line = 0;           ///< 1-based
    int depth = 0;          ///< 1: the handler's own frame
    quint32 actor = 0;      ///< the running actor
    QString actorName;
    QString function;       ///< "Counter.on Add", "helper"
    QVector<ActorField> locals; ///< variables live at the statement
    QVector<ActorField> state;  ///< the running actor's fields at the statement
};

/// Where a session stands, for the status bar and the Actors dock.
struct SessionSnapshot {
    quint64 delivered = 0; ///< deliveries so far
    quint64 tick = 0;      ///< logical time now
    bool over = false;
    bool failed = false;
    QVector<ActorView> actors;
    /// When paused: the delivery that runs next (seq 0 when nothing is pending).
    DeliveryInfo next;
    /// When paused at statement granularity: the statement about to run in
    /// `next` (invalid: paused before the delivery as a whole).
    StatementPoint statement;
    /// A recorded program of several files: the file (TraceSummary::fileNames
    /// index) of the line that comes with this snapshot; 0 for the entry file.
    int sourceFile = 0;
    /// A live run of a program of several files: that file's path in the
    /// program (relative to the entry file's folder); empty for the entry file.
    QString sourcePath;
};

/// How a run executes (status bar, Output): native code from the JIT or the
/// interpreter, and why.
struct ExecutionInfo {
    bool native = false;       ///< the run has native code installed
    int optLevel = 0;          ///< JIT optimisation level (when native)
    quint32 functions = 0;     ///< functions compiled (when native)
    double compileMs = 0;      ///< JIT compile wall time (when native)
    double waitMs = 0;         ///< waited for the start-up preload first (when native)
    quint64 nativeEntries = 0; ///< times the engine entered native code so far
    bool debugging = false;    ///< a Debug session: the interpreter by design
    /// Non-empty: the JIT was wanted but is unavailable or failed (the run
    /// went on with the interpreter).
    QString fallbackReason;
};

/// A breakpoint as the engine side needs it.
struct BreakpointSpec {
    int line = 0; ///< 1-based source line
    QString condition;
    /// A program of several files: the file of `line` (a live run: its path
    /// relative to the entry file's folder; a trace: its recorded name);
    /// empty for the entry file.
    QString file;
};

} // namespace aeroflow::studio

Q_DECLARE_METATYPE(aeroflow::studio::OutputLine)
Q_DECLARE_METATYPE(aeroflow::studio::DeliveryInfo)
Q_DECLARE_METATYPE(aeroflow::studio::SessionSnapshot)
Q_DECLARE_METATYPE(aeroflow::studio::ExecutionInfo)
