#include "Builtins.h"

#include <array>

namespace aeroflow::compiler {

namespace {

constexpr BuiltinInfo kBuiltins[] = {
#define AEROFLOW_B_GLOBAL(id, name, mn, mx, eff, res)                                        \
    {BuiltinId::id, "", name, mn, mx, BuiltinEffect::eff, BuiltinResult::res},
    AEROFLOW_GLOBAL_BUILTINS(AEROFLOW_B_GLOBAL)
#undef AEROFLOW_B_GLOBAL
#define AEROFLOW_B_MODULE(id, mod, name, mn, mx, eff, res)                                   \
    {BuiltinId::id, mod, name, mn, mx, BuiltinEffect::eff, BuiltinResult::res},
    AEROFLOW_MODULE_BUILTINS(AEROFLOW_B_MODULE)
#undef AEROFLOW_B_MODULE
};
static_assert(std::size(kBuiltins) == size_t(BuiltinId::Count));

constexpr MethodInfo kMethods[] = {
#define AEROFLOW_M_INFO(id, recv, name, mn, mx, mut, res)                                    \
    {MethodId::id, MethodReceiver::recv, name, mn, mx, mut, BuiltinResult::res},
    AEROFLOW_METHODS(AEROFLOW_M_INFO)
#undef AEROFLOW_M_INFO
};
static_assert(std::size(kMethods) == size_t(MethodId::Count));

constexpr std::string_view kModules[] = {
    "math", "string", "list", "json", "http", "crypto", "ai", "ai.tensor", "ai.model", "ui.core", "net.http",
    "net.ws", "fs",
};

constexpr std::string_view kUiElements[] = {
    "Text", "Input", "Button", "Column", "Row", "Image", "Checkbox", "List", "Spacer",
};

struct Advice {
    std::string_view name;
    const char* text;
};
constexpr Advice kNondeterministic[] = {
    {"clock", "reads the wall clock; use `time` (logical time), or `now()` in code that declares `uses clock` (the reading is recorded, so replays match)"},
    {"wall_time", "reads the wall clock; use `time` (logical time), or `now()` in code that declares `uses clock` (the reading is recorded, so replays match)"},
    {"time_now", "reads the wall clock; use `time` (logical time), or `now()` in code that declares `uses clock` (the reading is recorded, so replays match)"},
    {"sleep", "waits on the wall clock; use `after(ticks, actor, message)` for a logical timer or `after_ms(ms, actor, message)` for a real-time one"},
    {"rand", "is unseeded randomness; use `random()`, the engine's seeded per-actor stream"},
    {"srand", "seeds randomness from outside the run; the seed is given with `aeroflow run --seed N`"},
    {"system_random", "is unseeded randomness; use `random()`, the engine's seeded per-actor stream"},
};

} // namespace

const BuiltinInfo& builtinInfo(BuiltinId id) { return kBuiltins[size_t(id)]; }
std::span<const BuiltinInfo> allBuiltins() { return kBuiltins; }
std::span<const MethodInfo> allMethods() { return kMethods; }
const MethodInfo& methodInfo(MethodId id) { return kMethods[size_t(id)]; }

const BuiltinInfo* findGlobalBuiltin(std::string_view name)
{
    for (const auto& b : kBuiltins)
        if (b.module.empty() && b.name == name)
            return &b;
    return nullptr;
}

const BuiltinInfo* findModuleMember(std::string_view module, std::string_view name)
{
    for (const auto& b : kBuiltins)
        if (b.module == module && b.name == name)
            return &b;
    return nullptr;
}

const MethodInfo* findMethod(MethodReceiver receiver, std::string_view name)
{
    for (const auto& m : kMethods)
        if (m.receiver == receiver && m.name == name)
            return &m;
    return nullptr;
}

bool isAnyMethodName(std::string_view name)
{
    for (const auto& m : kMethods)
        if (m.name == name)
            return true;
    return false;
}

Callback callbackOf(BuiltinId id)
{
    switch (id) {
    case BuiltinId::Map: return Callback::Map;
    case BuiltinId::Filter: return Callback::Filter;
    case BuiltinId::Reduce: return Callback::Reduce;
    case BuiltinId::AnyOf: return Callback::Any;
    case BuiltinId::AllOf: return Callback::All;
    case BuiltinId::Sort:
    case BuiltinId::ListSort: return Callback::Sort;
    case BuiltinId::SortBy: return Callback::SortBy;
    default: return Callback::None;
    }
}

Callback callbackOf(MethodId id)
{
    switch (id) {
    case MethodId::ListMap: return Callback::Map;
    case MethodId::ListFilter: return Callback::Filter;
    case MethodId::ListReduce: return Callback::Reduce;
    case MethodId::ListAny: return Callback::Any;
    case MethodId::ListAll: return Callback::All;
    case MethodId::ListSort: return Callback::Sort;
    case MethodId::ListSortBy: return Callback::SortBy;
    default: return Callback::None;
    }
}

std::string_view callbackName(Callback c)
{
    switch (c) {
    case Callback::None: return "";
    case Callback::Map: return "map";
    case Callback::Filter: return "filter";
    case Callback::Reduce: return "reduce";
    case Callback::Any: return "any";
    case Callback::All: return "all";
    case Callback::Sort: return "sort";
    case Callback::SortBy: return "sort_by";
    }
    return "";
}

int callbackArity(Callback c) { return c == Callback::Reduce || c == Callback::Sort ? 2 : 1; }

std::span<const std::string_view> standardModules() { return kModules; }

bool isStandardModule(std::string_view dotted)
{
    for (auto m : kModules)
        if (m == dotted)
            return true;
    return false;
}

std::span<const std::string_view> uiElements() { return kUiElements; }

bool isUiElement(std::string_view name)
{
    for (auto e : kUiElements)
        if (e == name)
            return true;
    return false;
}

const char* nondeterministicAdvice(std::string_view name)
{
    for (const auto& a : kNondeterministic)
        if (a.name == name)
            return a.text;
    return nullptr;
}

} // namespace aeroflow::compiler
