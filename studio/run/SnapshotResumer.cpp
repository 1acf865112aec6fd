#include "SnapshotResumer.h"

#include "Scheduler.h"
#include "Snapshot.h"

#include <QFile>
#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace aeroflow::studio {

namespace {

/// Collects output lines and hands them to the GUI thread in batches.
class OutputBatcher {
public:
    explicit OutputBatcher(QPointer<SnapshotResumer> target)
        : m_target(std::move(target))
    {
    }
    void add(engine::Stream stream, std::string_view text)
    {
        const OutputKind kind = stream == engine::Stream::Output ? OutputKind::Output
            : stream == engine::Stream::Error                    ? OutputKind::Error
                                                                 : OutputKind::Warning;
        m_lines.push_back(OutputLine { 0, kind, QString::fromUtf8(text.data(), qsizetype(text.size())) });
        if (m_lines.size() >= 256)
            flush();
    }
    void flush()
    {
        if (m_lines.isEmpty())
            return;
        QMetaObject::invokeMethod(
            m_target.data(),
            [t = m_target, lines = std::move(m_lines)] {
                if (t)
                    Q_EMIT t->outputAppended(lines);
            },
            Qt::QueuedConnection);
        m_lines = {};
    }

private:
    QPointer<SnapshotResumer> m_target;
    QVector<OutputLine> m_lines;
};

SnapshotResumer::Result resume(
    const QString& path, const std::shared_ptr<std::atomic<bool>>& cancel, QPointer<SnapshotResumer> target)
{
    SnapshotResumer::Result r;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        r.error = QObject::tr("Cannot read %1: %2").arg(path, file.errorString());
        return r;
    }
    const QByteArray bytes = file.readAll();
    const std::string_view image(bytes.constData(), size_t(bytes.size()));
    auto info = engine::readSnapshotInfo(image);
    if (!info) {
        r.error = QString::fromStdString(info.error());
        return r;
    }
    r.startTick = info->time;
    auto batcher = std::make_shared<OutputBatcher>(target);
    auto restored = engine::restoreSnapshot(
        image, nullptr, engine::RunOptions {}, [batcher](engine::Stream s, std::string_view t) { batcher->add(s, t); });
    if (!restored) {
        r.error = QString::fromStdString(restored.error());
        return r;
    }
    engine::Scheduler& s = **restored;
    s.start();
    while (!s.over()) {
        if (cancel->load()) {
            r.cancelled = true;
            break;
        }
        if (!s.step())
            break;
        ++r.delivered;
    }
    r.finalTick = s.now();
    if (!r.cancelled)
        r.exitCode = s.finish().exitCode;
    batcher->flush();
    return r;
}

} // namespace

SnapshotResumer::SnapshotResumer(QObject* parent)
    : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<Result>::finished, this, [this] { Q_EMIT finished(m_watcher.result()); });
}

SnapshotResumer::~SnapshotResumer()
{
    cancel();
    m_watcher.waitForFinished();
}

bool SnapshotResumer::start(const QString& afsPath)
{
    if (isRunning())
        return false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_watcher.setFuture(QtConcurrent::run(resume, afsPath, m_cancel, QPointer<SnapshotResumer>(this)));
    return true;
}

void SnapshotResumer::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

} // namespace aeroflow::studio
