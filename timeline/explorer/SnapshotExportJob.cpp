// The snapshot export job (see SnapshotExportJob.h).

#include "SnapshotExportJob.h"

#include "ExportJob.h"
#include "Snapshot.h"
#include "TimeTravel.h"
#include "TimeTravelWorker.h"

namespace aeroflow::timeline {

SnapshotExportJob::SnapshotExportJob(TimeTravelWorker* worker, QObject* parent)
    : QObject(parent)
    , m_worker(worker)
{
}

void SnapshotExportJob::start(uint64_t seq, const QString& target)
{
    if (!m_worker) {
        Q_EMIT failed(tr("no trace is open"));
        return;
    }
    m_running = true;
    QPointer<SnapshotExportJob> self(this);
    m_worker->post([self, seq, target](debugger::TimeTravel* tt) -> std::function<void()> {
        QString error;
        uint64_t at = 0, bytes = 0;
        if (!tt) {
            error = tr("no trace is open");
        } else if (auto r = tt->seek(seq); !r) {
            error = QString::fromStdString(r.error());
        } else if (auto source = tt->trace().sourceText(); !source) {
            error = QString::fromStdString(source.error());
        } else {
            engine::SnapshotOptions options;
            options.includeSource = true;
            options.sourceText = *source;
            const std::string image = engine::saveSnapshot(tt->scheduler(), options);
            at = tt->position();
            bytes = image.size();
            error = writeFileAtomically(target, [&](std::ostream& out) {
                out.write(image.data(), std::streamsize(image.size()));
                return out ? QString() : tr("write error");
            });
        }
        return [self, error, target, at, bytes] {
            if (!self)
                return;
            self->m_running = false;
            if (error.isEmpty())
                Q_EMIT self->finished(target, at, bytes);
            else
                Q_EMIT self->failed(error);
        };
    });
}

} // namespace aeroflow::timeline
