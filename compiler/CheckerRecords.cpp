// Records: the part of the Checker for `record` declarations, building
// records with named fields, reading and replacing fields, `with` and record
// patterns (docs/LANGUAGE.md §7.9). See Checker.h.
#include "Checker.h"

namespace aeroflow::compiler {

namespace {

std::string plural(size_t n, const char* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// A field default is a constant: a literal, a negated number, or a list or
/// map of constants. Defaults are evaluated where a record is built, so they
/// cannot name variables.
bool isConstantExpr(const Expr* e)
{
    switch (e->kind) {
    case ExprKind::Int:
    case ExprKind::Float:
    case ExprKind::String:
    case ExprKind::Bool:
    case ExprKind::Nil:
        return true;
    case ExprKind::Unary: {
        const auto* u = as<UnaryExpr>(e);
        return u->op == UnaryOp::Neg && (u->operand->kind == ExprKind::Int || u->operand->kind == ExprKind::Float);
    }
    case ExprKind::List:
        for (const Expr* item : as<ListExpr>(e)->items)
            if (!isConstantExpr(item))
                return false;
        return true;
    case ExprKind::Map:
        for (const Expr* v : as<MapExpr>(e)->values)
            if (!isConstantExpr(v))
                return false;
        return true;
    default:
        return false;
    }
}

} // namespace

RecordDecl* Checker::recordNamed(Name n)
{
    Binding* b = lookup(n);
    return b && b->kind == BindingKind::Record ? b->record : nullptr;
}

std::string Checker::recordFieldHint(const RecordDecl* r, Name wanted) const
{
    std::vector<std::string_view> names;
    for (const RecordField& f : r->fields)
        names.push_back(m_names.text(f.name));
    std::string hint = suggestAmong(m_names.text(wanted), names);
    if (hint.empty()) {
        hint = " (its fields: ";
        for (size_t i = 0; i < names.size(); ++i)
            hint += (i ? ", " : "") + std::string(names[i]);
        hint += names.empty() ? "none)" : ")";
    }
    return hint;
}

void Checker::collectRecord(RecordDecl* r, uint32_t fileEnd)
{
    r->index = static_cast<uint32_t>(m_info.records.size());
    m_info.records.push_back(r);
    Binding* b = newBinding(BindingKind::Record, r->name, r->nameRange, m_types.record(r), false);
    b->record = r;
    b->index = r->index;
    r->binding = b;
    std::string detail = "record " + nameText(r->name) + "(";
    for (uint32_t i = 0; i < r->fields.size(); ++i)
        detail += (i ? ", " : "") + nameText(r->fields[i].name);
    addSymbol(b, SymbolKind::Record, detail + ")", 0, fileEnd);
    declare(b);
    if (r->name < m_messageByName.size() && m_messageByName[r->name] >= 0)
        error(r->nameRange, "record '" + nameText(r->name) + "' has the name of message '" + nameText(r->name)
                + "' (an 'on " + nameText(r->name) + "' handler); rename one (both are built by their name)");
}

void Checker::resolveRecordFields()
{
    for (RecordDecl* r : m_info.records) {
        for (uint32_t i = 0; i < r->fields.size(); ++i) {
            RecordField& f = r->fields[i];
            for (uint32_t j = 0; j < i; ++j)
                if (r->fields[j].name == f.name)
                    error(f.range, "record '" + nameText(r->name) + "' declares field '" + nameText(f.name) + "' twice");
            f.type = f.typeAnn ? resolveType(f.typeAnn) : TypeTable::kAny;
            if (m_types.holdsFunction(f.type))
                error(f.typeAnn->range, "field '" + nameText(f.name) + "' cannot be " + typeName(f.type)
                        + ": records are values that messages carry, and functions cannot cross actors");
            if (m_symbols && r->binding && r->binding->symbol >= 0) {
                SymbolDecl d;
                d.name = nameText(f.name);
                d.kind = SymbolKind::RecordField;
                d.range = f.range;
                d.visibleFrom = 0;
                d.visibleTo = 0; // never in scope by itself: offered after `value.`
                d.detail = typeName(f.type);
                d.container = r->binding->symbol;
                const int32_t id = m_symbols->addDecl(std::move(d));
                if (i == 0)
                    r->firstFieldSymbol = id;
            }
        }
    }
}

void Checker::checkRecordDecl(RecordDecl* r)
{
    for (RecordField& f : r->fields) {
        if (!f.init)
            continue;
        if (!isConstantExpr(f.init)) {
            error(f.init->range, "the default of field '" + nameText(f.name)
                    + "' must be a constant (a literal, or a list or map of literals)");
            continue;
        }
        const TypeId t = checkExpr(f.init);
        if (!m_types.assignable(f.type, t))
            error(f.init->range, "the default of field '" + nameText(f.name) + "' must be " + typeName(f.type)
                    + ", found " + typeName(t));
    }
}

void Checker::refuseNamedArgs(const CallExpr* e)
{
    for (const ArgName& a : e->argNames)
        if (a.name) {
            error(a.range, "named arguments ('" + nameText(a.name)
                    + ": value') are only for building records and for a record's with()");
            return;
        }
}

void Checker::bindRecordArgs(CallExpr* e, RecordDecl* r, bool partial)
{
    const std::string rn = nameText(r->name);
    std::vector<int32_t> given(r->fields.size(), -1);
    bool named = false;
    for (uint32_t i = 0; i < e->args.size(); ++i) {
        const Name n = e->argNames.empty() ? 0 : e->argNames[i].name;
        if (!n) {
            if (named) {
                error(e->args[i]->range, "a positional argument cannot follow named ones in " + rn
                        + "(...): name it ('field: value')");
                continue;
            }
            if (partial) {
                error(e->args[i]->range, "with() takes named fields: o.with(field: value)");
                continue;
            }
            if (i >= r->fields.size()) {
                error(e->args[i]->range, "record '" + rn + "' has " + plural(r->fields.size(), "field") + ", found "
                        + std::to_string(e->args.size()) + " arguments");
                break;
            }
            given[i] = int32_t(i);
            continue;
        }
        named = true;
        const SourceRange at = e->argNames[i].range;
        const int32_t f = r->fieldIndex(n);
        if (f < 0) {
            error(at, "record '" + rn + "' has no field '" + nameText(n) + "'" + recordFieldHint(r, n));
            continue;
        }
        if (given[size_t(f)] >= 0) {
            error(at, "field '" + nameText(n) + "' is given twice");
            continue;
        }
        given[size_t(f)] = int32_t(i);
        if (m_symbols && r->firstFieldSymbol >= 0)
            m_symbols->addRef(at, r->firstFieldSymbol + f);
    }
    if (!partial) {
        std::string missing;
        for (uint32_t f = 0; f < r->fields.size(); ++f)
            if (given[f] < 0 && !r->fields[f].init)
                missing += (missing.empty() ? "'" : ", '") + nameText(r->fields[f].name) + "'";
        if (!missing.empty())
            error(e->range, "record '" + rn + "' needs " + (missing.find(',') == std::string::npos ? "field " : "fields ")
                    + missing + " (give each as 'name: value', or declare a default in the record)");
    }
    for (uint32_t f = 0; f < r->fields.size(); ++f) {
        if (given[f] < 0)
            continue;
        const Expr* a = e->args[uint32_t(given[f])];
        if (m_types.holdsFunction(a->type))
            continue; // refused already: functions cannot be fields
        if (!m_types.assignable(r->fields[f].type, a->type))
            error(a->range, "field '" + nameText(r->fields[f].name) + "' of " + rn + " must be "
                    + typeName(r->fields[f].type) + ", found " + typeName(a->type));
    }
    e->fieldArgs = m_arena.copy(given);
    e->record = r;
}

TypeId Checker::checkRecordConstruct(CallExpr* e, RecordDecl* r, SourceRange)
{
    e->callKind = CallKind::Record;
    for (Expr* a : e->args)
        checkExpr(a);
    bool refused = false;
    for (uint32_t i = 0; i < e->args.size(); ++i)
        refused = refuseFunction(e->args[i], "a field of record '" + nameText(r->name) + "'") || refused;
    bindRecordArgs(e, r, false);
    return m_types.record(r);
}

TypeId Checker::checkRecordWith(CallExpr* e, FieldExpr* f, RecordDecl* r)
{
    e->callKind = CallKind::RecordWith;
    for (Expr* a : e->args)
        checkExpr(a);
    for (uint32_t i = 0; i < e->args.size(); ++i)
        refuseFunction(e->args[i], "a field of record '" + nameText(r->name) + "'");
    if (e->args.empty())
        error(f->fieldRange, "with() needs at least one field to replace: o.with(field: value)");
    bindRecordArgs(e, r, true);
    return m_types.record(r);
}

TypeId Checker::checkRecordField(FieldExpr* e, RecordDecl* r)
{
    const int32_t f = r->fieldIndex(e->field);
    if (f < 0) {
        if (nameText(e->field) == "with")
            error(e->fieldRange, "with is a method of records: o.with(field: value)");
        else
            error(e->fieldRange, "record '" + nameText(r->name) + "' has no field '" + nameText(e->field) + "'"
                    + recordFieldHint(r, e->field));
        return TypeTable::kAny;
    }
    if (m_symbols && r->firstFieldSymbol >= 0)
        m_symbols->addRef(e->fieldRange, r->firstFieldSymbol + f);
    return r->fields[uint32_t(f)].type;
}

void Checker::checkRecordPattern(Pattern* p, TypeId subject, RecordDecl* r)
{
    const std::string rn = nameText(r->name);
    p->kind = PatternKind::Record;
    p->record = r;
    const TypeKind sk = m_types.kind(subject);
    if (sk != TypeKind::Any && !(sk == TypeKind::Record && m_types.get(subject).record == r))
        error(p->range, "a pattern of record " + rn + " can never match a value of type " + typeName(subject));
    std::vector<uint32_t> fields;
    std::vector<bool> seen(r->fields.size(), false);
    const bool named = !p->argNames.empty();
    if (!named && !p->args.empty() && p->args.size() != r->fields.size())
        error(p->range, "record '" + rn + "' has " + plural(r->fields.size(), "field") + ", the pattern has "
                + std::to_string(p->args.size()) + " (name the fields you match: " + rn + "(field: pattern))");
    for (uint32_t i = 0; i < p->args.size(); ++i) {
        int32_t f = int32_t(i);
        if (named) {
            const ArgName& an = p->argNames[i];
            if (!an.name) {
                error(p->args[i]->range, "in a pattern that names fields, name every one ('field: pattern')");
                f = -1;
            } else {
                f = r->fieldIndex(an.name);
                if (f < 0)
                    error(an.range, "record '" + rn + "' has no field '" + nameText(an.name) + "'"
                            + recordFieldHint(r, an.name));
                else if (seen[size_t(f)])
                    error(an.range, "field '" + nameText(an.name) + "' is matched twice");
                else if (m_symbols && r->firstFieldSymbol >= 0)
                    m_symbols->addRef(an.range, r->firstFieldSymbol + f);
            }
        } else if (f >= int32_t(r->fields.size())) {
            f = -1;
        }
        if (f >= 0)
            seen[size_t(f)] = true;
        fields.push_back(f >= 0 ? uint32_t(f) : 0);
        checkPattern(p->args[i], f >= 0 ? r->fields[uint32_t(f)].type : TypeTable::kAny);
    }
    p->fields = m_arena.copy(fields);
}

} // namespace aeroflow::compiler
