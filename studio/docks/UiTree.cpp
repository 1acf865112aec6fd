#include "UiTree.h"

namespace aeroflow::studio {

QString UiNode::prop(const QString& key) const
{
    for (const auto& [k, v] : props)
        if (k == key)
            return v;
    return {};
}

namespace {

// Splits a node line into words; a quoted string is one word (unquoted,
// escapes decoded) and keeps a leading marker so args and values can be told
// from bare words.
struct Word {
    QString text;
    bool quoted = false;
};

QVector<Word> splitWords(const QString& line)
{
    QVector<Word> out;
    int i = 0;
    while (i < line.size()) {
        if (line[i] == ' ') {
            ++i;
            continue;
        }
        Word w;
        // key="value" and key=value stay one word; the quoted part is decoded.
        while (i < line.size() && line[i] != ' ') {
            if (line[i] == '"' || line[i] == '\'') {
                const QChar q = line[i++];
                if (w.text.isEmpty())
                    w.quoted = true; // a quoted word, not key="value"
                while (i < line.size() && line[i] != q) {
                    if (line[i] == '\\' && i + 1 < line.size()) {
                        const QChar e = line[++i];
                        w.text += e == 'n' ? QChar('\n') : e == 't' ? QChar('\t') : e;
                    } else {
                        w.text += line[i];
                    }
                    ++i;
                }
                ++i; // closing quote
            } else {
                w.text += line[i++];
            }
        }
        out.push_back(w);
    }
    return out;
}

UiNode parseLine(const QString& line)
{
    const QVector<Word> words = splitWords(line);
    UiNode n;
    if (words.isEmpty())
        return n;
    if (words[0].quoted) { // a bare value in the tree (not a node)
        n.element = QStringLiteral("Text");
        n.args << words[0].text;
        return n;
    }
    n.element = words[0].text;
    for (int i = 1; i < words.size(); ++i) {
        const Word& w = words[i];
        const int eq = w.quoted ? -1 : int(w.text.indexOf('='));
        if (w.quoted) {
            n.args << w.text;
        } else if (eq < 0 && w.text.startsWith(QLatin1String("on"))) {
            n.events << w.text;
        } else if (eq < 0) {
            n.args << w.text; // a number or other bare value
        } else {
            const int at = int(w.text.indexOf('='));
            const QString key = w.text.left(at);
            const QString value = w.text.mid(at + 1);
            if (key == QLatin1String("bind")) {
                n.bindField = value;
                if (i + 1 < words.size())
                    n.bindValue = words[++i].text;
            } else {
                n.props.push_back({key, value});
            }
        }
    }
    return n;
}

} // namespace

QVector<UiNode> parseUiTree(const QString& text)
{
    QVector<UiNode> roots;
    // Stack of (depth, path into the tree) to attach children.
    QVector<QPair<int, UiNode*>> stack;
    const QStringList lines = text.split('\n', Qt::SkipEmptyParts);
    for (const QString& raw : lines) {
        int spaces = 0;
        while (spaces < raw.size() && raw[spaces] == ' ')
            ++spaces;
        const int depth = spaces / 2;
        UiNode node = parseLine(raw.mid(spaces));
        while (!stack.isEmpty() && stack.last().first >= depth)
            stack.removeLast();
        QVector<UiNode>& siblings = stack.isEmpty() ? roots : stack.last().second->children;
        siblings.push_back(std::move(node));
        stack.push_back({depth, &siblings.last()});
    }
    return roots;
}

} // namespace aeroflow::studio
