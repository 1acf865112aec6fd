#pragma once
// The condition of a breakpoint: a small expression over the handler's
// parameters, the receiving actor's state fields (before the delivery),
// `tick` and `seq`:  comparisons (== != < <= > >=) of names and literals,
// joined by `and` / `or` (also && ||), or a bare name (true when truthy).
// Not the full language on purpose: it must evaluate without running code.

#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace aeroflow::studio {

class BreakpointCondition {
public:
    /// Looks a name up; nullopt when unknown (the condition is then false).
    using Lookup = std::function<std::optional<QString>(const QString& name)>;

    /// Parses `text`; on a syntax error returns nullopt and sets `error`.
    static std::optional<BreakpointCondition> parse(const QString& text, QString* error = nullptr);

    bool evaluate(const Lookup& lookup) const;
    QString text() const { return m_text; }

    struct Node;

private:
    QString m_text;
    std::shared_ptr<const Node> m_root;
};

} // namespace aeroflow::studio
