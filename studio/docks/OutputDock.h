#pragma once
// Output: what the program prints, streamed as it runs; errors and
// warnings in the theme's colours. Reset after going backwards in time.

#include "run/RunTypes.h"

#include <QDockWidget>
#include <QHash>
#include <QTextCharFormat>

class QPlainTextEdit;

namespace aeroflow::studio {

struct Theme;

class OutputDock : public QDockWidget {
    Q_OBJECT
public:
    explicit OutputDock(QWidget* parent = nullptr);

    void appendLines(const QVector<OutputLine>& lines);
    void resetLines(const QVector<OutputLine>& lines);
    void appendSystem(const QString& text);
    void clear();
    QString text() const;
    void applyTheme(const Theme& theme);
    QPlainTextEdit* view() const { return m_view; }

private:
    QPlainTextEdit* m_view;
    QHash<int, QTextCharFormat> m_formats; ///< by OutputKind
};

} // namespace aeroflow::studio
