#include "Types.h"

#include <cstring>

namespace aeroflow::compiler {

TypeTable::TypeTable()
{
    intern({TypeKind::Any}); // id 0
    m_nil = intern({TypeKind::Nil});
    m_bool = intern({TypeKind::Bool});
    m_int = intern({TypeKind::Int});
    m_float = intern({TypeKind::Float});
    m_string = intern({TypeKind::String});
    m_tensor = intern({TypeKind::Tensor});
    m_message = intern({TypeKind::Message});
    m_function = intern({TypeKind::Function});
    m_ui = intern({TypeKind::Ui});
    m_anyActor = intern({TypeKind::Actor});
}

TypeId TypeTable::intern(const Type& t)
{
    std::string key(sizeof(t.kind) + 2 * sizeof(TypeId) + sizeof(t.actor) + sizeof(t.effects) + sizeof(t.record), '\0');
    char* p = key.data();
    std::memcpy(p, &t.kind, sizeof(t.kind));
    std::memcpy(p + sizeof(t.kind), &t.arg0, sizeof(TypeId));
    std::memcpy(p + sizeof(t.kind) + sizeof(TypeId), &t.arg1, sizeof(TypeId));
    std::memcpy(p + sizeof(t.kind) + 2 * sizeof(TypeId), &t.actor, sizeof(t.actor));
    std::memcpy(p + sizeof(t.kind) + 2 * sizeof(TypeId) + sizeof(t.actor), &t.effects, sizeof(t.effects));
    std::memcpy(p + sizeof(t.kind) + 2 * sizeof(TypeId) + sizeof(t.actor) + sizeof(t.effects), &t.record, sizeof(t.record));
    auto [it, inserted] = m_index.try_emplace(std::move(key), static_cast<TypeId>(m_types.size()));
    if (inserted)
        m_types.push_back(t);
    return it->second;
}

TypeId TypeTable::list(TypeId elem) { return intern({TypeKind::List, elem, 0, nullptr}); }
TypeId TypeTable::map(TypeId key, TypeId value) { return intern({TypeKind::Map, key, value, nullptr}); }
TypeId TypeTable::set(TypeId elem) { return intern({TypeKind::Set, elem, 0, nullptr}); }
bool TypeTable::isKeyType(TypeId t) const
{
    const TypeKind k = kind(t);
    if (k == TypeKind::Record) {
        // A record of keys is a key (its fields compared and hashed as one).
        const RecordDecl* r = m_types[t].record;
        if (!r)
            return false;
        for (const RecordField& f : r->fields)
            if (f.type == t || kind(f.type) == TypeKind::Any || !isKeyType(f.type))
                return false;
        return true;
    }
    return k == TypeKind::Any || k == TypeKind::Int || k == TypeKind::String || k == TypeKind::Bool;
}
TypeId TypeTable::result(TypeId ok, TypeId err) { return intern({TypeKind::Result, ok, err, nullptr}); }
TypeId TypeTable::actor(const ActorDecl* decl) { return intern({TypeKind::Actor, 0, 0, decl}); }
TypeId TypeTable::record(const RecordDecl* decl)
{
    Type t{TypeKind::Record};
    t.record = decl;
    return intern(t);
}
TypeId TypeTable::model() { return m_model ? m_model : (m_model = intern({TypeKind::Model})); }
TypeId TypeTable::function(EffectSet effects)
{
    return effects ? intern({TypeKind::Function, 0, 0, nullptr, effects}) : m_function;
}

EffectSet TypeTable::effectsOf(TypeId id) const
{
    const Type& t = m_types[id];
    switch (t.kind) {
    case TypeKind::Function: return t.effects;
    case TypeKind::List: return effectsOf(t.arg0);
    case TypeKind::Map:
    case TypeKind::Result: return EffectSet(effectsOf(t.arg0) | effectsOf(t.arg1));
    default: return 0;
    }
}

bool TypeTable::holdsFunction(TypeId id) const
{
    const Type& t = m_types[id];
    switch (t.kind) {
    case TypeKind::Function: return true;
    case TypeKind::List: return holdsFunction(t.arg0);
    case TypeKind::Map:
    case TypeKind::Result: return holdsFunction(t.arg0) || holdsFunction(t.arg1);
    default: return false;
    }
}

EffectSet TypeTable::lostEffects(TypeId to, TypeId from) const
{
    const EffectSet held = effectsOf(from);
    if (!held || to == from)
        return 0;
    const Type& a = m_types[to];
    const Type& b = m_types[from];
    if (a.kind != b.kind)
        return held; // `any` (or a mismatch reported on its own)
    switch (a.kind) {
    case TypeKind::Function: return EffectSet(b.effects & ~a.effects);
    case TypeKind::List: return lostEffects(a.arg0, b.arg0);
    case TypeKind::Map:
    case TypeKind::Result: return EffectSet(lostEffects(a.arg0, b.arg0) | lostEffects(a.arg1, b.arg1));
    default: return 0;
    }
}

TypeId TypeTable::join(TypeId a, TypeId b)
{
    if (a == b)
        return a;
    if (isNumeric(a) && isNumeric(b))
        return m_float;
    // Copies: interning below may grow m_types.
    const Type ta = m_types[a];
    const Type tb = m_types[b];
    // Only functions with effects are joined structurally; everything else
    // keeps the checker's long-standing rule (different types give `any`).
    if (ta.kind != tb.kind || !(effectsOf(a) | effectsOf(b)))
        return kAny;
    switch (ta.kind) {
    case TypeKind::Function: return function(EffectSet(ta.effects | tb.effects));
    case TypeKind::List: return list(join(ta.arg0, tb.arg0));
    case TypeKind::Map: return map(join(ta.arg0, tb.arg0), join(ta.arg1, tb.arg1));
    case TypeKind::Result: return result(join(ta.arg0, tb.arg0), join(ta.arg1, tb.arg1));
    default: return kAny;
    }
}

bool TypeTable::assignable(TypeId to, TypeId from) const
{
    if (to == from || to == kAny || from == kAny)
        return true;
    const Type& a = m_types[to];
    const Type& b = m_types[from];
    if (b.kind == TypeKind::Nil) {
        // nil stands for a missing actor, collection or result; scalars
        // (int, float, bool, string) always hold a value.
        switch (a.kind) {
        case TypeKind::Int:
        case TypeKind::Float:
        case TypeKind::Bool:
        case TypeKind::String:
            return false;
        default:
            return true;
        }
    }
    if (a.kind == TypeKind::Float && b.kind == TypeKind::Int)
        return true;
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case TypeKind::List:
    case TypeKind::Set:
        return assignable(a.arg0, b.arg0);
    case TypeKind::Map:
    case TypeKind::Result:
        return assignable(a.arg0, b.arg0) && assignable(a.arg1, b.arg1);
    case TypeKind::Actor:
        return a.actor == nullptr || b.actor == nullptr || a.actor == b.actor;
    case TypeKind::Record:
        return a.record == b.record;
    default:
        return true;
    }
}

std::string TypeTable::name(TypeId id, const Interner& names) const
{
    const Type& t = m_types[id];
    switch (t.kind) {
    case TypeKind::Any: return "any";
    case TypeKind::Nil: return "nil";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Float: return "float";
    case TypeKind::String: return "string";
    case TypeKind::List: return "list[" + name(t.arg0, names) + "]";
    case TypeKind::Map: return "map[" + name(t.arg0, names) + ", " + name(t.arg1, names) + "]";
    case TypeKind::Tensor: return "tensor";
    case TypeKind::Result: return "Result[" + name(t.arg0, names) + ", " + name(t.arg1, names) + "]";
    case TypeKind::Actor: return t.actor ? std::string(names.text(t.actor->name)) : "actor";
    case TypeKind::Message: return "message";
    case TypeKind::Function: return t.effects ? "function[" + effectNames(t.effects) + "]" : "function";
    case TypeKind::Ui: return "ui";
    case TypeKind::Model: return "model";
    case TypeKind::Record: return t.record ? std::string(names.text(t.record->name)) : "record";
    case TypeKind::Set: return "set[" + name(t.arg0, names) + "]";
    }
    return "any";
}

std::string effectNames(EffectSet effects)
{
    std::string out;
    for (auto [bit, word] : {std::pair{Effect::Env, "env"}, std::pair{Effect::Io, "io"},
             std::pair{Effect::Http, "http"}, std::pair{Effect::Clock, "clock"}})
        if (effects & EffectSet(bit))
            out += (out.empty() ? "" : ", ") + std::string(word);
    return out;
}

} // namespace aeroflow::compiler
