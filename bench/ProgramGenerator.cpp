#include "ProgramGenerator.h"

#include <string_view>
#include <vector>

namespace aeroflow::bench {

namespace {

/// SplitMix64: tiny, deterministic, good enough to vary constants and shapes.
class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    /// Uniform in [lo, hi].
    int range(int lo, int hi) { return lo + int(next() % uint64_t(hi - lo + 1)); }

private:
    uint64_t m_state;
};

/// Lines of one unit, kept apart so a unit that would overshoot the requested
/// line count can be dropped whole.
class Lines {
public:
    template <class... Parts>
    void operator()(int indent, Parts&&... parts)
    {
        std::string& s = m_lines.emplace_back(size_t(indent) * 4, ' ');
        (append(s, std::forward<Parts>(parts)), ...);
    }
    void blank() { m_lines.emplace_back(); }
    size_t size() const { return m_lines.size(); }
    void appendTo(std::string& out) const
    {
        for (const std::string& l : m_lines) {
            out += l;
            out += '\n';
        }
    }

private:
    static void append(std::string& s, std::string_view p) { s += p; }
    static void append(std::string& s, const std::string& p) { s += p; }
    static void append(std::string& s, const char* p) { s += p; }
    static void append(std::string& s, int v) { s += std::to_string(v); }
    static void append(std::string& s, size_t v) { s += std::to_string(v); }
    std::vector<std::string> m_lines;
};

/// The random choices of one unit, drawn once and shared by both languages.
struct UnitShape {
    size_t index = 0;
    std::string id;      ///< suffix that keeps the unit's names distinct: "17"
    std::string actor;   ///< PascalCase actor name: "Counter17" / "Ledger17" / ...
    int mod = 3;         ///< modulus of the score loop's if-chain
    int bias = 1;        ///< constants sprinkled through the bodies
    int loopKind = 0;    ///< 0: for over range(), 1: for over a..b, 2: while
    int arms = 4;        ///< match arms in the label function (3..5)
    int threshold = 100; ///< counter threshold in the actor's handler
    int extraHandler = 0;///< 1: the actor also handles Scale<id>(factor)
    int argA = 5, argB = 2;
};

UnitShape drawShape(Rng& rng, size_t index)
{
    static constexpr std::string_view kActorStems[] = {"Counter", "Ledger", "Sensor", "Router", "Cache", "Worker"};
    UnitShape s;
    s.index = index;
    s.id = std::to_string(index);
    s.actor = std::string(kActorStems[rng.next() % std::size(kActorStems)]) + s.id;
    s.mod = rng.range(2, 7);
    s.bias = rng.range(1, 97);
    s.loopKind = rng.range(0, 2);
    s.arms = rng.range(3, 5);
    s.threshold = rng.range(50, 500);
    s.extraHandler = rng.range(0, 1);
    s.argA = rng.range(3, 12);
    s.argB = rng.range(1, 9);
    return s;
}

constexpr std::string_view kArmWords[] = {"zero", "one", "two", "three", "four"};

// ------------------------------------------------------------------ AeroFlow --

void aeroflowUnit(Lines& o, const UnitShape& u)
{
    const std::string& id = u.id;
    o(0, "# unit ", id, ": scoring, labels, collections and the ", u.actor, " actor");
    // Arithmetic, a loop and an if-chain.
    o(0, "pure fn score_", id, "(a: int, b: int) -> int {");
    o(1, "mut total = 0");
    if (u.loopKind == 0)
        o(1, "for i in range(a) {");
    else if (u.loopKind == 1)
        o(1, "for i in 0..a {");
    else {
        o(1, "mut i = 0");
        o(1, "while i < a {");
    }
    o(2, "if i % ", u.mod, " == 0 {");
    o(3, "total += i * b + ", u.bias);
    o(2, "} else if i % ", u.mod, " == 1 {");
    o(3, "total -= b");
    o(2, "} else {");
    o(3, "total = total + (a - i) / 2");
    o(2, "}");
    if (u.loopKind == 2)
        o(2, "i += 1");
    o(1, "}");
    o(1, "return total");
    o(0, "}");
    o.blank();
    // A match and string operations.
    o(0, "fn label_", id, "(n: int) -> string {");
    o(1, "let kind = match n % ", u.arms, " {");
    for (int a = 0; a + 1 < u.arms; ++a)
        o(2, a, " => \"", kArmWords[a], "\"");
    o(2, "_ => \"many\"");
    o(1, "}");
    o(1, "let text = kind + \"_\" + str(n)");
    o(1, "if text.len() > 8 and not text.starts_with(\"m\") {");
    o(2, "return text.upper()");
    o(1, "}");
    o(1, "return text.replace(\"_\", \"-\")");
    o(0, "}");
    o.blank();
    // A list built in a loop.
    o(0, "fn collect_", id, "(n: int) -> list[int] {");
    o(1, "mut xs: list[int] = []");
    o(1, "mut k = 0");
    o(1, "while k < n {");
    o(2, "xs.push(k * k + ", u.bias, ")");
    o(2, "k += 1");
    o(1, "}");
    o(1, "return xs");
    o(0, "}");
    o.blank();
    // A map of counts.
    o(0, "fn tally_", id, "(words: list[string]) -> map[string, int] {");
    o(1, "mut counts: map[string, int] = {}");
    o(1, "for w in words {");
    o(2, "let key = w.lower()");
    o(2, "if counts.has(key) {");
    o(3, "counts[key] = counts[key] + 1");
    o(2, "} else {");
    o(3, "counts[key] = 1");
    o(2, "}");
    o(1, "}");
    o(1, "return counts");
    o(0, "}");
    o.blank();
    // Floats and a module function.
    o(0, "fn mean_", id, "(values: list[int]) -> float {");
    o(1, "if values.len() == 0 {");
    o(2, "return 0.0");
    o(1, "}");
    o(1, "mut acc = 0.0");
    o(1, "for v in values {");
    o(2, "acc += float(v) * 1.5");
    o(1, "}");
    o(1, "return math.sqrt(acc / float(values.len()))");
    o(0, "}");
    o.blank();
    // An actor with state and handlers.
    o(0, "actor ", u.actor, " {");
    o(1, "state count: int = 0");
    o(1, "state history: list[int] = []");
    o(1, "state label: string = \"", u.actor, "\"");
    o(1, "on Add", id, "(n: int) {");
    o(2, "count += n");
    o(2, "history.push(count)");
    o(2, "if count > ", u.threshold, " {");
    o(3, "emit(count)");
    o(2, "}");
    o(1, "}");
    o(1, "on Reset {");
    o(2, "count = 0");
    o(2, "history = []");
    o(1, "}");
    o(1, "on Report", id, "(tag: string) {");
    o(2, "print(label + \":\" + tag + \"=\" + str(count))");
    o(1, "}");
    if (u.extraHandler) {
        o(1, "on Scale", id, "(factor: int) {");
        o(2, "for j in range(history.len()) {");
        o(3, "history[j] = history[j] * factor");
        o(2, "}");
        o(1, "}");
    }
    o(0, "}");
    o.blank();
    // Top-level code: spawn, sends, calls.
    o(0, "let ref_", id, " = spawn ", u.actor);
    o(0, "send(ref_", id, ", Add", id, "(score_", id, "(", u.argA, ", ", u.argB, ")))");
    o(0, "send(ref_", id, ", Report", id, "(label_", id, "(", u.bias, ")))");
    if (u.extraHandler)
        o(0, "send(ref_", id, ", Scale", id, "(", u.argB, "))");
    o(0, "let table_", id, " = tally_", id, "([\"a\", \"b\", \"A\", \"w", id, "\"])");
    o(0, "print(mean_", id, "(collect_", id, "(", u.argA, ")))");
    o.blank();
}

void aeroflowPad(Lines& o, size_t k) { o(0, "let pad_", k, " = ", int(k % 1000), " * 7 + 1"); }

// ----------------------------------------------------------------------- Lua --

void luaUnit(Lines& o, const UnitShape& u)
{
    const std::string& id = u.id;
    o(0, "-- unit ", id, ": scoring, labels, collections and the ", u.actor, " actor");
    o(0, "function M.score_", id, "(a, b)");
    o(1, "local total = 0");
    if (u.loopKind == 2) {
        o(1, "local i = 0");
        o(1, "while i < a do");
    } else {
        o(1, "for i = 0, a - 1 do");
    }
    o(2, "if i % ", u.mod, " == 0 then");
    o(3, "total = total + i * b + ", u.bias);
    o(2, "elseif i % ", u.mod, " == 1 then");
    o(3, "total = total - b");
    o(2, "else");
    o(3, "total = total + (a - i) // 2");
    o(2, "end");
    if (u.loopKind == 2)
        o(2, "i = i + 1");
    o(1, "end");
    o(1, "return total");
    o(0, "end");
    o.blank();
    // Lua has no match: the closest equivalent is an if-chain.
    o(0, "function M.label_", id, "(n)");
    o(1, "local kind");
    o(1, "local m = n % ", u.arms);
    for (int a = 0; a + 1 < u.arms; ++a) {
        o(1, a == 0 ? "if" : "elseif", " m == ", a, " then");
        o(2, "kind = \"", kArmWords[a], "\"");
    }
    o(1, "else");
    o(2, "kind = \"many\"");
    o(1, "end");
    o(1, "local text = kind .. \"_\" .. tostring(n)");
    o(1, "if #text > 8 and not (text:sub(1, 1) == \"m\") then");
    o(2, "return text:upper()");
    o(1, "end");
    o(1, "return (text:gsub(\"_\", \"-\"))");
    o(0, "end");
    o.blank();
    o(0, "function M.collect_", id, "(n)");
    o(1, "local xs = {}");
    o(1, "local k = 0");
    o(1, "while k < n do");
    o(2, "xs[#xs + 1] = k * k + ", u.bias);
    o(2, "k = k + 1");
    o(1, "end");
    o(1, "return xs");
    o(0, "end");
    o.blank();
    o(0, "function M.tally_", id, "(words)");
    o(1, "local counts = {}");
    o(1, "for _, w in ipairs(words) do");
    o(2, "local key = w:lower()");
    o(2, "if counts[key] ~= nil then");
    o(3, "counts[key] = counts[key] + 1");
    o(2, "else");
    o(3, "counts[key] = 1");
    o(2, "end");
    o(1, "end");
    o(1, "return counts");
    o(0, "end");
    o.blank();
    o(0, "function M.mean_", id, "(values)");
    o(1, "if #values == 0 then");
    o(2, "return 0.0");
    o(1, "end");
    o(1, "local acc = 0.0");
    o(1, "for _, v in ipairs(values) do");
    o(2, "acc = acc + v * 1.5");
    o(1, "end");
    o(1, "return math.sqrt(acc / #values)");
    o(0, "end");
    o.blank();
    // An actor is a table of handlers over a state table.
    o(0, "Actors.", u.actor, " = {}");
    o(0, "function Actors.", u.actor, ".init()");
    o(1, "return { count = 0, history = {}, label = \"", u.actor, "\" }");
    o(0, "end");
    o(0, "function Actors.", u.actor, ".Add", id, "(self, n)");
    o(1, "self.count = self.count + n");
    o(1, "table.insert(self.history, self.count)");
    o(1, "if self.count > ", u.threshold, " then");
    o(2, "emit(self, self.count)");
    o(1, "end");
    o(0, "end");
    o(0, "function Actors.", u.actor, ".Reset(self)");
    o(1, "self.count = 0");
    o(1, "self.history = {}");
    o(0, "end");
    o(0, "function Actors.", u.actor, ".Report", id, "(self, tag)");
    o(1, "print(self.label .. \":\" .. tag .. \"=\" .. tostring(self.count))");
    o(0, "end");
    if (u.extraHandler) {
        o(0, "function Actors.", u.actor, ".Scale", id, "(self, factor)");
        o(1, "for j = 1, #self.history do");
        o(2, "self.history[j] = self.history[j] * factor");
        o(1, "end");
        o(0, "end");
    }
    o.blank();
    o(0, "G.ref_", id, " = spawn(Actors.", u.actor, ")");
    o(0, "send(G.ref_", id, ", \"Add", id, "\", M.score_", id, "(", u.argA, ", ", u.argB, "))");
    o(0, "send(G.ref_", id, ", \"Report", id, "\", M.label_", id, "(", u.bias, "))");
    if (u.extraHandler)
        o(0, "send(G.ref_", id, ", \"Scale", id, "\", ", u.argB, ")");
    o(0, "G.table_", id, " = M.tally_", id, "({ \"a\", \"b\", \"A\", \"w", id, "\" })");
    o(0, "print(M.mean_", id, "(M.collect_", id, "(", u.argA, ")))");
    o.blank();
}

void luaPad(Lines& o, size_t k) { o(0, "G.pad_", k, " = ", int(k % 1000), " * 7 + 1"); }

} // namespace

std::string ProgramGenerator::generate(Language language, size_t lines) const
{
    const bool lua = language == Language::Lua;
    Lines header;
    if (lua) {
        header(0, "-- Generated by aeroflow-benchmark (Lua 5.4 peer): ", lines, " lines, seed ", size_t(m_seed), ".");
        // Top-level declarations live in tables: a Lua function may have at
        // most 200 locals, and a 100,000-line chunk declares thousands.
        header(0, "local M, G, Actors = {}, {}, {}");
        header(0, "local function spawn(actor) return { actor = actor, state = actor.init() } end");
        header(0, "local function send(ref, message, ...) return nil end");
        header(0, "local function emit(self, value) return nil end");
    } else {
        header(0, "# Generated by aeroflow-benchmark: ", lines, " lines, seed ", size_t(m_seed), ".");
        header(0, "import math");
    }
    header.blank();

    std::string out;
    out.reserve(lines * 32);
    size_t count = 0;
    if (header.size() <= lines) {
        header.appendTo(out);
        count = header.size();
    }
    Rng rng(m_seed);
    for (size_t index = 1;; ++index) {
        const UnitShape shape = drawShape(rng, index);
        Lines unit;
        if (lua)
            luaUnit(unit, shape);
        else
            aeroflowUnit(unit, shape);
        if (count + unit.size() > lines)
            break;
        unit.appendTo(out);
        count += unit.size();
    }
    Lines pad;
    for (size_t k = 1; count + pad.size() < lines; ++k) {
        if (lua)
            luaPad(pad, k);
        else
            aeroflowPad(pad, k);
    }
    pad.appendTo(out);
    return out;
}

} // namespace aeroflow::bench
