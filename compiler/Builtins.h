#pragma once
// The one table of builtin functions, module members and value methods.
// The Checker validates calls against it, Lowering emits BuiltinIds, and the
// engine implements each id. Add a builtin here and everything sees it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace aeroflow::compiler {

/// What a builtin is allowed to do; drives the purity and `uses` rules.
enum class BuiltinEffect : uint8_t {
    None,   ///< allowed everywhere, including `pure fn`
    Output, ///< print/render: a plain `fn` may, a `pure fn` may not
    Actor,  ///< send/spawn/emit/after/recv/random/stop: plain fn yes, pure no
    Env,    ///< reads the environment: needs `uses env`
    Io,     ///< reads files/stdin: needs `uses io`
    Http,   ///< network: needs `uses http`
    Clock,  ///< wall clock and real-time timers: needs `uses clock`
};

/// Result type of a builtin, coarse on purpose (the checker refines a few).
enum class BuiltinResult : uint8_t { Any, Nil, Bool, Int, Float, Number, String, List, Map, Tensor, Result, ActorRef, Set };

// X(Id, "name", minArgs, maxArgs (-1 = variadic), effect, result)
// Global builtins: callable by bare name, no import needed.
#define AEROFLOW_GLOBAL_BUILTINS(X)                                             \
    X(Print, "print", 0, -1, Output, Nil)                                       \
    X(Len, "len", 1, 1, None, Int)                                              \
    X(Range, "range", 1, 3, None, List)                                         \
    X(Str, "str", 1, 1, None, String)                                           \
    X(ToInt, "int", 1, 1, None, Int)                                            \
    X(ToFloat, "float", 1, 1, None, Float)                                      \
    X(TypeOf, "type_of", 1, 1, None, String)                                    \
    X(Abs, "abs", 1, 1, None, Number)                                           \
    X(Min, "min", 1, -1, None, Any)                                             \
    X(Max, "max", 1, -1, None, Any)                                             \
    X(Assert, "assert", 1, 2, None, Nil)                                        \
    X(Random, "random", 0, 0, Actor, Float)                                     \
    X(RandomInt, "random_int", 2, 2, Actor, Int)                                \
    X(Env, "env", 1, 1, Env, Any)                                               \
    X(Send, "send", 2, 2, Actor, Nil)                                           \
    X(Emit, "emit", 1, 1, Actor, Nil)                                           \
    X(After, "after", 3, 3, Actor, Nil)                                         \
    X(Recv, "recv", 0, 0, Actor, Any)                                           \
    X(Stop, "stop", 0, 0, Actor, Nil)                                           \
    X(ReadLine, "read_line", 0, 0, Io, Any)                                     \
    X(Matmul, "matmul", 2, 2, None, Tensor)                                     \
    X(Sum, "sum", 1, 1, None, Any)                                              \
    X(Relu, "relu", 1, 1, None, Tensor)                                         \
    X(Softmax, "softmax", 1, 1, None, Tensor)                                   \
    X(Transpose, "transpose", 1, 1, None, Tensor)                               \
    X(Shape, "shape", 1, 1, None, List)                                         \
    X(Respond, "respond", 3, 4, Output, Nil)                                    \
    X(Now, "now", 0, 0, Clock, Int)                                             \
    X(Every, "every", 3, 3, Clock, Int)                                         \
    X(AfterMs, "after_ms", 3, 3, Clock, Int)                                    \
    X(CancelTimer, "cancel_timer", 1, 1, Clock, Bool)                          \
    X(Format, "format", 1, -1, None, String)                                    \
    X(Map, "map", 2, 2, None, List)                                             \
    X(Filter, "filter", 2, 2, None, List)                                       \
    X(Reduce, "reduce", 2, 3, None, Any)                                        \
    X(AnyOf, "any", 2, 2, None, Bool)                                           \
    X(AllOf, "all", 2, 2, None, Bool)                                           \
    X(Sort, "sort", 1, 2, None, List)                                           \
    X(SortBy, "sort_by", 2, 2, None, List)                                      \
    X(Enumerate, "enumerate", 1, 1, None, List)                                 \
    X(Zip, "zip", 2, 2, None, List)                                             \
    X(SetOf, "set", 0, 1, None, Set)                                           \
    X(Monitor, "monitor", 1, 1, Actor, Nil)                                     \
    X(Link, "link", 1, 1, Actor, Nil)                                           \
    X(Supervise, "supervise", 1, 4, Actor, ActorRef)                            \
    X(Ask, "ask", 3, 3, Actor, Int)

// Module members: reachable as `module.name` after `import module`, or by bare
// name after `from module name`. Names may repeat across modules.
// X(Id, module, "name", minArgs, maxArgs, effect, result); maxArgs -2 = a value, not a function.
#define AEROFLOW_MODULE_BUILTINS(X)                                             \
    X(MathSqrt, "math", "sqrt", 1, 1, None, Float)                              \
    X(MathAbs, "math", "abs", 1, 1, None, Number)                               \
    X(MathFloor, "math", "floor", 1, 1, None, Int)                              \
    X(MathCeil, "math", "ceil", 1, 1, None, Int)                                \
    X(MathRound, "math", "round", 1, 1, None, Int)                              \
    X(MathPow, "math", "pow", 2, 2, None, Float)                                \
    X(MathExp, "math", "exp", 1, 1, None, Float)                                \
    X(MathLog, "math", "log", 1, 1, None, Float)                                \
    X(MathSin, "math", "sin", 1, 1, None, Float)                                \
    X(MathCos, "math", "cos", 1, 1, None, Float)                                \
    X(MathTan, "math", "tan", 1, 1, None, Float)                                \
    X(MathMin, "math", "min", 1, -1, None, Any)                                 \
    X(MathMax, "math", "max", 1, -1, None, Any)                                 \
    X(MathPi, "math", "pi", 0, -2, None, Float)                                 \
    X(MathE, "math", "e", 0, -2, None, Float)                                   \
    X(StringUpper, "string", "upper", 1, 1, None, String)                       \
    X(StringLower, "string", "lower", 1, 1, None, String)                       \
    X(StringTrim, "string", "trim", 1, 1, None, String)                         \
    X(StringSplit, "string", "split", 2, 2, None, List)                         \
    X(StringJoin, "string", "join", 2, 2, None, String)                         \
    X(StringContains, "string", "contains", 2, 2, None, Bool)                   \
    X(StringReplace, "string", "replace", 3, 3, None, String)                   \
    X(StringLen, "string", "len", 1, 1, None, Int)                              \
    X(ListSort, "list", "sort", 1, 2, None, List)                               \
    X(ListReverse, "list", "reverse", 1, 1, None, List)                         \
    X(ListSum, "list", "sum", 1, 1, None, Any)                                  \
    X(ListLen, "list", "len", 1, 1, None, Int)                                  \
    X(ListContains, "list", "contains", 2, 2, None, Bool)                       \
    X(JsonEncode, "json", "encode", 1, 1, None, String)                         \
    X(JsonDecode, "json", "decode", 1, 2, None, Result)                         \
    X(HttpGet, "http", "get", 1, 2, Http, Any)                                  \
    X(HttpPost, "http", "post", 2, 3, Http, Any)                                \
    X(HttpCore, "http", "core", 0, -2, None, Any)                               \
    X(CryptoSha256, "crypto", "sha256", 1, 1, None, String)                     \
    X(CryptoJwt, "crypto", "jwt", 0, -2, None, Any)                             \
    X(TensorMatmul, "ai.tensor", "matmul", 2, 2, None, Tensor)                  \
    X(TensorRelu, "ai.tensor", "relu", 1, 1, None, Tensor)                      \
    X(TensorSoftmax, "ai.tensor", "softmax", 1, 1, None, Tensor)                \
    X(TensorTranspose, "ai.tensor", "transpose", 1, 1, None, Tensor)            \
    X(TensorSum, "ai.tensor", "sum", 1, 1, None, Any)                           \
    X(TensorShape, "ai.tensor", "shape", 1, 1, None, List)                      \
    X(UiView, "ui.core", "view", 0, -2, None, Any)                              \
    X(NetHttpGet, "net.http", "get", 1, 2, Http, Any)                           \
    X(NetHttpPost, "net.http", "post", 2, 3, Http, Any)                         \
    X(NetHttpServe, "net.http", "serve", 2, 2, Http, String)                    \
    X(NetWsServe, "net.ws", "serve", 2, 2, Http, String)                        \
    X(WsSend, "net.ws", "send", 2, 2, Output, Nil)                              \
    X(WsClose, "net.ws", "close", 1, 1, Output, Nil)                            \
    X(FsRead, "fs", "read", 1, 1, Io, Result)                                   \
    X(FsWrite, "fs", "write", 2, 2, Io, Result)

// Methods on values: `x.name(args)`; receiver type tag, then arity excluding
// the receiver. `mutates` marks methods that change the receiver in place
// (the receiver must then be an assignable place: a `mut`, `state` or global).
// X(Id, receiver, "name", minArgs, maxArgs, mutates, result)
#define AEROFLOW_METHODS(X)                                                     \
    X(StrLen, String, "len", 0, 0, false, Int)                                  \
    X(StrUpper, String, "upper", 0, 0, false, String)                           \
    X(StrLower, String, "lower", 0, 0, false, String)                           \
    X(StrTrim, String, "trim", 0, 0, false, String)                             \
    X(StrSplit, String, "split", 1, 1, false, List)                             \
    X(StrContains, String, "contains", 1, 1, false, Bool)                       \
    X(StrStartsWith, String, "starts_with", 1, 1, false, Bool)                  \
    X(StrEndsWith, String, "ends_with", 1, 1, false, Bool)                      \
    X(StrReplace, String, "replace", 2, 2, false, String)                       \
    X(StrSubstr, String, "substr", 1, 2, false, String)                         \
    X(StrFind, String, "find", 1, 1, false, Int)                                \
    X(ListLen, List, "len", 0, 0, false, Int)                                   \
    X(ListPush, List, "push", 1, 1, true, Nil)                                  \
    X(ListPop, List, "pop", 0, 0, true, Any)                                    \
    X(ListInsert, List, "insert", 2, 2, true, Nil)                              \
    X(ListRemoveAt, List, "remove_at", 1, 1, true, Any)                         \
    X(ListContains, List, "contains", 1, 1, false, Bool)                        \
    X(ListIndexOf, List, "index_of", 1, 1, false, Int)                          \
    X(ListSlice, List, "slice", 1, 2, false, List)                              \
    X(ListReverse, List, "reverse", 0, 0, false, List)                          \
    X(ListSort, List, "sort", 0, 1, false, List)                                \
    X(ListJoin, List, "join", 1, 1, false, String)                              \
    X(ListSum, List, "sum", 0, 0, false, Any)                                   \
    X(ListFirst, List, "first", 0, 0, false, Any)                               \
    X(ListLast, List, "last", 0, 0, false, Any)                                 \
    X(ListMap, List, "map", 1, 1, false, List)                                  \
    X(ListFilter, List, "filter", 1, 1, false, List)                            \
    X(ListReduce, List, "reduce", 1, 2, false, Any)                             \
    X(ListAny, List, "any", 1, 1, false, Bool)                                  \
    X(ListAll, List, "all", 1, 1, false, Bool)                                  \
    X(ListSortBy, List, "sort_by", 1, 1, false, List)                           \
    X(ListEnumerate, List, "enumerate", 0, 0, false, List)                      \
    X(ListZip, List, "zip", 1, 1, false, List)                                  \
    X(MapLen, Map, "len", 0, 0, false, Int)                                     \
    X(MapKeys, Map, "keys", 0, 0, false, List)                                  \
    X(MapValues, Map, "values", 0, 0, false, List)                              \
    X(MapItems, Map, "items", 0, 0, false, List)                                \
    X(MapHas, Map, "has", 1, 1, false, Bool)                                    \
    X(MapGet, Map, "get", 1, 2, false, Any)                                     \
    X(MapRemove, Map, "remove", 1, 1, true, Any)                                \
    X(TensorShapeM, Tensor, "shape", 0, 0, false, List)                         \
    X(TensorSumM, Tensor, "sum", 0, 0, false, Float)                            \
    X(TensorTransposeM, Tensor, "transpose", 0, 0, false, Tensor)               \
    X(ResultIsOk, Result, "is_ok", 0, 0, false, Bool)                           \
    X(ResultIsErr, Result, "is_err", 0, 0, false, Bool)                         \
    X(ResultUnwrap, Result, "unwrap", 0, 0, false, Any)                         \
    X(ResultUnwrapOr, Result, "unwrap_or", 1, 1, false, Any)                     \
    X(SetLen, Set, "len", 0, 0, false, Int)                                     \
    X(SetHas, Set, "has", 1, 1, false, Bool)                                    \
    X(SetAdd, Set, "add", 1, 1, true, Bool)                                     \
    X(SetRemove, Set, "remove", 1, 1, true, Bool)                               \
    X(SetUnion, Set, "union", 1, 1, false, Set)                                 \
    X(SetIntersection, Set, "intersection", 1, 1, false, Set)                   \
    X(SetDifference, Set, "difference", 1, 1, false, Set)                       \
    X(SetToList, Set, "to_list", 0, 0, false, List)

enum class BuiltinId : uint16_t {
#define AEROFLOW_B_ENUM(id, ...) id,
    AEROFLOW_GLOBAL_BUILTINS(AEROFLOW_B_ENUM)
    AEROFLOW_MODULE_BUILTINS(AEROFLOW_B_ENUM)
#undef AEROFLOW_B_ENUM
    Count
};

enum class MethodId : uint16_t {
#define AEROFLOW_M_ENUM(id, ...) id,
    AEROFLOW_METHODS(AEROFLOW_M_ENUM)
#undef AEROFLOW_M_ENUM
    Count
};

/// The builtins and methods that call a function they are given (map,
/// filter, ...): the engine runs it from inside the builtin (docs/ENGINE.md).
enum class Callback : uint8_t { None, Map, Filter, Reduce, Any, All, Sort, SortBy };
/// What `id` calls back, if anything (Sort only with its comparator).
Callback callbackOf(BuiltinId id);
Callback callbackOf(MethodId id);
/// "map", "filter", ... ("" for None).
std::string_view callbackName(Callback c);
/// How many arguments the function is called with (1 or 2).
int callbackArity(Callback c);

/// Receiver kinds of methods.
enum class MethodReceiver : uint8_t { String, List, Map, Tensor, Result, Set };
/// Number of receiver kinds (sizes per-kind tables such as the VM's method cache).
inline constexpr size_t kMethodReceiverCount = size_t(MethodReceiver::Set) + 1;

struct BuiltinInfo {
    BuiltinId id;
    std::string_view module; ///< "" for global builtins
    std::string_view name;
    int8_t minArgs;
    int8_t maxArgs;          ///< -1 variadic, -2 a value (no call)
    BuiltinEffect effect;
    BuiltinResult result;
    bool isValue() const { return maxArgs == -2; }
};

struct MethodInfo {
    MethodId id;
    MethodReceiver receiver;
    std::string_view name;
    int8_t minArgs;
    int8_t maxArgs;
    bool mutates;
    BuiltinResult result;
};

const BuiltinInfo& builtinInfo(BuiltinId id);
std::span<const BuiltinInfo> allBuiltins();
std::span<const MethodInfo> allMethods();
const MethodInfo& methodInfo(MethodId id);

/// A global builtin by bare name.
const BuiltinInfo* findGlobalBuiltin(std::string_view name);
/// A member of a module (`math`, `sqrt`).
const BuiltinInfo* findModuleMember(std::string_view module, std::string_view name);
/// A method by receiver kind and name.
const MethodInfo* findMethod(MethodReceiver receiver, std::string_view name);
/// Any method with this name on any receiver (for receivers of unknown type).
bool isAnyMethodName(std::string_view name);

/// The standard modules of the published examples. Importing one is accepted
/// even where it provides nothing yet.
std::span<const std::string_view> standardModules();
bool isStandardModule(std::string_view dotted);

/// The UI elements a render block may use besides screens.
std::span<const std::string_view> uiElements();
bool isUiElement(std::string_view name);

/// Names that would break determinism (wall clock, unseeded randomness) with
/// the advice shown when a program calls one; nullptr if `name` is not one.
const char* nondeterministicAdvice(std::string_view name);

} // namespace aeroflow::compiler
