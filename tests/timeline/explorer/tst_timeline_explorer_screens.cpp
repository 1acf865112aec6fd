// Screenshots of the explorer, the message details and the message table on
// a recorded example, in the dark and the light theme (written as PNGs into
// the working directory: the build tree under ctest). Checks that changed
// fields are painted in the theme's "changed" colour.
#include "ExplorerTestSupport.h"

#include "MessageDetails.h"
#include "MessageDetailsModel.h"
#include "MessageTableModel.h"
#include "MessageTableView.h"
#include "SnapshotExplorer.h"
#include "SnapshotModel.h"
#include "TraceCursor.h"

#include <QDir>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QVBoxLayout>

using namespace aeroflow;

class TstTimelineExplorerScreens : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_bank;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bank = explorertest::recordExample(m_dir.path(), "bank.aefl");
        QVERIFY(!m_bank.isEmpty());
    }

    void screenshot_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::newRow("dark") << QStringLiteral("dark");
        QTest::newRow("light") << QStringLiteral("light");
    }

    void screenshot()
    {
        QFETCH(QString, theme);
        const timeline::TimelinePalette palette = explorertest::themePalette(qPrintable(theme));
        QCOMPARE(palette.isDark(), theme == QStringLiteral("dark"));
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_bank));
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, m_bank));

        timeline::SnapshotModel snapshot;
        snapshot.setWorker(&worker);
        timeline::MessageDetailsModel details;
        details.setWorker(&worker);
        timeline::MessageTableModel table;
        QVERIFY(table.open(m_bank));

        QWidget window;
        window.resize(1280, 760);
        window.setWindowTitle(QStringLiteral("Snapshot explorer"));
        auto* split = new QSplitter(Qt::Horizontal, &window);
        auto* explorer = new timeline::SnapshotExplorer(&snapshot);
        auto* right = new QSplitter(Qt::Vertical);
        auto* detailsView = new timeline::MessageDetails(&details);
        auto* tableView = new timeline::MessageTableView(&table);
        right->addWidget(detailsView);
        right->addWidget(tableView);
        split->addWidget(explorer);
        split->addWidget(right);
        split->setSizes({ 560, 720 });
        right->setSizes({ 380, 380 });
        auto* layout = new QVBoxLayout(&window);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(split);
        QPalette app = window.palette();
        app.setColor(QPalette::Window, palette.laneHeader);
        app.setColor(QPalette::WindowText, palette.text);
        app.setColor(QPalette::Base, palette.background);
        app.setColor(QPalette::Text, palette.text);
        app.setColor(QPalette::Button, palette.laneHeader);
        app.setColor(QPalette::ButtonText, palette.text);
        window.setPalette(app);
        explorer->setPalette(palette);
        detailsView->setPalette(palette);
        tableView->setPalette(palette);

        snapshot.setCursor(&cursor);
        details.setCursor(&cursor);
        tableView->setCursor(&cursor);
        // Bob's deposit: Alice's transfer reaches him, his balance changes.
        const uint64_t deposit = 8;
        QCOMPARE(table.index(int(deposit - 1), timeline::MessageTableModel::HandlerColumn).data().toString(),
            QStringLiteral("Deposit"));
        QSignalSpy applied(&snapshot, &timeline::SnapshotModel::snapshotApplied);
        QSignalSpy updated(&details, &timeline::MessageDetailsModel::updated);
        cursor.setSeq(deposit);
        cursor.selectMessage(deposit);
        QTRY_VERIFY_WITH_TIMEOUT(snapshot.seq() == deposit && worker.pending() == 0, 10000);
        QTRY_VERIFY(details.details().seq == deposit);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        explorer->view()->expandAll();
        QCoreApplication::processEvents();

        // A changed field is painted in the theme's "changed" colour.
        const QModelIndex balance = snapshot.fieldIndex(2, QStringLiteral("balance"));
        QVERIFY(balance.isValid());
        QVERIFY(balance.data(timeline::SnapshotModel::ChangedRole).toBool());
        auto* proxy = qobject_cast<QSortFilterProxyModel*>(explorer->view()->model());
        const QRect r = explorer->view()->visualRect(proxy->mapFromSource(balance.siblingAtColumn(1)));
        QVERIFY(r.isValid());
        const QImage view = explorer->view()->viewport()->grab().toImage();
        QCOMPARE(QColor(view.pixel(r.right() - 3, r.center().y())).name(), palette.changed.name());
        // The details mark the changed field too.
        bool marked = false;
        for (int row = 0; row < detailsView->stateTable()->rowCount(); ++row)
            if (detailsView->stateTable()->item(row, 0)->text() == QStringLiteral("balance"))
                marked = detailsView->stateTable()->item(row, 0)->background().color() == palette.changed;
        QVERIFY(marked);

        const QString file = QDir::current().filePath(QStringLiteral("explorer-%1.png").arg(theme));
        QVERIFY(window.grab().save(file));
        qInfo("wrote %s", qPrintable(file));
    }
};

QTEST_MAIN(TstTimelineExplorerScreens)
#include "tst_timeline_explorer_screens.moc"
