#pragma once
// Symbol information for the IDE: every declaration with its kind, range and
// visibility, and every resolved reference. Built by the Checker; owns plain
// data only, so it outlives the AST and can be shared with the GUI thread.

#include "Source.h"

#include <string>
#include <vector>

namespace aeroflow::compiler {

enum class SymbolKind : uint8_t {
    Variable, Constant, Parameter, Function, Method, Actor, Screen, Agent, Model, Handler, StateField, Module, Global,
    Record, RecordField,
};

const char* symbolKindName(SymbolKind k);

struct SymbolDecl {
    std::string name;
    SymbolKind kind = SymbolKind::Variable;
    SourceRange range;       ///< the declared name
    uint32_t visibleFrom = 0;///< byte offsets where the name can be used
    uint32_t visibleTo = 0;
    std::string detail;      ///< type or signature, for hover and completion
    int32_t container = -1;  ///< enclosing actor's declaration, or -1
};

struct SymbolRef {
    SourceRange range;
    int32_t decl = -1;
};

class SymbolIndex {
public:
    int32_t addDecl(SymbolDecl d);
    void addRef(SourceRange range, int32_t decl);
    void setVisibleTo(int32_t decl, uint32_t end);
    SymbolDecl& decl(int32_t i) { return m_decls[size_t(i)]; }

    const std::vector<SymbolDecl>& decls() const { return m_decls; }
    const std::vector<SymbolRef>& refs() const { return m_refs; }

    /// The declaration a name at `offset` refers to (a reference or the
    /// declaration itself), or null.
    const SymbolDecl* definitionAt(uint32_t offset) const;
    /// Declarations visible at `offset` (innermost first, no duplicates by name).
    std::vector<const SymbolDecl*> visibleAt(uint32_t offset) const;
    /// Every reference to declaration `decl`.
    std::vector<SourceRange> referencesTo(int32_t decl) const;
    /// Handlers declared by the actor whose declaration index is `actor`.
    std::vector<const SymbolDecl*> handlersOf(int32_t actor) const;

private:
    std::vector<SymbolDecl> m_decls;
    std::vector<SymbolRef> m_refs;
};

} // namespace aeroflow::compiler
