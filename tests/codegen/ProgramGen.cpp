#include "ProgramGen.h"

#include <vector>

namespace aeroflow::testing {

namespace {

class Gen {
public:
    explicit Gen(uint64_t seed) : m_state(seed * 0x9E3779B97F4A7C15ull + 0x1234567) {}

    std::string program();

private:
    uint64_t next()
    {
        // splitmix64
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % uint64_t(n)); }
    bool chance(int percent) { return below(100) < percent; }

    std::string intLiteral()
    {
        if (chance(4))
            return chance(50) ? "4611686018427387904" : "9223372036854775807"; // overflow within reach
        return std::to_string(below(41) - 20);
    }
    std::string intVar() { return m_vars[size_t(below(int(m_vars.size())))]; }
    std::string intExpr(int depth)
    {
        if (depth <= 0 || chance(35))
            return chance(60) ? intVar() : intLiteral();
        static const char* const ops[] = {"+", "-", "*", "/", "%", "+", "-"};
        const char* op = ops[below(7)];
        std::string rhs = intExpr(depth - 1);
        if ((op[0] == '/' || op[0] == '%') && chance(70))
            rhs = "(" + rhs + " % 5 + 7)"; // mostly non-zero divisors; the rest may be 0
        return "(" + intExpr(depth - 1) + " " + op + " " + rhs + ")";
    }
    std::string condition()
    {
        static const char* const cmp[] = {"<", "<=", ">", ">=", "==", "!="};
        return intExpr(1) + " " + cmp[below(6)] + " " + intExpr(1);
    }
    void line(const std::string& s) { m_out += std::string(size_t(m_indent) * 4, ' ') + s + "\n"; }

    void statements(int count, int depth);
    void statement(int depth);
    void function(int index);
    void actor(int index);
    void callbacks();

    uint64_t m_state;
    std::string m_out;
    int m_indent = 0;
    int m_loopVars = 0;
    int m_function = 0; ///< functions defined so far (callable from here)
    std::vector<std::string> m_vars;
};

void Gen::statement(int depth)
{
    switch (below(depth > 0 ? 12 : 7)) {
    case 0:
    case 1: line((chance(50) ? "x = " : "y = ") + intExpr(2)); break;
    case 2: line((chance(50) ? "x += " : "y -= ") + intExpr(1)); break;
    case 3: line("fl = fl * " + std::to_string(below(5)) + ".25 + float(" + intVar() + ")"); break;
    case 4: line("print(" + intExpr(1) + ", fl)"); break;
    case 5: line("s = s + str(" + intVar() + ")"); break;
    case 6:
        if (m_function > 0)
            line("x = f" + std::to_string(below(m_function)) + "(" + intExpr(1) + ", " + intExpr(1) + ")");
        else
            line("l = [x, y, " + intExpr(1) + "]");
        break;
    case 7:
        line("l = [x, y, " + intExpr(1) + "]");
        line("y = y + l[" + (chance(80) ? "(" + intExpr(1) + " % 3 + 3) % 3]" : intExpr(1) + "]"));
        break;
    case 8:
        line("if " + condition() + " {");
        ++m_indent;
        statements(1 + below(2), depth - 1);
        --m_indent;
        line("} else {");
        ++m_indent;
        statements(1 + below(2), depth - 1);
        --m_indent;
        line("}");
        break;
    case 9: {
        const std::string i = "i" + std::to_string(m_loopVars++);
        const bool endless = chance(3);
        line("mut " + i + " = 0");
        line("while " + (endless ? std::string("true") : i + " < " + std::to_string(1 + below(12))) + " {");
        ++m_indent;
        m_vars.push_back(i);
        statements(1 + below(2), depth - 1);
        m_vars.pop_back();
        line(i + " += 1");
        --m_indent;
        line("}");
        break;
    }
    case 10: {
        const std::string j = "j" + std::to_string(m_loopVars++);
        line("for " + j + " in " + std::to_string(below(3)) + ".." + std::to_string(2 + below(10)) + " {");
        ++m_indent;
        m_vars.push_back(j);
        statements(1 + below(2), depth - 1);
        m_vars.pop_back();
        --m_indent;
        line("}");
        break;
    }
    default:
        line("if " + condition() + " {");
        ++m_indent;
        statements(1, depth - 1);
        --m_indent;
        line("}");
        break;
    }
}

void Gen::statements(int count, int depth)
{
    for (int i = 0; i < count; ++i)
        statement(depth);
}

void Gen::function(int index)
{
    line("fn f" + std::to_string(index) + "(a: int, b: int) -> int {");
    ++m_indent;
    m_vars = {"a", "b", "x", "y"};
    line("mut x = a");
    line("mut y = b");
    line("mut fl = 0.5");
    line("mut s = \"s\"");
    line("mut l = [1, 2, 3]");
    statements(2 + below(5), 2);
    line("print(\"f" + std::to_string(index) + "\", x, y, s, len(l))");
    line("return x + y");
    --m_indent;
    line("}");
    m_function = index + 1;
}

void Gen::actor(int index)
{
    line("actor W" + std::to_string(index) + " {");
    ++m_indent;
    line("state acc = " + std::to_string(below(10)));
    line("on Go(n) {");
    ++m_indent;
    line("emit(n)");
    line("acc = acc + f" + std::to_string(below(m_function)) + "(n, acc)");
    line("print(\"W" + std::to_string(index) + "\", acc)");
    --m_indent;
    line("}");
    line("on Deep(n) {");
    ++m_indent;
    line("acc = acc + rec(n)");
    line("print(\"deep\", acc)");
    --m_indent;
    line("}");
    line("on Tick(n) {");
    ++m_indent;
    line("acc = (acc + n) % 1000");
    line("if n > 0 { send(self, Tick(n - 1)) }");
    --m_indent;
    line("}");
    --m_indent;
    line("}");
}

std::string Gen::program()
{
    line("fn rec(n: int) -> int {");
    line("    if n <= 0 { return 0 }");
    line("    return 1 + rec(n - 1)");
    line("}");
    line("fn getv() {");
    line("    return recv()");
    line("}");
    const int functions = 2 + below(4);
    for (int i = 0; i < functions; ++i)
        function(i);
    const int actors = 2 + below(3);
    for (int i = 0; i < actors; ++i)
        actor(i);
    // Main: each worker's first message emits before anything can fail, so
    // the recv()s never wait for a crashed worker.
    for (int i = 0; i < actors; ++i)
        line("let w" + std::to_string(i) + " = spawn(W" + std::to_string(i) + ")");
    for (int i = 0; i < actors; ++i)
        line("send(w" + std::to_string(i) + ", Go(" + std::to_string(below(30) - 5) + "))");
    for (int i = 0; i < actors; ++i) {
        const std::string w = "w" + std::to_string(i);
        if (chance(40))
            line("send(" + w + ", Deep(" + std::to_string(chance(50) ? 2100 + below(100) : below(50)) + "))");
        if (chance(50))
            line("send(" + w + ", Tick(" + std::to_string(below(20)) + "))");
        line("send(" + w + ", Go(" + std::to_string(below(100) - 50) + "))");
    }
    line("mut got = 0");
    for (int i = 0; i < actors; ++i)
        line(chance(50) ? "got = got + getv()" : "got = got + recv()");
    line("print(\"main\", got)");
    m_vars = {"got"};
    line("mut x = got");
    line("mut y = " + intLiteral());
    line("mut fl = 0.5");
    line("mut s = \"m\"");
    line("mut l = [1, 2, 3]");
    m_vars = {"x", "y", "got"};
    statements(1 + below(3), 1);
    line("print(\"end\", x, y, s)");
    // Last (so that the programs above stay as they were): functions that
    // builtins call, whose fuel, overflow and depth errors may strike inside
    // a lambda (the builtins re-enter the engine on the same fiber).
    callbacks();
    return m_out;
}

void Gen::callbacks()
{
    const int n = below(40);
    line("fn cb(a: int, b: int) -> int {");
    line("    let k = a % 7 + 1");
    line("    let xs = map(range(" + std::to_string(n) + "), fn(e) => e * k + b)");
    line("    let ys = xs.filter(fn(e) => e % k != " + std::to_string(below(3)) + ")");
    line(chance(50) ? "    let zs = sort(ys, fn(p, q) => q - p)" : "    let zs = ys.sort_by(fn(e) => -e)");
    line("    if " + std::string(chance(30) ? "a > 0" : "false") + " { return cb(a - 1, b) + len(zs) }");
    line("    return reduce(zs, 0, fn(acc, e) => acc + e * " + intLiteral() + ")");
    line("}");
    line("print(\"cb\", cb(" + std::to_string(chance(10) ? 2100 + below(100) : below(20)) + ", x), any([x, y], fn(v) => v > 0))");
}

/// generatePureProgram: the same random stream, another grammar.
class PureGen {
public:
    explicit PureGen(uint64_t seed) : m_state(seed * 0xD1B54A32D192ED03ull + 0x7654321) {}

    std::string program()
    {
        const int functions = 2 + below(4);
        for (int i = 0; i < functions; ++i)
            function(i, functions);
        const int actors = 2 + below(2);
        for (int k = 0; k < actors; ++k) {
            line("actor P" + std::to_string(k) + " {");
            line("    on Go(n, a, b) { print(\"P" + std::to_string(k) + "\", q" + std::to_string(below(functions)) +
                 "(n, a, b)) }");
            line("}");
        }
        for (int k = 0; k < actors; ++k)
            line("let p" + std::to_string(k) + " = spawn(P" + std::to_string(k) + ")");
        for (int m = 0; m < 10; ++m) {
            std::string n = std::to_string(below(14));
            if (chance(10))
                n = std::to_string(1990 + below(30)); // around the default depth limit
            line("send(p" + std::to_string(below(actors)) + ", Go(" + n + ", " + argument() + ", " + argument() + "))");
        }
        return m_out;
    }

private:
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % uint64_t(n)); }
    bool chance(int percent) { return below(100) < percent; }
    void line(const std::string& s) { m_out += std::string(size_t(m_indent) * 4, ' ') + s + "\n"; }

    std::string argument()
    {
        const int r = below(100);
        if (r < 55)
            return std::to_string(below(41) - 20);
        if (r < 80)
            return std::to_string(below(9) - 4) + "." + std::to_string(below(100));
        static const char* const odd[] = {"true", "false", "nil", "\"s\"", "[1]", "9223372036854775807", "-0.0"};
        return odd[below(7)];
    }
    std::string literal()
    {
        const int r = below(100);
        if (r < 5)
            return chance(50) ? "4611686018427387904" : "9223372036854775807";
        if (r < 25)
            return std::to_string(below(7)) + ".5";
        return std::to_string(below(21) - 10);
    }
    std::string var() { return m_vars[size_t(below(int(m_vars.size())))]; }
    std::string expr(int depth)
    {
        if (depth <= 0 || chance(35))
            return chance(60) ? var() : literal();
        static const char* const ops[] = {"+", "-", "*", "/", "%", "+", "-", "*"};
        const char* op = ops[below(8)];
        std::string rhs = expr(depth - 1);
        if ((op[0] == '/' || op[0] == '%') && chance(70))
            rhs = "(" + rhs + " % 5 + 7)";
        if (chance(5))
            return "-(" + expr(depth - 1) + ")";
        return "(" + expr(depth - 1) + " " + op + " " + rhs + ")";
    }
    std::string condition()
    {
        static const char* const cmp[] = {"<", "<=", ">", ">=", "==", "!="};
        std::string c = expr(1) + " " + cmp[below(6)] + " " + expr(1);
        return chance(10) ? "not (" + c + ")" : c;
    }
    void statements(int count, int depth)
    {
        for (int i = 0; i < count; ++i)
            statement(depth);
    }
    void statement(int depth)
    {
        switch (below(depth > 0 ? 8 : 4)) {
        case 0:
        case 1: line((chance(50) ? "x = " : "y = ") + expr(2)); break;
        case 2:
            if (m_function > 0) // an earlier function, shallow
                line("x = q" + std::to_string(below(m_function)) + "(n % 4, " + expr(1) + ", " + expr(1) + ")");
            else
                line("y = y + n");
            break;
        case 3: line("t = " + condition()); break;
        case 4:
        case 5:
            line("if " + (chance(20) ? std::string("t") : condition()) + " {");
            ++m_indent;
            statements(1 + below(2), depth - 1);
            --m_indent;
            line("} else {");
            ++m_indent;
            statements(1, depth - 1);
            --m_indent;
            line("}");
            break;
        case 6: {
            const std::string i = "i" + std::to_string(m_loopVars++);
            line("mut " + i + " = 0");
            line("while " + i + " < " + std::to_string(1 + below(10)) + " {");
            ++m_indent;
            m_vars.push_back(i);
            statements(1 + below(2), depth - 1);
            m_vars.pop_back();
            line(i + " += 1");
            --m_indent;
            line("}");
            break;
        }
        default: {
            const std::string j = "j" + std::to_string(m_loopVars++);
            line("for " + j + " in " + std::to_string(below(3)) + ".." + std::to_string(2 + below(10)) + " {");
            ++m_indent;
            m_vars.push_back(j);
            statements(1 + below(2), depth - 1);
            m_vars.pop_back();
            --m_indent;
            line("}");
            break;
        }
        }
    }
    void function(int index, int count)
    {
        (void)count;
        line("fn q" + std::to_string(index) + "(n: int, a, b) {");
        ++m_indent;
        m_vars = {"a", "b", "x", "y", "n"};
        line("mut x = a");
        line("mut y = b");
        line("mut t = false");
        statements(2 + below(4), 2);
        // Self-recursion, one call per level: depth n.
        line("if n > 0 { y = q" + std::to_string(index) + "(n - 1, " + expr(1) + ", y) }");
        static const char* const results[] = {"x + y", "x", "y", "x < y", "t", "x * 2 - y"};
        line("return " + std::string(results[below(6)]));
        --m_indent;
        line("}");
        m_function = index + 1;
    }

    uint64_t m_state;
    std::string m_out;
    int m_indent = 0;
    int m_loopVars = 0;
    int m_function = 0;
    std::vector<std::string> m_vars;
};

} // namespace

std::string generateProgram(uint64_t seed)
{
    return Gen(seed).program();
}

std::string generatePureProgram(uint64_t seed)
{
    return PureGen(seed).program();
}

} // namespace aeroflow::testing
