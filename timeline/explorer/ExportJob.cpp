// The export job (see ExportJob.h).

#include "ExportJob.h"

#include <QFileInfo>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace aeroflow::timeline {

QString writeFileAtomically(const QString& target, const std::function<QString(std::ostream&)>& write)
{
    namespace fs = std::filesystem;
    const fs::path to = target.toStdString();
    // Next to the target (same file system: the rename is atomic); the
    // suffix makes a leftover after a power loss recognisable.
    fs::path temp = to;
    temp += ".part";
    QString error;
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            return QObject::tr("cannot write %1").arg(QString::fromStdString(temp.string()));
        error = write(out);
        out.flush();
        if (error.isEmpty() && !out)
            error = QObject::tr("write error on %1").arg(QString::fromStdString(temp.string()));
    }
    std::error_code ec;
    if (error.isEmpty()) {
        fs::rename(temp, to, ec);
        if (ec)
            error = QObject::tr("cannot rename to %1: %2").arg(target, QString::fromStdString(ec.message()));
    }
    if (!error.isEmpty())
        fs::remove(temp, ec);
    return error;
}

ExportJob::ExportJob(QObject* parent)
    : QObject(parent)
{
}

ExportJob::~ExportJob()
{
    if (m_cancel)
        m_cancel->store(true);
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

bool ExportJob::start(const QString& tracePath, debugger::ExportFormat format, const QString& target)
{
    if (m_thread)
        return false;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    ExportJob* self = this; // outlived: the destructor joins the thread
    const std::string path = tracePath.toStdString();
    m_thread = QThread::create([self, path, format, target, cancel] {
        QString error;
        auto trace = debugger::TraceReader::open(path);
        if (!trace) {
            error = QString::fromStdString(trace.error());
        } else {
            int lastPercent = -1;
            debugger::ExportControl control;
            control.cancel = cancel.get();
            control.progress = [&](double f) {
                const int percent = int(f * 100);
                if (percent != lastPercent) {
                    lastPercent = percent;
                    QMetaObject::invokeMethod(
                        self, [self, f] { Q_EMIT self->progress(f); }, Qt::QueuedConnection);
                }
                return true;
            };
            error = writeFileAtomically(target, [&](std::ostream& out) {
                auto r = debugger::exportTrace(**trace, format, out, control);
                return r ? QString() : QString::fromStdString(r.error());
            });
        }
        QMetaObject::invokeMethod(
            self, [self, error, target] { self->done(error, target); }, Qt::QueuedConnection);
    });
    m_thread->start();
    return true;
}

void ExportJob::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void ExportJob::done(const QString& error, const QString& target)
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_cancel.reset();
    if (error.isEmpty())
        Q_EMIT finished(target);
    else
        Q_EMIT failed(error);
}

} // namespace aeroflow::timeline
