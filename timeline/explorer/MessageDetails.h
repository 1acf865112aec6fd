#pragma once
// The details pane of the selected message: its row (sender, receiver,
// handler, payload, tick, outcome), the receiver's fields before and after
// the delivery with the changed ones highlighted, and the causal chain —
// clicking an ancestor selects it and moves the cursor after it.

#include "TimelinePalette.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QTableWidget;

namespace aeroflow::timeline {

class MessageDetailsModel;

class MessageDetails : public QWidget {
    Q_OBJECT
public:
    /// Shows `model` (not owned).
    explicit MessageDetails(MessageDetailsModel* model, QWidget* parent = nullptr);

    void setPalette(const TimelinePalette& palette);
    QTableWidget* stateTable() const { return m_state; }
    QListWidget* chainList() const { return m_chain; }

private:
    void refresh();

    MessageDetailsModel* m_model;
    TimelinePalette m_palette;
    QLabel* m_header;
    QTableWidget* m_state;
    QListWidget* m_chain;
};

} // namespace aeroflow::timeline
