#pragma once
// Messages: the deliveries of the run in order (the last 10,000), from a
// small table model; rows past a rewind point are dropped.

#include "run/RunTypes.h"

#include <QAbstractTableModel>
#include <QDockWidget>
#include <deque>
#include <functional>

class QStackedWidget;
class QTableView;

namespace aeroflow::studio {

class MessagesModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Seq, Tick, From, To, Message, Handler, ColumnCount };
    static constexpr int kMaxRows = 10'000;

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void append(const QVector<DeliveryInfo>& rows);
    /// Drops rows with seq > `delivered`.
    void truncate(quint64 delivered);
    void clear();
    const DeliveryInfo& row(int i) const { return m_rows[size_t(i)]; }

    /// Lazy rows (an open trace): the view asks for more as it scrolls.
    void setFetcher(std::function<bool()> canFetch, std::function<void()> fetch);
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

private:
    std::deque<DeliveryInfo> m_rows;
    std::function<bool()> m_canFetch;
    std::function<void()> m_fetch;
};

class MessagesDock : public QDockWidget {
    Q_OBJECT
public:
    explicit MessagesDock(QWidget* parent = nullptr);
    MessagesModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    /// Keep the newest row in view (a live run); off for a trace.
    void setFollow(bool follow) { m_follow = follow; }
    /// The table shown for an open trace (the time-travel views' lazy,
    /// filterable table that follows the cursor); the dock takes it.
    void setTraceView(QWidget* view);
    /// Shows the trace table (true) or the live run's rows (false).
    void showTraceView(bool on);
    bool showsTraceView() const;

Q_SIGNALS:
    /// A row was double-clicked (or activated): go to after delivery `seq`.
    void seqActivated(quint64 seq);

private:
    bool m_follow = true;
    MessagesModel* m_model;
    QTableView* m_view;
    QStackedWidget* m_stack;
    QWidget* m_traceView = nullptr;
};

} // namespace aeroflow::studio
