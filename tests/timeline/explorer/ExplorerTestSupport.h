#pragma once
// Shared by the explorer suites: example sources, theme palettes, and a
// worker opened on a trace.

#include "../../debugger/TraceTestSupport.h"

#include "TimeTravelWorker.h"
#include "TimelinePalette.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

namespace explorertest {

inline std::string example(const char* name)
{
    QFile f(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().toStdString();
}

/// Records resources/examples/NAME into `dir`; empty string on failure.
inline QString recordExample(const QString& dir, const char* name)
{
    const QString path = dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".aftrace");
    auto rec = tracetest::record(name, example(name), path.toStdString());
    return rec.ok ? path : QString();
}

/// The palette of themes/NAME.json ("dark" / "light").
inline aeroflow::timeline::TimelinePalette themePalette(const char* name)
{
    QFile f(QStringLiteral(AEROFLOW_SOURCE_DIR "/themes/") + QLatin1String(name) + QStringLiteral(".json"));
    QHash<QString, QColor> colors;
    QPalette app;
    if (f.open(QIODevice::ReadOnly)) {
        const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonObject t = root.value(QStringLiteral("timeline")).toObject();
        for (auto it = t.begin(); it != t.end(); ++it)
            colors.insert(QStringLiteral("timeline.") + it.key(), QColor(it.value().toString()));
        const QJsonObject p = root.value(QStringLiteral("palette")).toObject();
        app.setColor(QPalette::Window, QColor(p.value(QStringLiteral("Window")).toString()));
        app.setColor(QPalette::WindowText, QColor(p.value(QStringLiteral("WindowText")).toString()));
        app.setColor(QPalette::Base, QColor(p.value(QStringLiteral("Base")).toString()));
        app.setColor(QPalette::Text, QColor(p.value(QStringLiteral("Text")).toString()));
        app.setColor(QPalette::Button, QColor(p.value(QStringLiteral("Button")).toString()));
        app.setColor(QPalette::ButtonText, QColor(p.value(QStringLiteral("ButtonText")).toString()));
        app.setColor(QPalette::Highlight, QColor(p.value(QStringLiteral("Highlight")).toString()));
        app.setColor(QPalette::HighlightedText, QColor(p.value(QStringLiteral("HighlightedText")).toString()));
    }
    return aeroflow::timeline::TimelinePalette::fromColors(colors, app);
}

/// Opens `trace` on `worker` and waits; false when it failed.
inline bool openWorker(aeroflow::timeline::TimeTravelWorker& worker, const QString& trace)
{
    QSignalSpy opened(&worker, &aeroflow::timeline::TimeTravelWorker::opened);
    worker.open(trace);
    if (!opened.wait(10000))
        return false;
    return opened.first().first().toString().isEmpty();
}

} // namespace explorertest
