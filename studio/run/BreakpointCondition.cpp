#include "BreakpointCondition.h"

#include <QRegularExpression>
#include <QVector>

namespace aeroflow::studio {

struct BreakpointCondition::Node {
    enum class Kind { Or, And, Compare, Truthy } kind = Kind::Truthy;
    QString op;                      ///< Compare: == != < <= > >=
    QString left, right;             ///< Compare/Truthy operands (names or literals)
    std::shared_ptr<const Node> a, b;///< Or/And
};

namespace {

using Node = BreakpointCondition::Node;

QStringList tokenize(const QString& text, QString* error)
{
    static const QRegularExpression token(
        QStringLiteral(R"(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|==|!=|<=|>=|<|>|&&|\|\||-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z_0-9]*|\S))"));
    QStringList out;
    int pos = 0;
    while (pos < text.size()) {
        const auto m = token.match(text, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            break;
        if (!m.captured(1).isEmpty())
            out << m.captured(1);
        pos = m.capturedEnd();
    }
    for (const QString& t : out)
        if (t.size() == 1 && !t[0].isLetterOrNumber() && t != QLatin1String("<") && t != QLatin1String(">")) {
            if (error)
                *error = QStringLiteral("unexpected '%1'").arg(t);
            return {};
        }
    return out;
}

bool isCompareOp(const QString& t)
{
    static const QStringList ops{"==", "!=", "<", "<=", ">", ">="};
    return ops.contains(t);
}

bool isOperand(const QString& t) { return !t.isEmpty() && !isCompareOp(t) && t != "&&" && t != "||" && t != "and" && t != "or"; }

class Parser {
public:
    Parser(QStringList tokens) : m_t(std::move(tokens)) {}

    std::shared_ptr<const Node> parse(QString* error)
    {
        auto n = orExpr();
        if (!n || m_i != m_t.size()) {
            if (error)
                *error = m_i < m_t.size() ? QStringLiteral("unexpected '%1'").arg(m_t[m_i]) : QStringLiteral("incomplete condition");
            return nullptr;
        }
        return n;
    }

private:
    std::shared_ptr<const Node> orExpr()
    {
        auto left = andExpr();
        while (left && m_i < m_t.size() && (m_t[m_i] == "or" || m_t[m_i] == "||")) {
            ++m_i;
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::Or;
            n->a = left;
            n->b = andExpr();
            if (!n->b)
                return nullptr;
            left = n;
        }
        return left;
    }
    std::shared_ptr<const Node> andExpr()
    {
        auto left = compare();
        while (left && m_i < m_t.size() && (m_t[m_i] == "and" || m_t[m_i] == "&&")) {
            ++m_i;
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::And;
            n->a = left;
            n->b = compare();
            if (!n->b)
                return nullptr;
            left = n;
        }
        return left;
    }
    std::shared_ptr<const Node> compare()
    {
        if (m_i >= m_t.size() || !isOperand(m_t[m_i]))
            return nullptr;
        auto n = std::make_shared<Node>();
        n->left = m_t[m_i++];
        if (m_i < m_t.size() && isCompareOp(m_t[m_i])) {
            n->kind = Node::Kind::Compare;
            n->op = m_t[m_i++];
            if (m_i >= m_t.size() || !isOperand(m_t[m_i]))
                return nullptr;
            n->right = m_t[m_i++];
        }
        return n;
    }

    QStringList m_t;
    qsizetype m_i = 0;
};

// An operand's value: a literal as written (strings unquoted), or a name's
// printed value from the lookup.
std::optional<QString> valueOf(const QString& operand, const BreakpointCondition::Lookup& lookup)
{
    if (operand.startsWith('"') || operand.startsWith('\''))
        return operand.mid(1, operand.size() - 2);
    if (operand[0].isDigit() || operand[0] == '-')
        return operand;
    if (operand == "true" || operand == "false" || operand == "nil")
        return operand;
    auto v = lookup(operand);
    // State values are printed with quotes around strings; compare contents.
    if (v && v->size() >= 2 && v->startsWith('"') && v->endsWith('"'))
        return v->mid(1, v->size() - 2);
    return v;
}

bool evaluateNode(const Node& n, const BreakpointCondition::Lookup& lookup)
{
    switch (n.kind) {
    case Node::Kind::Or: return evaluateNode(*n.a, lookup) || evaluateNode(*n.b, lookup);
    case Node::Kind::And: return evaluateNode(*n.a, lookup) && evaluateNode(*n.b, lookup);
    case Node::Kind::Truthy: {
        const auto v = valueOf(n.left, lookup);
        return v && *v != "false" && *v != "nil";
    }
    case Node::Kind::Compare: break;
    }
    const auto l = valueOf(n.left, lookup);
    const auto r = valueOf(n.right, lookup);
    if (!l || !r)
        return false;
    bool lok = false, rok = false;
    const double ld = l->toDouble(&lok), rd = r->toDouble(&rok);
    int cmp = 0;
    if (lok && rok)
        cmp = ld < rd ? -1 : ld > rd ? 1 : 0;
    else
        cmp = QString::compare(*l, *r);
    if (n.op == "==") return cmp == 0;
    if (n.op == "!=") return cmp != 0;
    if (n.op == "<") return cmp < 0;
    if (n.op == "<=") return cmp <= 0;
    if (n.op == ">") return cmp > 0;
    return cmp >= 0;
}

} // namespace

std::optional<BreakpointCondition> BreakpointCondition::parse(const QString& text, QString* error)
{
    QString tokError;
    const QStringList tokens = tokenize(text, &tokError);
    if (!tokError.isEmpty()) {
        if (error)
            *error = tokError;
        return std::nullopt;
    }
    BreakpointCondition c;
    c.m_text = text.trimmed();
    if (tokens.isEmpty())
        return c; // empty: always true
    c.m_root = Parser(tokens).parse(error);
    if (!c.m_root)
        return std::nullopt;
    return c;
}

bool BreakpointCondition::evaluate(const Lookup& lookup) const { return !m_root || evaluateNode(*m_root, lookup); }

} // namespace aeroflow::studio
