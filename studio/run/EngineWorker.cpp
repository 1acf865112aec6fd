#include "EngineWorker.h"

#include "editor/ProgramFiles.h"

#include "Compiler.h"

#include <QDir>
#include <algorithm>
#include <QFileInfo>
#include <QMetaObject>

namespace aeroflow::studio {

namespace {
// A chunk is short enough that queued commands wait at most this long, and
// long enough that signalling costs nothing next to the engine's work.
constexpr qint64 kChunkMs = 15;
constexpr qint64 kProgressMs = 50;

template <typename T>
QVector<T> toQVector(std::vector<T>&& v)
{
    return QVector<T>(std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
}
} // namespace

EngineWorker::EngineWorker(std::atomic<bool>* stopFlag, std::atomic<bool>* pauseFlag)
    : m_stop(stopFlag), m_pause(pauseFlag)
{
}

EngineWorker::~EngineWorker() = default;

void EngineWorker::systemLine(const QString& text)
{
    const quint64 at = m_session ? m_session->delivered() : 0;
    Q_EMIT outputAppended({OutputLine{at, OutputKind::System, text + QLatin1Char('\n')}});
}

void EngineWorker::beginRecording(const QString& fileName, const QByteArray& source, const RunSettings& settings)
{
    if (settings.traceDir.isEmpty())
        return;
    QDir dir(settings.traceDir);
    if (!dir.mkpath(QStringLiteral("."))) {
        systemLine(tr("Not recorded: cannot create the folder %1").arg(QDir::toNativeSeparators(settings.traceDir)));
        return;
    }
    const QString stem = settings.traceStem.isEmpty() ? QFileInfo(fileName).completeBaseName() : settings.traceStem;
    QString path;
    for (int n = 1; n < 100'000; ++n) {
        path = dir.filePath(QStringLiteral("%1-%2.aftrace").arg(stem).arg(n));
        if (!QFileInfo::exists(path))
            break;
    }
    const QString error = m_session->startRecording(path, source);
    if (!error.isEmpty())
        systemLine(tr("Not recorded (the run goes on): %1").arg(error));
}

void EngineWorker::endRecording()
{
    if (!m_session || !m_session->recording())
        return;
    const QString path = m_session->tracePath();
    const QString error = m_session->finishRecording();
    Q_EMIT traceWritten(path, error);
}

OutputLine EngineWorker::prepareNative(const compiler::Program& program, const RunSettings& settings, bool debug)
{
    m_exec = ExecutionInfo{};
    m_exec.debugging = debug;
    // Debugging (breakpoints, stepping) stays on the interpreter: statements
    // are observed there, exactly. The engine would ignore native code under
    // a statement observer anyway; not compiling saves the time.
    if (debug || !settings.nativeCode)
        return {};
    auto native = NativeProgram::compile(program, settings.jitOptLevel);
    if (!native) {
        QString reason = QString::fromStdString(native.error()).trimmed();
        reason.replace(QLatin1Char('\n'), QStringLiteral("; "));
        m_exec.fallbackReason = reason;
        return OutputLine{0, OutputKind::Warning,
                          tr("JIT unavailable (%1); running on the interpreter\n").arg(reason)};
    }
    m_native = std::move(*native);
    m_exec.native = true;
    m_exec.optLevel = m_native->optLevel();
    m_exec.functions = m_native->functions();
    m_exec.compileMs = m_native->compileMs();
    m_exec.waitMs = m_native->waitMs();
    QString text = tr("Native code (JIT -O%1): %2 %3 compiled in %4 ms")
                       .arg(m_exec.optLevel)
                       .arg(m_exec.functions)
                       .arg(m_exec.functions == 1 ? tr("function") : tr("functions"))
                       .arg(qRound(m_exec.compileMs));
    if (qRound(m_exec.waitMs) > 0) // a Run pressed while LLVM was still loading
        text += tr(" (after %1 ms waiting for LLVM to load)").arg(qRound(m_exec.waitMs));
    return OutputLine{0, OutputKind::System, text + QLatin1Char('\n')};
}

void EngineWorker::load(const QString& fileName, const QByteArray& source, RunSettings settings,
                        const QVector<BreakpointSpec>& breakpoints, bool debug, bool stopAtStart)
{
    endRecording();
    m_session.reset();
    m_native.reset(); // after the session: its lanes point at it
    m_running = false;
    m_stop->store(false);
    m_pause->store(false);
    // The files it imports are read beside it; the recording keeps them all.
    compiler::CompileResult r = compileProgram(fileName, source.toStdString());
    if (!r.ok() || !r.program) {
        Q_EMIT compileFailed(QString::fromStdString(r.formatDiagnostics()));
        return;
    }
    engine::RunOptions options;
    options.seed = settings.seed;
    options.fuel = settings.fuel;
    options.maxMessages = settings.maxMessages;
    const OutputLine how = prepareNative(*r.program, settings, debug);
    options.native = m_native.get();
    m_program = r.program;
    m_session = std::make_unique<EngineSession>(r.program, std::move(options));
    m_session->setInterrupt(m_stop);
    m_session->setBreakpoints(programBreakpoints(breakpoints));
    m_debug = debug;
    Q_EMIT started();
    Q_EMIT executionChanged(m_exec);
    if (!how.text.isEmpty())
        Q_EMIT outputAppended({how});
    const std::string_view programSource = r.programSource();
    beginRecording(fileName, QByteArray(programSource.data(), qsizetype(programSource.size())), settings);
    m_session->start();
    flush();
    if (stopAtStart) {
        reportPaused();
        return;
    }
    resume();
}

void EngineWorker::setBreakpoints(const QVector<BreakpointSpec>& breakpoints)
{
    if (m_session)
        m_session->setBreakpoints(programBreakpoints(breakpoints));
}

QVector<BreakpointSpec> EngineWorker::programBreakpoints(const QVector<BreakpointSpec>& breakpoints) const
{
    // The session counts lines in the program's combined text (Program::files):
    // a breakpoint in file F at line L becomes that line; one in a file that
    // is not part of the program is dropped.
    QVector<BreakpointSpec> out;
    for (BreakpointSpec b : breakpoints) {
        if (!m_program || m_program->files.empty()) {
            if (b.file.isEmpty())
                out.push_back(b);
            continue;
        }
        const std::string& entry = m_program->files.front().name;
        const std::string name = b.file.isEmpty() ? entry : compiler::sourceDirectory(entry) + b.file.toStdString();
        if (const uint32_t line = m_program->programLine(name, uint32_t(std::max(b.line, 0)))) {
            b.line = int(line);
            b.file.clear();
            out.push_back(b);
        }
    }
    return out;
}

void EngineWorker::resume()
{
    if (!ready())
        return;
    m_pause->store(false);
    if (!m_running && m_session->insideDelivery())
        m_session->skipBreakpointOnce(); // leave the breakpoint we stand on
    m_running = true;
    m_sinceProgress.start();
    if (!m_chunkQueued)
        runChunk();
}

void EngineWorker::runChunk()
{
    m_chunkQueued = false;
    if (!ready() || !m_running)
        return;
    QElapsedTimer chunk;
    chunk.start();
    EngineSession::Result r = EngineSession::Result::Delivered;
    while (chunk.elapsed() < kChunkMs) {
        if (m_stop->load()) {
            shutdown();
            return;
        }
        if (m_pause->load()) {
            m_running = false;
            flush();
            reportPaused();
            return;
        }
        r = m_session->advance(m_debug);
        if (r != EngineSession::Result::Delivered)
            break;
    }
    flush();
    if (r == EngineSession::Result::BreakpointHit) {
        m_running = false;
        reportPaused();
        return;
    }
    if (r == EngineSession::Result::Idle) {
        m_running = false;
        const SessionSnapshot snapshot = m_session->snapshot();
        // A live screen may still send UI events: keep recording until the
        // run is stopped. Otherwise nothing can wake the run: close the trace.
        const bool screens = std::any_of(snapshot.actors.begin(), snapshot.actors.end(),
                                         [](const ActorView& a) { return a.isScreen && a.alive; });
        if (!screens)
            endRecording();
        reportExecution();
        Q_EMIT idle(snapshot, m_session->failed());
        return;
    }
    m_chunkQueued = true;
    QMetaObject::invokeMethod(this, &EngineWorker::runChunk, Qt::QueuedConnection);
}

void EngineWorker::flush()
{
    if (!m_session)
        return;
    if (const QString problem = m_session->takeRecordingProblem(); !problem.isEmpty())
        systemLine(problem);
    if (auto out = m_session->takeNewOutput(); !out.empty())
        Q_EMIT outputAppended(toQVector(std::move(out)));
    if (auto d = m_session->takeNewDeliveries(); !d.empty())
        Q_EMIT deliveriesAppended(toQVector(std::move(d)));
    if (!m_sinceProgress.isValid() || m_sinceProgress.elapsed() >= kProgressMs || !m_running) {
        const SessionSnapshot s = m_session->snapshot();
        Q_EMIT progress(s.delivered, s.tick);
        reportExecution();
        m_sinceProgress.restart();
    }
}

void EngineWorker::reportExecution()
{
    if (m_native && m_native->nativeEntries() != m_exec.nativeEntries) {
        m_exec.nativeEntries = m_native->nativeEntries();
        Q_EMIT executionChanged(m_exec);
    }
}

void EngineWorker::reportPaused()
{
    flush();
    m_session->loadStatements();
    int line = m_session->executionLine();
    SessionSnapshot s = m_session->snapshot();
    if (line > 0 && m_program && !m_program->files.empty()) {
        // A program of several files: the line of the file it is in.
        const compiler::SourcePlace place = m_program->locate(uint32_t(line));
        s.sourceFile = int(place.fileIndex);
        if (place.fileIndex > 0) {
            const std::string root = compiler::sourceDirectory(m_program->files.front().name);
            const std::string name(place.file);
            s.sourcePath = QString::fromStdString(name.substr(name.starts_with(root) ? root.size() : 0));
        }
        line = int(place.line);
    }
    Q_EMIT paused(s, line, m_session->lastStopWasBreakpoint());
}

void EngineWorker::afterCommand()
{
    if (m_session->takeRewound()) {
        const auto& out = m_session->output();
        Q_EMIT outputReset(QVector<OutputLine>(out.begin(), out.end()));
        Q_EMIT deliveriesTruncated(m_session->delivered());
    }
    reportPaused();
}

// Stepping commands act only while paused; a running session ignores them.
void EngineWorker::stepStatement(debugger::StepKind kind, bool forward)
{
    if (!ready() || m_running)
        return;
    m_session->stepStatement(kind, forward);
    afterCommand();
}

void EngineWorker::nextMessage()
{
    if (!ready() || m_running)
        return;
    m_session->advance(false);
    afterCommand();
}

void EngineWorker::messageInto()
{
    if (!ready() || m_running)
        return;
    m_session->stepInto();
    afterCommand();
}

void EngineWorker::messageOut()
{
    if (!ready() || m_running)
        return;
    m_session->stepOut();
    afterCommand();
}

void EngineWorker::previousMessage()
{
    if (!ready() || m_running)
        return;
    m_session->stepBack();
    afterCommand();
}

void EngineWorker::reverseContinue()
{
    if (!ready() || m_running)
        return;
    m_session->reverseContinue();
    afterCommand();
}

void EngineWorker::inject(quint32 actor, const QString& message, const QStringList& args)
{
    if (!ready())
        return;
    if (!m_session->inject(actor, message, args)) {
        Q_EMIT outputAppended({OutputLine{m_session->delivered(), OutputKind::System,
                                          QStringLiteral("UI event %1 could not be delivered\n").arg(message)}});
        return;
    }
    // The event wakes an idle run: deliver it and whatever follows.
    if (!m_running && !m_pause->load())
        resume();
}

void EngineWorker::injectInput(quint32 actor, const QString& field, const QString& text)
{
    if (!ready())
        return;
    if (!m_session->injectInput(actor, field, text)) {
        systemLine(tr("The input for %1 could not be applied (no such state field)").arg(field));
        return;
    }
    flush();
    if (m_running)
        return;
    // Show the new state at once; an idle run with a screen keeps recording.
    if (m_pause->load() || m_session->lastStopWasBreakpoint() || m_debug)
        reportPaused();
    else
        Q_EMIT idle(m_session->snapshot(), m_session->failed());
}

void EngineWorker::injectUiEvent(quint32 actor, const QString& key, int ordinal)
{
    if (!ready())
        return;
    const QString message = m_session->uiEventMessage(actor, key, ordinal);
    if (message.isEmpty()) {
        Q_EMIT outputAppended({OutputLine{m_session->delivered(), OutputKind::System,
                                          QStringLiteral("This %1 runs code (a method call); the engine cannot run "
                                                         "event functions from outside yet, so it was not sent\n")
                                              .arg(key)}});
        return;
    }
    inject(actor, message, {});
}

void EngineWorker::shutdown()
{
    m_running = false;
    endRecording();
    m_session.reset();
    Q_EMIT stopped();
}

} // namespace aeroflow::studio
