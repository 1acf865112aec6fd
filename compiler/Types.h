#pragma once
// Types as the checker sees them. Types are interned in a TypeTable and named
// by TypeId; id 0 is `any`, the flexible type of unannotated parameters.

#include "Ast.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace aeroflow::compiler {

enum class TypeKind : uint8_t {
    Any,      ///< unknown / flexible: compatible with everything
    Nil,
    Bool,
    Int,
    Float,
    String,
    List,     ///< arg0 = element
    Map,      ///< arg0 = key, arg1 = value
    Tensor,
    Result,   ///< arg0 = ok, arg1 = err
    Actor,    ///< actor reference; `actor` names the type (null = any actor)
    Message,
    Function, ///< a function value; `effects` = the effects a call may use
    Ui,       ///< a UI tree
    Model,    ///< a `model` declaration
    Record,   ///< a record type; `record` names it
    Set,      ///< arg0 = element (int, string, bool or any)
};

struct Type {
    TypeKind kind = TypeKind::Any;
    TypeId arg0 = 0;
    TypeId arg1 = 0;
    const ActorDecl* actor = nullptr;
    EffectSet effects = 0; ///< Function: what calling it may use (`function[env, io]`)
    const RecordDecl* record = nullptr; ///< Record: its declaration
};

class TypeTable {
public:
    TypeTable();

    static constexpr TypeId kAny = 0;
    TypeId nil() const { return m_nil; }
    TypeId boolean() const { return m_bool; }
    TypeId integer() const { return m_int; }
    TypeId floating() const { return m_float; }
    TypeId string() const { return m_string; }
    TypeId tensor() const { return m_tensor; }
    TypeId message() const { return m_message; }
    /// A function value without effects (`function`).
    TypeId function() const { return m_function; }
    /// A function value whose calls may use `effects` (`function[env]`).
    TypeId function(EffectSet effects);
    TypeId ui() const { return m_ui; }
    TypeId anyActor() const { return m_anyActor; }

    TypeId list(TypeId elem);
    TypeId map(TypeId key, TypeId value);
    TypeId set(TypeId elem);
    /// Can values of type `t` be map keys and set elements (int, string,
    /// bool, or `any`, checked at run time)?
    bool isKeyType(TypeId t) const;
    TypeId result(TypeId ok, TypeId err);
    TypeId actor(const ActorDecl* decl);
    TypeId model();
    TypeId record(const RecordDecl* decl);

    const Type& get(TypeId id) const { return m_types[id]; }
    TypeKind kind(TypeId id) const { return m_types[id].kind; }
    bool isNumeric(TypeId id) const { return kind(id) == TypeKind::Int || kind(id) == TypeKind::Float; }

    /// Can a value of type `from` be used where `to` is expected? `any` on
    /// either side is compatible; ints widen to floats. Effects are not
    /// compared here: lostEffects() says what a place would forget.
    bool assignable(TypeId to, TypeId from) const;
    /// Every effect a function held somewhere in a value of type `t` may use
    /// (a function, or a list, map or result holding functions). `any` has
    /// none: the checker never lets a function with effects become `any`.
    EffectSet effectsOf(TypeId t) const;
    /// Is `t` a function, or a list, map or result that holds functions?
    bool holdsFunction(TypeId t) const;
    /// The effects of functions in a `from` value that a place of type `to`
    /// would not keep in its type (`to` is `any`, or `function` where
    /// `function[env]` was given, also inside lists, maps and results).
    /// Storing such a value there would let a call forget its effects.
    EffectSet lostEffects(TypeId to, TypeId from) const;
    /// The type of a value that is sometimes `a` and sometimes `b` (list
    /// items, match arms): the same type, ints and floats as float, function
    /// types with the union of their effects, else `any`.
    TypeId join(TypeId a, TypeId b);
    /// `int`, `list[string]`, `Result[float, string]`, `Counter`, `function[env]`.
    std::string name(TypeId id, const Interner& names) const;

private:
    TypeId intern(const Type& t);
    std::vector<Type> m_types;
    // Lookup only (never iterated), so its order cannot leak into output.
    std::unordered_map<std::string, TypeId> m_index;
    TypeId m_nil, m_bool, m_int, m_float, m_string, m_tensor, m_message, m_function, m_ui, m_anyActor, m_model = 0;
};

/// "env", "env, io", ... in the order env, io, http, clock ("" for none).
std::string effectNames(EffectSet effects);

} // namespace aeroflow::compiler
