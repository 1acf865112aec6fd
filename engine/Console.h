#pragma once
// The console as a run's outside world, shared by `aeroflow run` and the
// ahead-of-time executables (runtime/AotMain.cpp) so that both print the same
// bytes: program output to stdout, diagnostics to stderr (stdout flushed
// first), env() from the process environment, read_line() from stdin.

#include "Scheduler.h"

namespace aeroflow::engine {

/// Installs env() and read_line() answers from the process (the effect boundary).
void installConsoleEffects(RunOptions& options);
/// Output to stdout/stderr.
OutputFn consoleOutput();

} // namespace aeroflow::engine
