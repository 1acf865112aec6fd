#pragma once
// What the editor loads of a text, bounded: a source of megabytes on one
// line (a recorded trace's, or a file's) would take the GUI thread and
// gigabytes to lay out. Lines past kMaxLineChars are cut with a marker
// saying how much was left out; past kMaxChars the rest of the text is left
// out (whole lines). Line numbers of what is shown stay those of the text,
// so execution points and breakpoints still land on the right lines. Plain
// functions, no widgets: callable on a worker thread.

#include <QString>

namespace aeroflow::studio {

struct EditorText {
    QString text;          ///< what the editor loads
    QString notice;        ///< empty when `text` is the whole text; else what was left out, for a banner
    qsizetype cutLines = 0; ///< lines cut at kMaxLineChars
    qsizetype leftOutChars = 0; ///< characters at the end not loaded (past kMaxChars)

    bool cut() const { return !notice.isEmpty(); }

    static constexpr qsizetype kMaxChars = 4 << 20;
    static constexpr qsizetype kMaxLineChars = 5'000;
};

/// `text` as the editor should load it (see EditorText).
EditorText editorTextOf(const QString& text, qsizetype maxChars = EditorText::kMaxChars,
                        qsizetype maxLineChars = EditorText::kMaxLineChars);

} // namespace aeroflow::studio
