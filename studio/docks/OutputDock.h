#pragma once
// Output: what the program prints, streamed as it runs; errors and
// warnings in the theme's colours. Reset after going backwards in time.

#include "run/RunTypes.h"

#include <QDockWidget>
#include <QHash>
#include <QTextCharFormat>

class QPlainTextEdit;
class QTextCursor;

namespace aeroflow::studio {

struct Theme;

class OutputDock : public QDockWidget {
    Q_OBJECT
public:
    explicit OutputDock(QWidget* parent = nullptr);

    /// Appends `lines`; a line (up to a newline) over kMaxLineChars is cut
    /// with a marker saying how much was left out, and past kMaxChars in all
    /// the oldest lines are dropped (a line says so): the dock holds what a
    /// reader can use, not whatever a program printed.
    void appendLines(const QVector<OutputLine>& lines);
    void resetLines(const QVector<OutputLine>& lines);
    void appendSystem(const QString& text);
    void clear();
    QString text() const;
    void applyTheme(const Theme& theme);
    QPlainTextEdit* view() const { return m_view; }

    /// Trace mode: lines appended from now on keep their delivery seq, and
    /// setCursorSeq() dims those printed after the cursor (off: no dimming;
    /// dimming also stops once the dock reaches its line limit).
    void setTraceMode(bool on);
    /// Dims the lines printed after delivery `seq`, undims the others.
    void setCursorSeq(quint64 seq);
    /// Lines currently dimmed (tests).
    int dimmedLines() const;

    static constexpr int kMaxLineChars = 10'000;
    static constexpr int kMaxChars = 16 << 20;

private:
    void formatSpan(int index, bool dimmed);
    /// Inserts `text` at `c`, each line of it past kMaxLineChars cut with a
    /// marker saying how much was left out.
    void insertCut(QTextCursor& c, QStringView text, const QTextCharFormat& format);
    /// Drops the oldest lines until the text is well under kMaxChars.
    void trimToBudget();
    struct Span {
        int start = 0, end = 0; ///< character positions in the document
        quint64 seq = 0;
        int kind = 0;
        bool dimmed = false;
    };
    bool m_traceMode = false;
    QVector<Span> m_spans;
    QTextCharFormat m_dimmed;
    QPlainTextEdit* m_view;
    QHash<int, QTextCharFormat> m_formats; ///< by OutputKind
};

} // namespace aeroflow::studio
