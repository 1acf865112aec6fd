#pragma once
// What the Debug menu drives. Today's implementation (RunController) works
// at message granularity on the engine's stepping API and goes backwards by
// deterministic re-execution from the start. The recording debugger
// (debugger/: SQLite traces, checkpoints, seek) will provide a second
// implementation with statement granularity and cheap seeks; the Studio's
// actions only see this interface.

namespace aeroflow::studio {

class DebugController {
public:
    enum class Granularity { Message, Statement };

    virtual ~DebugController() = default;

    /// The smallest step this controller can take.
    virtual Granularity granularity() const = 0;
    /// Whether stepBack()/reverseContinue() can do anything now.
    virtual bool canStepBack() const = 0;

    virtual void continueRun() = 0;     ///< F5 while paused
    virtual void pause() = 0;
    virtual void stop() = 0;            ///< Shift+F5
    virtual void stepOver() = 0;        ///< F10: the next delivery
    virtual void stepInto() = 0;        ///< F11: to the first message the next handler sends
    virtual void stepOut() = 0;         ///< Shift+F11: until the sender of the current message receives one
    virtual void stepBack() = 0;        ///< Shift+F10: to before the previous delivery
    virtual void reverseContinue() = 0; ///< Ctrl+Shift+F5: to the previous breakpoint hit
};

} // namespace aeroflow::studio
