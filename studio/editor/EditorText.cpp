#include "EditorText.h"

#include <QCoreApplication>

namespace aeroflow::studio {

EditorText editorTextOf(const QString& text, qsizetype maxChars, qsizetype maxLineChars)
{
    EditorText out;
    // Nothing to cut (the common case): one scan for the longest line.
    if (text.size() <= maxChars) {
        qsizetype longest = 0;
        for (qsizetype start = 0; start < text.size();) {
            qsizetype end = text.indexOf(QLatin1Char('\n'), start);
            if (end < 0)
                end = text.size();
            longest = std::max(longest, end - start);
            start = end + 1;
        }
        if (longest <= maxLineChars) {
            out.text = text;
            return out;
        }
    }
    out.text.reserve(std::min(text.size(), maxChars) + 256);
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf(QLatin1Char('\n'), start);
        const bool newline = end >= 0;
        if (!newline)
            end = text.size();
        const qsizetype length = end - start;
        const qsizetype shown = std::min(length, maxLineChars);
        if (out.text.size() + shown > maxChars)
            break; // whole lines only: the rest is left out
        out.text += QStringView(text).mid(start, shown);
        if (shown < length) {
            out.text
                += QCoreApplication::translate("EditorText", " … (%1 more characters not shown)").arg(length - shown);
            ++out.cutLines;
        }
        if (newline)
            out.text += QLatin1Char('\n');
        start = end + 1;
    }
    out.leftOutChars = std::max<qsizetype>(0, text.size() - start);
    QStringList what;
    if (out.cutLines == 1)
        what << QCoreApplication::translate("EditorText", "a line longer than %1 characters cut").arg(maxLineChars);
    else if (out.cutLines > 1)
        what << QCoreApplication::translate("EditorText", "%1 lines longer than %2 characters cut")
                    .arg(out.cutLines)
                    .arg(maxLineChars);
    if (out.leftOutChars > 0)
        what << QCoreApplication::translate("EditorText", "the last %1 characters left out").arg(out.leftOutChars);
    out.notice = QCoreApplication::translate("EditorText", "Too large to show whole (%1 characters): %2. Read-only.")
                     .arg(text.size())
                     .arg(what.join(QStringLiteral("; ")));
    return out;
}

} // namespace aeroflow::studio
