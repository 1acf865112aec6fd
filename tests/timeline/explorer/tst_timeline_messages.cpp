// The message table (lazy pages, SQL filters, rowForSeq, dimming), message
// details, search and the output model, each against the debugger API or a
// direct query / brute-force scan of the trace.
#include "ExplorerTestSupport.h"

#include "MessageDetailsModel.h"
#include "MessageSearch.h"
#include "MessageTableModel.h"
#include "MessageTableView.h"
#include "OutputModel.h"
#include "SearchBar.h"
#include "TimeTravel.h"
#include "TraceCursor.h"
#include "TraceLabels.h"

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>

using namespace aeroflow;
using timeline::MessageTableModel;

namespace {

const char* kTicker = R"(actor Ticker {
    state n = 0
    on Tick(k) {
        n = n + 1
        if n < k { send(self, Tick(k)) }
    }
}
let t = spawn(Ticker)
send(t, Tick(12500))
)";

std::vector<uint64_t> sqlSeqs(const QString& trace, const std::string& sql)
{
    std::vector<uint64_t> out;
    auto r = debugger::TraceReader::open(trace.toStdString());
    if (!r)
        return out;
    debugger::Statement st = (*r)->database().prepare(sql);
    while (st.step())
        out.push_back(uint64_t(st.columnInt(0)));
    return out;
}

std::vector<uint64_t> tableSeqs(const MessageTableModel& m)
{
    std::vector<uint64_t> out;
    for (int r = 0; r < m.rowCount(); ++r)
        out.push_back(m.seqAt(r));
    return out;
}

bool applyFilter(MessageTableModel& m, const QString& line)
{
    QSignalSpy applied(&m, &MessageTableModel::filterApplied);
    m.setFilter(timeline::MessageFilter::parse(line));
    return !applied.isEmpty() || applied.wait(5000);
}

} // namespace

class TstTimelineMessages : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_bank, m_ticker;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bank = explorertest::recordExample(m_dir.path(), "bank.aefl");
        QVERIFY(!m_bank.isEmpty());
        m_ticker = m_dir.filePath(QStringLiteral("ticker.aftrace"));
        auto rec = tracetest::record("ticker.aefl", kTicker, m_ticker.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
    }

    void tableIsLazy()
    {
        MessageTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.open(m_ticker));
        auto reader = debugger::TraceReader::open(m_ticker.toStdString());
        const uint64_t n = (*reader)->info().messages;
        QVERIFY(n >= 12000);
        QCOMPARE(uint64_t(model.rowCount()), n);
        const int before = model.pagesRead(); // the tester may have peeked at row 0
        QVERIFY(before <= 1);
        // Row 5150 is in page 51; rows 5100..5199 come with it.
        QCOMPARE(model.index(5150, MessageTableModel::SeqColumn).data().toULongLong(), 5151ull);
        QCOMPARE(model.pagesRead(), before + 1);
        QCOMPARE(model.index(5199, MessageTableModel::HandlerColumn).data().toString(), QStringLiteral("Tick"));
        QCOMPARE(model.pagesRead(), before + 1);
        model.index(5200, MessageTableModel::SeqColumn).data();
        QCOMPARE(model.pagesRead(), before + 2);
        // Every column equals the trace's row.
        auto m = (*reader)->message(5151);
        timeline::TraceLabels labels;
        QVERIFY(labels.load(**reader).has_value());
        QCOMPARE(model.index(5150, MessageTableModel::TickColumn).data().toULongLong(), (*m)->tick);
        QCOMPARE(model.index(5150, MessageTableModel::SenderColumn).data().toString(), labels.actor((*m)->sender));
        QCOMPARE(model.index(5150, MessageTableModel::ReceiverColumn).data().toString(), labels.actor((*m)->receiver));
        QCOMPARE(model.index(5150, MessageTableModel::PayloadColumn).data().toString(), QStringLiteral("Tick(12500)"));
        QCOMPARE(model.index(5150, MessageTableModel::OutcomeColumn).data().toString(), QStringLiteral("handled"));
        QCOMPARE(model.rowForSeq(5151), 5150);
        QCOMPARE(model.rowForSeq(0), -1);
        QCOMPARE(model.rowForSeq(n + 5), -1);
        QCOMPARE(model.rowForSeq(n + 5, true), int(n - 1));
    }

    void filtersEqualDirectQueries()
    {
        MessageTableModel model;
        QVERIFY(model.open(m_bank));
        const int all = model.rowCount();
        // Account#1 is alice; Withdraw and Deposit are message types.
        QVERIFY(applyFilter(model, QStringLiteral("actor:Account#1")));
        QVERIFY(model.isFiltered());
        auto expected = sqlSeqs(m_bank, "SELECT seq FROM messages WHERE sender = 1 OR receiver = 1 ORDER BY seq");
        QVERIFY(!expected.empty());
        QCOMPARE(tableSeqs(model), expected);

        QVERIFY(applyFilter(model, QStringLiteral("actor:account#2 handler:withdraw")));
        expected = sqlSeqs(m_bank,
            "SELECT seq FROM messages WHERE (sender = 2 OR receiver = 2) AND handler = "
            "(SELECT message_id FROM message_types WHERE name = 'Withdraw') ORDER BY seq");
        QCOMPARE(expected.size(), size_t(1));
        QCOMPARE(tableSeqs(model), expected);
        QCOMPARE(model.rowForSeq(expected[0]), 0);
        QCOMPARE(model.index(0, MessageTableModel::HandlerColumn).data().toString(), QStringLiteral("Withdraw"));

        // Text: payload bytes (the names in Open("alice", 100)) or names.
        QVERIFY(applyFilter(model, QStringLiteral("alice")));
        expected
            = sqlSeqs(m_bank, "SELECT seq FROM messages WHERE instr(payload, CAST('alice' AS BLOB)) > 0 ORDER BY seq");
        QVERIFY(expected.size() >= 2);
        QCOMPARE(tableSeqs(model), expected);

        QVERIFY(applyFilter(model, QStringLiteral("actor:nobody")));
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(applyFilter(model, QString()));
        QCOMPARE(model.rowCount(), all);
        QVERIFY(!model.isFiltered());
    }

    void rowsAfterTheCursorAreDimmed()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_bank));
        MessageTableModel model;
        QVERIFY(model.open(m_bank));
        model.setPalette(explorertest::themePalette("light"));
        model.setCursor(&cursor);
        cursor.setSeq(4);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        cursor.setSeq(6);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 4); // seqs 5..6
        QCOMPARE(changed.first().at(1).value<QModelIndex>().row(), 5);
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.index(r, 0).data(MessageTableModel::AfterCursorRole).toBool(), model.seqAt(r) > 6);
        QCOMPARE(
            model.index(7, 0).data(Qt::ForegroundRole).value<QColor>(), explorertest::themePalette("light").dimmed);

        // The view selects on click: the cursor follows.
        timeline::MessageTableView view(&model);
        view.setCursor(&cursor);
        QTest::mouseClick(view.view()->viewport(), Qt::LeftButton, {},
            view.view()->visualRect(model.index(2, MessageTableModel::HandlerColumn)).center());
        QCOMPARE(cursor.selectedMessage(), 3ull);
        QCOMPARE(cursor.seq(), 3ull);
    }

    void detailsEqualTheDebugger()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_bank));
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, m_bank));
        timeline::MessageDetailsModel details;
        details.setWorker(&worker);
        details.setCursor(&cursor);
        auto tt = debugger::TimeTravel::open(m_bank.toStdString());
        int withChain = 0;
        for (uint64_t seq = 1; seq <= cursor.endSeq(); ++seq) {
            QSignalSpy updated(&details, &timeline::MessageDetailsModel::updated);
            cursor.selectMessage(seq);
            QVERIFY(updated.wait(5000));
            const auto& d = details.details();
            QCOMPARE(d.seq, seq);
            auto m = (*tt)->trace().message(seq);
            QCOMPARE(d.receiverId, (*m)->receiver);
            QCOMPARE(d.tick, (*m)->tick);
            auto before = (*tt)->stateAt(d.receiverId, seq - 1);
            auto after = (*tt)->stateAt(d.receiverId, seq);
            QVERIFY(d.before == before->fields);
            QVERIFY(d.after == after->fields);
            auto diff = (*tt)->diff(d.receiverId, seq - 1, seq);
            std::vector<std::string> changed;
            for (const auto& f : *diff)
                changed.push_back(f.field);
            QVERIFY(d.changed == changed);
            auto chain = (*tt)->causalChain(seq);
            QCOMPARE(d.chain.size(), chain->size());
            for (size_t i = 0; i < chain->size(); ++i)
                QCOMPARE(d.chain[i].seq, (*chain)[i]);
            withChain += d.chain.size() > 1;
        }
        QVERIFY(withChain > 0);
        // A chain entry moves the cursor there and selects it.
        QSignalSpy updated(&details, &timeline::MessageDetailsModel::updated);
        const uint64_t target = details.details().chain.back().seq;
        details.follow(target);
        QCOMPARE(cursor.seq(), target);
        QCOMPARE(cursor.selectedMessage(), target);
        QVERIFY(updated.wait(5000));
        QCOMPARE(details.details().seq, target);
    }

    void searchEqualsBruteForce_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("payload") << QStringLiteral("alice");
        QTest::newRow("number") << QStringLiteral("30");
        QTest::newRow("handler") << QStringLiteral("deposit");
        QTest::newRow("actor") << QStringLiteral("ACCOUNT#3");
        QTest::newRow("none") << QStringLiteral("zebra");
    }

    void searchEqualsBruteForce()
    {
        QFETCH(QString, text);
        timeline::MessageSearch search;
        search.setTracePath(m_bank);
        QSignalSpy finished(&search, &timeline::MessageSearch::finished);
        search.search(text);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().first().toString(), QString());
        // Brute force: print every row and look.
        auto reader = debugger::TraceReader::open(m_bank.toStdString());
        timeline::TraceLabels labels;
        QVERIFY(labels.load(**reader).has_value());
        std::vector<uint64_t> expected;
        const auto rows = (*reader)->messages(1, UINT64_MAX);
        QVERIFY(rows.has_value());
        for (const auto& m : *rows) {
            const QString all = labels.handler(m.handler) + u'\n' + labels.actor(m.sender) + u'\n'
                + labels.actor(m.receiver) + u'\n' + labels.payload(m);
            if (all.contains(text, Qt::CaseInsensitive))
                expected.push_back(m.seq);
        }
        auto show = [](const std::vector<uint64_t>& v) {
            QStringList s;
            for (uint64_t x : v)
                s << QString::number(x);
            return s.join(u' ');
        };
        QCOMPARE(show(search.results()), show(expected));
        QVERIFY(!search.hasMore());
        if (text == QStringLiteral("zebra"))
            QVERIFY(expected.empty());
        else
            QVERIFY(!expected.empty());
    }

    void searchNavigatesFromTheCursor()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_bank));
        timeline::MessageSearch search;
        search.setTracePath(m_bank);
        search.setCursor(&cursor);
        timeline::SearchBar bar(&search);
        QSignalSpy finished(&search, &timeline::MessageSearch::finished);
        search.search(QStringLiteral("Audit"));
        QVERIFY(finished.wait(5000));
        const auto results = search.results();
        QVERIFY(results.size() >= 3);
        cursor.setSeq(results[0]); // at the first match, nothing selected
        QCOMPARE(search.next(), results[1]);
        QCOMPARE(cursor.seq(), results[1]);
        QCOMPARE(cursor.selectedMessage(), results[1]);
        QCOMPARE(search.next(), results[2]);
        QCOMPARE(search.previous(), results[1]);
        QCOMPARE(search.currentIndex(), 1);
        QCOMPARE(bar.statusText(), QStringLiteral("2 of %1").arg(results.size()));
        cursor.selectMessage(results.back());
        QCOMPARE(search.next(), results.front()); // wraps

        // Enter in the bar searches and goes to the first match after the cursor.
        cursor.selectMessage(0);
        cursor.setSeq(0);
        bar.lineEdit()->setText(QStringLiteral("Withdraw"));
        QTest::keyClick(bar.lineEdit(), Qt::Key_Return);
        QTRY_COMPARE(cursor.selectedMessage(), 2ull); // alice's Withdraw(20)
        QCOMPARE(cursor.seq(), 2ull);
    }

    void searchIsCappedAndCancellable()
    {
        timeline::MessageSearch search;
        search.setTracePath(m_ticker);
        QSignalSpy finished(&search, &timeline::MessageSearch::finished);
        search.search(QStringLiteral("tick"));
        QVERIFY(finished.wait(10000));
        QCOMPARE(search.results().size(), timeline::MessageSearch::kMaxResults);
        QVERIFY(search.hasMore());
        QCOMPARE(search.results().front(), 1ull);
        QCOMPARE(search.results().back(), uint64_t(timeline::MessageSearch::kMaxResults));
        // A new search replaces the old one; cancel stops it.
        search.search(QStringLiteral("tick"));
        search.cancel();
        QVERIFY(!search.isRunning());
        QCoreApplication::processEvents();
        QVERIFY(search.results().size() < timeline::MessageSearch::kMaxResults);
    }

    void outputsAfterTheCursor()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_bank));
        timeline::OutputModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.open(m_bank));
        auto reader = debugger::TraceReader::open(m_bank.toStdString());
        const auto outputs = *(*reader)->outputsUpTo(UINT64_MAX);
        QCOMPARE(size_t(model.rowCount()), outputs.size());
        QVERIFY(outputs.size() >= 5);
        model.setCursor(&cursor);
        for (uint64_t seq : { uint64_t(0), uint64_t(3), cursor.endSeq() / 2, cursor.endSeq() }) {
            cursor.setSeq(seq);
            const auto upTo = *(*reader)->outputsUpTo(seq);
            QCOMPARE(model.linesUpTo(seq), int(upTo.size()));
            for (int r = 0; r < model.rowCount(); ++r) {
                QCOMPARE(
                    model.index(r).data(timeline::OutputModel::AfterCursorRole).toBool(), size_t(r) >= upTo.size());
                QCOMPARE(model.index(r).data().toString() + u'\n', QString::fromStdString(outputs[size_t(r)].text));
            }
        }
    }
};

QTEST_MAIN(TstTimelineMessages)
#include "tst_timeline_messages.moc"
