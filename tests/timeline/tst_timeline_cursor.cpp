// The shared trace cursor: opening, clamping, seq <-> tick, selection signals.
#include "../debugger/TraceTestSupport.h"

#include "TimelinePalette.h"
#include "TraceCursor.h"
#include "TraceReader.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace aeroflow;

namespace {

const char* kProgram = R"(actor Ticker {
    state n = 0
    on Tick(k) {
        n = n + k
        if n < 20 { after(3, self, Tick(k)) }
    }
}
let t = spawn(Ticker)
send(t, Tick(2))
)";

} // namespace

class TstTimelineCursor : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_trace;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_trace = m_dir.filePath(QStringLiteral("ticker.aftrace"));
        auto rec = tracetest::record("ticker.aefl", kProgram, m_trace.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
    }

    void opensAndClamps()
    {
        timeline::TraceCursor cursor;
        QSignalSpy opened(&cursor, &timeline::TraceCursor::opened);
        QSignalSpy moved(&cursor, &timeline::TraceCursor::positionChanged);
        QVERIFY(cursor.open(m_trace));
        QCOMPARE(opened.count(), 1);
        auto reader = debugger::TraceReader::open(m_trace.toStdString());
        QVERIFY(reader.has_value());
        const uint64_t end = (*reader)->info().messages;
        QVERIFY(end >= 10);
        QCOMPARE(cursor.endSeq(), end);
        QCOMPARE(cursor.endTick(), (*reader)->info().finalTick);

        cursor.setSeq(end + 100);
        QCOMPARE(cursor.seq(), end);
        QCOMPARE(cursor.tick(), cursor.endTick());
        cursor.setSeq(3);
        QCOMPARE(cursor.tick(), *(*reader)->tickOf(3));
        const int before = moved.count();
        cursor.setSeq(3); // no move, no signal
        QCOMPARE(moved.count(), before);
    }

    void tickMapsToLastDeliveryAtOrBefore()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_trace));
        auto reader = debugger::TraceReader::open(m_trace.toStdString());
        for (uint64_t seq = 1; seq <= cursor.endSeq(); ++seq) {
            const uint64_t tick = *(*reader)->tickOf(seq);
            cursor.setTick(tick);
            QCOMPARE(cursor.tick(), tick);
            QVERIFY(cursor.seq() >= seq);
            if (cursor.seq() < cursor.endSeq())
                QVERIFY(*(*reader)->tickOf(cursor.seq() + 1) > tick);
        }
    }

    void selection()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_trace));
        QSignalSpy actor(&cursor, &timeline::TraceCursor::actorSelected);
        QSignalSpy message(&cursor, &timeline::TraceCursor::messageSelected);
        cursor.selectActor(1);
        cursor.selectActor(1);
        QCOMPARE(actor.count(), 1);
        QCOMPARE(cursor.selectedActor(), int64_t(1));
        cursor.selectMessage(2);
        QCOMPARE(message.count(), 1);
        QCOMPARE(message.at(0).at(0).toULongLong(), 2ull);
        cursor.close();
        QCOMPARE(cursor.selectedActor(), int64_t(-1));
        QCOMPARE(cursor.selectedMessage(), 0ull);
    }

    void refusesWhatIsNotATrace()
    {
        QFile f(m_dir.filePath(QStringLiteral("junk.aftrace")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not sqlite at all");
        f.close();
        timeline::TraceCursor cursor;
        QString error;
        QVERIFY(!cursor.open(f.fileName(), &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!cursor.isOpen());
        cursor.setSeq(5); // harmless on an empty cursor
        QCOMPARE(cursor.seq(), 0ull);
    }

    void paletteFromThemeKeys()
    {
        QHash<QString, QColor> colors;
        colors.insert(QStringLiteral("timeline.cursor"), QColor(0x12, 0x34, 0x56));
        colors.insert(QStringLiteral("timeline.type3"), QColor(0x65, 0x43, 0x21));
        const auto p = timeline::TimelinePalette::fromColors(colors, QPalette());
        QCOMPARE(p.cursor, QColor(0x12, 0x34, 0x56));
        QCOMPARE(p.typeColor(3), QColor(0x65, 0x43, 0x21));
        QCOMPARE(p.typeColor(11), QColor(0x65, 0x43, 0x21)); // cycles
        QVERIFY(p.background.isValid());
    }
};

QTEST_MAIN(TstTimelineCursor)
#include "tst_timeline_cursor.moc"
