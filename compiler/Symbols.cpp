#include "Symbols.h"

#include <algorithm>

namespace aeroflow::compiler {

const char* symbolKindName(SymbolKind k)
{
    switch (k) {
    case SymbolKind::Variable: return "variable";
    case SymbolKind::Constant: return "constant";
    case SymbolKind::Parameter: return "parameter";
    case SymbolKind::Function: return "function";
    case SymbolKind::Method: return "method";
    case SymbolKind::Actor: return "actor";
    case SymbolKind::Screen: return "screen";
    case SymbolKind::Agent: return "agent";
    case SymbolKind::Model: return "model";
    case SymbolKind::Handler: return "handler";
    case SymbolKind::StateField: return "state";
    case SymbolKind::Module: return "module";
    case SymbolKind::Global: return "global";
    case SymbolKind::Record: return "record";
    case SymbolKind::RecordField: return "field";
    }
    return "symbol";
}

int32_t SymbolIndex::addDecl(SymbolDecl d)
{
    m_decls.push_back(std::move(d));
    return static_cast<int32_t>(m_decls.size() - 1);
}

void SymbolIndex::addRef(SourceRange range, int32_t decl)
{
    if (decl >= 0)
        m_refs.push_back({range, decl});
}

void SymbolIndex::setVisibleTo(int32_t decl, uint32_t end)
{
    if (decl >= 0 && size_t(decl) < m_decls.size())
        m_decls[size_t(decl)].visibleTo = end;
}

const SymbolDecl* SymbolIndex::definitionAt(uint32_t offset) const
{
    for (const auto& r : m_refs)
        if (offset >= r.range.begin && offset <= r.range.end)
            return &m_decls[size_t(r.decl)];
    for (const auto& d : m_decls)
        if (offset >= d.range.begin && offset <= d.range.end)
            return &d;
    return nullptr;
}

std::vector<const SymbolDecl*> SymbolIndex::visibleAt(uint32_t offset) const
{
    std::vector<const SymbolDecl*> out;
    // Later declarations are more deeply nested or later in the same scope:
    // walk backwards so the innermost one of a name wins.
    for (size_t i = m_decls.size(); i-- > 0;) {
        const SymbolDecl& d = m_decls[i];
        if (d.kind == SymbolKind::Handler || offset < d.visibleFrom || offset > d.visibleTo)
            continue;
        if (std::none_of(out.begin(), out.end(), [&](const SymbolDecl* o) { return o->name == d.name; }))
            out.push_back(&d);
    }
    return out;
}

std::vector<SourceRange> SymbolIndex::referencesTo(int32_t decl) const
{
    std::vector<SourceRange> out;
    for (const auto& r : m_refs)
        if (r.decl == decl)
            out.push_back(r.range);
    return out;
}

std::vector<const SymbolDecl*> SymbolIndex::handlersOf(int32_t actor) const
{
    std::vector<const SymbolDecl*> out;
    for (const auto& d : m_decls)
        if (d.kind == SymbolKind::Handler && d.container == actor)
            out.push_back(&d);
    return out;
}

} // namespace aeroflow::compiler
