// Lowering: checked AST → Program (register bytecode, line table, actor and
// handler tables), the opcode table, the verifier and the disassembler.

#include "Builtins.h"
#include "Compiler.h"
#include "Disassembler.h"
#include "Program.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

#include <string>

using namespace aeroflow::compiler;

namespace {

std::shared_ptr<const Program> compileOk(const std::string& text)
{
    CompileResult r = compile("test.aefl", text);
    if (!r.ok() || !r.program) {
        qWarning("%s", r.formatDiagnostics().c_str());
        return nullptr;
    }
    return r.program;
}

const Function* fn(const Program& p, std::string_view name)
{
    const int32_t i = p.findFunction(name);
    return i < 0 ? nullptr : &p.functions[size_t(i)];
}

int countOp(const Function& f, Op op)
{
    int n = 0;
    for (const Instr& in : f.code)
        n += in.op == op;
    return n;
}

int firstOp(const Function& f, Op op, int from = 0)
{
    for (int pc = from; pc < int(f.code.size()); ++pc)
        if (f.code[size_t(pc)].op == op)
            return pc;
    return -1;
}

int64_t jumpTarget(const Function& f, int pc) { return int64_t(pc) + 1 + f.code[size_t(pc)].sbc(); }

std::string opSequence(const Function& f)
{
    std::string s;
    for (const Instr& in : f.code)
        s += (s.empty() ? "" : " ") + std::string(opName(in.op));
    return s;
}

const LocalVar* local(const Function& f, std::string_view name)
{
    for (const LocalVar& v : f.locals)
        if (v.name == name)
            return &v;
    return nullptr;
}

// Invariants every lowered program must satisfy, checked here without the
// verifier so that the verifier itself is not the only judge.
QString structuralProblem(const Program& p)
{
    for (uint32_t i = 0; i < p.functions.size(); ++i) {
        const Function& f = p.functions[i];
        const QString who = QString::fromStdString(f.name);
        if (f.code.empty())
            return who + ": no code";
        if (f.code.back().op != Op::RETURN && f.code.back().op != Op::RETURNNIL)
            return who + ": does not end with a return";
        if (f.numRegs < f.arity)
            return who + ": fewer registers than parameters";
        if (f.lines.empty() || f.lines.front().pc != 0)
            return who + ": line table does not start at pc 0";
        for (int pc = 0; pc < int(f.code.size()); ++pc) {
            const Instr& in = f.code[size_t(pc)];
            if (isJump(in.op) && (jumpTarget(f, pc) < 0 || jumpTarget(f, pc) >= int64_t(f.code.size())))
                return who + QString(": jump at %1 leaves the function").arg(pc);
            const OperandKinds k = operandKinds(opFormat(in.op));
            if (k.a == OperandKind::Reg && in.a >= f.numRegs)
                return who + QString(": register A out of range at %1").arg(pc);
            if (k.b == OperandKind::Reg && in.b >= f.numRegs)
                return who + QString(": register B out of range at %1").arg(pc);
            if (k.c == OperandKind::Reg && in.c >= f.numRegs)
                return who + QString(": register C out of range at %1").arg(pc);
        }
    }
    for (const std::string& problem : verifyProgram(p))
        return QString::fromStdString(problem);
    return {};
}

} // namespace

#define COMPILE(var, text)                                                                                    \
    const std::shared_ptr<const Program> var = compileOk(text);                                              \
    QVERIFY(var);                                                                                             \
    QCOMPARE(structuralProblem(*var), QString())

class TstLowering : public QObject {
    Q_OBJECT

private slots:
    // ------------------------------------------------------------- the data
    void instrLayout()
    {
        QCOMPARE(sizeof(Instr), size_t(8));
        Instr in;
        in.setSbc(-5);
        QCOMPARE(in.sbc(), -5);
        in.setBc(0x12345678u);
        QCOMPARE(in.b, uint16_t(0x5678));
        QCOMPARE(in.c, uint16_t(0x1234));
        QCOMPARE(in.bc(), 0x12345678u);
        in.c = uint16_t(int16_t(-3));
        QCOMPARE(in.sc(), int16_t(-3));
    }

    void opcodeTable()
    {
        QCOMPARE(std::string(opName(Op::LOADK)), std::string("LOADK"));
        QCOMPARE(std::string(opName(Op::UINODE)), std::string("UINODE"));
        QCOMPARE(operandKinds(opFormat(Op::LOADK)).b, OperandKind::ConstX);
        QCOMPARE(operandKinds(opFormat(Op::CALLBUILTIN)).b, OperandKind::Builtin);
        QVERIFY(isJump(Op::JMP) && isJump(Op::JMPIFNOT) && isJump(Op::FORLOOP) && isJump(Op::ITERNEXT));
        QVERIFY(!isJump(Op::ADD) && !isJump(Op::CALL));
        for (int i = 0; i < int(Op::Count); ++i) {
            QVERIFY(std::string(opName(Op(i))).size() >= 2);
            QVERIFY2(std::string(opEffect(Op(i))).size() > 3, opName(Op(i)));
        }
    }

    void fnv1a()
    {
        QCOMPARE(fnv1a64(""), 0xcbf29ce484222325ull);
        QCOMPARE(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
        QCOMPARE(fnv1a64("foobar"), 0x85944171f73967e8ull);
    }

    void emptyProgram()
    {
        COMPILE(p, "");
        QCOMPARE(p->functions.size(), size_t(1));
        QCOMPARE(p->mainFunction, 0u);
        const Function& main = p->functions[0];
        QCOMPARE(main.kind, FunctionKind::Main);
        QCOMPARE(main.name, std::string("main"));
        QCOMPARE(main.code.size(), size_t(1));
        QCOMPARE(main.code[0].op, Op::RETURNNIL);
        QCOMPARE(p->sourceName, std::string("test.aefl"));
        QCOMPARE(p->programHash, fnv1a64(""));
    }

    void programHashFollowsText()
    {
        const std::string a = "let x = 1\n";
        const std::string b = "let x = 2\n";
        COMPILE(pa, a);
        COMPILE(pb, b);
        QCOMPARE(pa->programHash, fnv1a64(a));
        QVERIFY(pa->programHash != pb->programHash);
    }

    void programIsSelfContainedValue()
    {
        COMPILE(p, "let s = \"hello\"\nprint(s)\n");
        // The arena of the compilation is gone; the program must still be whole.
        Program copy = *p;
        QCOMPARE(disassemble(copy), disassemble(*p));
        Program moved = std::move(copy);
        QCOMPARE(moved.functions[0].constants[0].s, std::string("hello"));
    }

    // ------------------------------------------------- constants, globals
    void globalsAndConstants()
    {
        COMPILE(p, "let x = 10\nmut y = \"hi\"\ny = \"hi\"\nprint(\"hi\", x)\n");
        QCOMPARE(p->globals.size(), size_t(2));
        QCOMPARE(p->globals[0].name, std::string("x"));
        QVERIFY(!p->globals[0].isMutable);
        QCOMPARE(p->globals[1].name, std::string("y"));
        QVERIFY(p->globals[1].isMutable);
        const Function& main = p->functions[0];
        QCOMPARE(countOp(main, Op::SETGLOBAL), 3);
        QVERIFY(countOp(main, Op::GETGLOBAL) >= 1);
        int his = 0;
        for (const Constant& k : main.constants)
            his += k.kind == Constant::Kind::String && k.s == "hi";
        QCOMPARE(his, 1); // deduplicated
    }

    void intLiterals()
    {
        COMPILE(p, "let a = 5000000000\nlet b = -7\nlet c = -9223372036854775808\nlet d = 2.5\n");
        const Function& main = p->functions[0];
        const int k = firstOp(main, Op::LOADK);
        QVERIFY(k >= 0);
        const Constant& big = main.constants[main.code[size_t(k)].bc()];
        QCOMPARE(big.kind, Constant::Kind::Int);
        QCOMPARE(big.i, int64_t(5000000000));
        const int li = firstOp(main, Op::LOADI);
        QVERIFY(li >= 0);
        QCOMPARE(main.code[size_t(li)].sbc(), -7);
        bool sawMin = false, sawFloat = false;
        for (const Constant& c : main.constants) {
            sawMin = sawMin || (c.kind == Constant::Kind::Int && c.i == INT64_MIN);
            sawFloat = sawFloat || (c.kind == Constant::Kind::Float && c.f == 2.5);
        }
        QVERIFY(sawMin);
        QVERIFY(sawFloat);
    }

    // --------------------------------------------------- registers, locals
    void paramsAndLocals()
    {
        COMPILE(p, "fn add(a, b) {\n    let c = a + b\n    return c\n}\nprint(add(1, 2))\n");
        const Function* f = fn(*p, "add");
        QVERIFY(f);
        QCOMPARE(f->kind, FunctionKind::Function);
        QCOMPARE(f->arity, 2u);
        QCOMPARE(f->numRegs, 3u);
        QCOMPARE(local(*f, "a")->reg, uint16_t(0));
        QCOMPARE(local(*f, "b")->reg, uint16_t(1));
        QCOMPARE(local(*f, "c")->reg, uint16_t(2));
        QCOMPARE(f->code[0].op, Op::ADD);
        QCOMPARE(f->code[0].a, uint16_t(2));
        QCOMPARE(f->code[0].b, uint16_t(0));
        QCOMPARE(f->code[0].c, uint16_t(1));
        QCOMPARE(f->code[1].op, Op::RETURN);
        QCOMPARE(f->code[1].a, uint16_t(2));
        // The direct call passes its arguments in a window and names the function.
        const Function& main = p->functions[0];
        const int call = firstOp(main, Op::CALL);
        QVERIFY(call >= 0);
        QCOMPARE(int32_t(main.code[size_t(call)].bc()), p->findFunction("add"));
    }

    void scopedRegisterReuse()
    {
        COMPILE(p, "fn f(n) {\n    if n > 0 { let a = n * 2\n print(a) }\n    if n < 0 { let b = n * 3\n print(b) }\n}\n");
        const Function* f = fn(*p, "f");
        QVERIFY(f);
        QVERIFY(local(*f, "a") && local(*f, "b"));
        QCOMPARE(local(*f, "a")->reg, local(*f, "b")->reg);
        QVERIFY(local(*f, "a")->endPc <= local(*f, "b")->startPc);
        QVERIFY(f->numRegs <= 4);
    }

    void immediateAdd()
    {
        COMPILE(p, "fn g(x) { return x + 1 }\nfn h(x: int) { return x - 3 }\nfn k(x) { return x + 100000 }\n"
                   "fn u(x) { return x - 3 }\nfn z(x: float) { return x - 0 }\nprint(g(1), h(1), k(1), u(1), z(1.0))\n");
        const Function* g = fn(*p, "g");
        const Function* h = fn(*p, "h");
        const Function* k = fn(*p, "k");
        const Function* u = fn(*p, "u");
        QCOMPARE(g->code[0].op, Op::ADDI);
        QCOMPARE(g->code[0].sc(), int16_t(1));
        QCOMPARE(h->code[0].op, Op::ADDI);
        QCOMPARE(h->code[0].sc(), int16_t(-3));
        // x may be a string, and ADD concatenates: `x - 3` must stay a SUB.
        QCOMPARE(countOp(*u, Op::ADDI), 0);
        QCOMPARE(countOp(*u, Op::SUB), 1);
        // Nor `x - 0`: -0.0 - 0 keeps its sign, -0.0 + 0 would not.
        QCOMPARE(countOp(*fn(*p, "z"), Op::ADDI), 0);
        QCOMPARE(countOp(*k, Op::ADDI), 0);
        QCOMPARE(countOp(*k, Op::ADD), 1);
    }

    void expressionChainsReuseOneRegister()
    {
        COMPILE(p, "fn cat(a, b, c, d) { return a + \"-\" + b + \"-\" + c + \"-\" + d }\nprint(cat(1, 2, 3, 4))\n");
        const Function* f = fn(*p, "cat");
        // 4 parameters, the running result and one operand temporary.
        QVERIFY2(f->numRegs <= 6, std::to_string(f->numRegs).c_str());
        QCOMPARE(countOp(*f, Op::MOVE), 0);
    }

    // ------------------------------------------------------------ lines
    void lineTable()
    {
        COMPILE(p, "let a = 1\n\nlet b = a / 0\nprint(b)\n");
        const Function& main = p->functions[0];
        const int div = firstOp(main, Op::DIV);
        QVERIFY(div >= 0);
        const LineCol pos = main.positionAt(uint32_t(div));
        QCOMPARE(pos.line, 3u);
        QCOMPARE(pos.col, 11u); // the operator: runtime errors point at it
        QCOMPARE(main.positionAt(0).line, 1u);
        const int print = firstOp(main, Op::CALLBUILTIN);
        QCOMPARE(main.positionAt(uint32_t(print)).line, 4u);
        QCOMPARE(main.positionAt(100000).line, main.lines.back().line);
        for (size_t i = 1; i < main.lines.size(); ++i)
            QVERIFY(main.lines[i].pc > main.lines[i - 1].pc);
    }

    void functionPositions()
    {
        COMPILE(p, "\n\nfn twice(x) {\n    return x * 2\n}\nprint(twice(2))\n");
        const Function* f = fn(*p, "twice");
        QCOMPARE(f->position.line, 3u);
        QCOMPARE(f->position.col, 4u);
        QCOMPARE(f->positionAt(0).line, 4u);
    }

    // ------------------------------------------------------ control flow
    void intForLoopFastPath()
    {
        COMPILE(p, "for i in range(0, 10) { print(i) }\nfor j in 0..3 { print(j) }\nfor k in range(5) { print(k) }\n"
                   "for m in range(10, 0, -2) { print(m) }\n");
        const Function& main = p->functions[0];
        QCOMPARE(countOp(main, Op::FORPREP), 4);
        QCOMPARE(countOp(main, Op::FORLOOP), 4);
        QCOMPARE(countOp(main, Op::ITERPREP), 0);
        for (int pc = 0; pc < int(main.code.size()); ++pc) {
            const Instr& in = main.code[size_t(pc)];
            QVERIFY(!(in.op == Op::CALLBUILTIN && in.b == uint16_t(BuiltinId::Range)));
            if (in.op == Op::FORPREP) {
                // Skips past its FORLOOP, which jumps back to the body right after FORPREP.
                const int64_t past = jumpTarget(main, pc);
                QCOMPARE(main.code[size_t(past - 1)].op, Op::FORLOOP);
                QCOMPARE(jumpTarget(main, int(past - 1)), int64_t(pc + 1));
                QCOMPARE(main.code[size_t(past - 1)].a, in.a);
            }
        }
        // The loop variable is the fourth register of the loop.
        const int prep = firstOp(main, Op::FORPREP);
        QCOMPARE(local(main, "i")->reg, uint16_t(main.code[size_t(prep)].a + 3));
    }

    void rangeAsValue()
    {
        COMPILE(p, "let r = 0..5\nprint(r)\n");
        const Function& main = p->functions[0];
        const int call = firstOp(main, Op::CALLBUILTIN);
        QCOMPARE(main.code[size_t(call)].b, uint16_t(BuiltinId::Range));
        QCOMPARE(main.code[size_t(call)].c, uint16_t(2));
    }

    void genericForLoop()
    {
        COMPILE(p, "let xs = [1, 2, 3]\nfor x in xs { print(x) }\nlet m = {a: 1}\nfor k in m { print(k) }\n");
        const Function& main = p->functions[0];
        QCOMPARE(countOp(main, Op::ITERPREP), 2);
        QCOMPARE(countOp(main, Op::FORPREP), 0);
        const int prep = firstOp(main, Op::ITERPREP);
        const int64_t next = jumpTarget(main, prep);
        QCOMPARE(main.code[size_t(next)].op, Op::ITERNEXT);
        QCOMPARE(jumpTarget(main, int(next)), int64_t(prep + 1));
        QCOMPARE(local(main, "x")->reg, uint16_t(main.code[size_t(prep)].a + 2));
    }

    void breakAndContinue()
    {
        COMPILE(p, "for i in 0..10 {\n    if i == 2 { continue }\n    if i == 5 { break }\n    print(i)\n}\n");
        const Function& main = p->functions[0];
        const int loop = firstOp(main, Op::FORLOOP);
        QVERIFY(loop > 0);
        bool toLoop = false, pastLoop = false;
        for (int pc = 0; pc < loop; ++pc) {
            if (main.code[size_t(pc)].op != Op::JMP)
                continue;
            toLoop = toLoop || jumpTarget(main, pc) == loop;
            pastLoop = pastLoop || jumpTarget(main, pc) == loop + 1;
        }
        QVERIFY(toLoop);   // continue
        QVERIFY(pastLoop); // break
    }

    void whileLoop()
    {
        COMPILE(p, "mut y = 0\nwhile y < 10 {\n    y = y + 1\n    if y == 7 { break }\n    if y == 3 { continue }\n}\n");
        const Function& main = p->functions[0];
        const int head = firstOp(main, Op::LT) - 2; // GETGLOBAL y, LOADI 10, LT
        QCOMPARE(main.code[size_t(head)].op, Op::GETGLOBAL);
        int backEdges = 0;
        for (int pc = 0; pc < int(main.code.size()); ++pc)
            if (main.code[size_t(pc)].op == Op::JMP && jumpTarget(main, pc) == head)
                ++backEdges;
        QCOMPARE(backEdges, 2); // the loop's own and `continue`
    }

    void shortCircuit()
    {
        COMPILE(p, "fn f(a, b) { return a and b }\nfn g(a, b) { return a or b }\n"
                   "fn h(a, b) { if a and not b { return 1 } return 2 }\nprint(f(true, false), g(true, false), h(true, false))\n");
        QCOMPARE(countOp(*fn(*p, "f"), Op::JMPIFNOT), 1);
        QCOMPARE(countOp(*fn(*p, "g"), Op::JMPIF), 1);
        const Function* h = fn(*p, "h");
        QCOMPARE(countOp(*h, Op::NOT), 0); // `not` folds into the jump sense
        QCOMPARE(countOp(*h, Op::JMPIFNOT), 1);
        QCOMPARE(countOp(*h, Op::JMPIF), 1);
    }

    void ifElseChain()
    {
        COMPILE(p, "fn sign(n) {\n    if n < 0 { return -1 } else if n == 0 { return 0 } else { return 1 }\n}\nprint(sign(3))\n");
        const Function* f = fn(*p, "sign");
        QCOMPARE(countOp(*f, Op::RETURN), 3);
        QCOMPARE(countOp(*f, Op::JMPIFNOT), 2);
    }

    // ------------------------------------------------------------ actors
    void actorTables()
    {
        COMPILE(p, "actor Counter {\n    state count = 0\n    state label: string\n"
                   "    on Increment { count = count + 1; emit(count) }\n    on Add(n) { count += n }\n}\n"
                   "let c = spawn(Counter)\nsend(c, Increment)\nsend(c, Add(5))\nafter(3, c, Increment)\n");
        QCOMPARE(p->actors.size(), size_t(1));
        const ActorType& a = p->actors[0];
        QCOMPARE(a.name, std::string("Counter"));
        QCOMPARE(a.kind, ActorType::Kind::Actor);
        QCOMPARE(a.stateFields, (std::vector<std::string>{"count", "label"}));
        QCOMPARE(a.renderFunction, -1);
        QCOMPARE(a.handlers.size(), size_t(2));
        const int32_t inc = p->findMessage("Increment");
        const int32_t add = p->findMessage("Add");
        QVERIFY(inc >= 0 && add >= 0);
        QCOMPARE(p->messages[size_t(add)].arity, 1u);
        QCOMPARE(a.handlerFor(uint32_t(inc)), p->findFunction("Counter.on Increment"));
        QCOMPARE(a.handlerFor(uint32_t(add)), p->findFunction("Counter.on Add"));
        QCOMPARE(a.handlerFor(999), -1);

        const Function& onAdd = p->functions[size_t(a.handlerFor(uint32_t(add)))];
        QCOMPARE(onAdd.kind, FunctionKind::Handler);
        QCOMPARE(onAdd.actor, 0);
        QCOMPARE(onAdd.arity, 1u);
        QCOMPARE(countOp(onAdd, Op::GETSTATE), 1);
        QCOMPARE(countOp(onAdd, Op::SETSTATE), 1);

        // The init function sets every field in order; a field without initialiser is nil.
        const Function& init = p->functions[a.initFunction];
        QCOMPARE(init.kind, FunctionKind::Init);
        QCOMPARE(init.actor, 0);
        QCOMPARE(countOp(init, Op::SETSTATE), 2);
        QCOMPARE(countOp(init, Op::LOADNIL), 1);
        const int first = firstOp(init, Op::SETSTATE);
        QCOMPARE(init.code[size_t(first)].bc(), 0u);
        QCOMPARE(init.code[size_t(firstOp(init, Op::SETSTATE, first + 1))].bc(), 1u);
    }

    void spawnAndMessages()
    {
        COMPILE(p, "actor Counter {\n    on Increment { }\n    on Add(n) { }\n    on Forward(to) { send(to, Increment) }\n}\n"
                   "let c = spawn Counter\nsend(c, Add(5))\nsend(c, Increment)\n");
        const Function& main = p->functions[0];
        const int spawn = firstOp(main, Op::SPAWN);
        QVERIFY(spawn >= 0);
        QCOMPARE(main.code[size_t(spawn)].bc(), 0u);
        int msgs = 0;
        for (const Instr& in : main.code) {
            if (in.op == Op::MSG) {
                ++msgs;
                QCOMPARE(int32_t(in.c), int32_t(p->messages[in.b].arity));
            }
            if (in.op == Op::CALLBUILTIN)
                QCOMPARE(in.b, uint16_t(BuiltinId::Send));
        }
        QCOMPARE(msgs, 2);
        QVERIFY(countOp(*fn(*p, "Counter.on Forward"), Op::MSG) == 1);
    }

    void selfAndTime()
    {
        COMPILE(p, "actor A {\n    on Ping { send(self, Pong); print(time) }\n    on Pong { }\n}\nlet a = spawn(A)\n");
        const Function* f = fn(*p, "A.on Ping");
        QCOMPARE(countOp(*f, Op::SELF), 1);
        QCOMPARE(countOp(*f, Op::TIME), 1);
    }

    void compoundAssignToState()
    {
        COMPILE(p, "actor C {\n    state n = 0\n    on Bump(k) { n += k * 2 }\n}\nlet c = spawn(C)\n");
        const Function* f = fn(*p, "C.on Bump");
        const int get = firstOp(*f, Op::GETSTATE);
        const int add = firstOp(*f, Op::ADD);
        const int set = firstOp(*f, Op::SETSTATE);
        QVERIFY(get >= 0 && get < add && add < set);
        QCOMPARE(f->code[size_t(set)].a, f->code[size_t(add)].a);
    }

    // ------------------------------------------------- places, mutation
    void mutatingMethodWritesBack()
    {
        COMPILE(p, "mut xs = [1]\nxs.push(2)\nlet v = xs.pop()\n"
                   "actor Bag {\n    state items = []\n    on Put(x) { items.push(x) }\n}\n"
                   "fn build() {\n    mut ys = []\n    ys.push(1)\n    return ys\n}\nprint(build(), v)\nlet b = spawn(Bag)\n");
        auto checkWriteBack = [](const Function& f, Op store) {
            const int call = firstOp(f, Op::CALLMETHOD);
            QVERIFY(call >= 0);
            const Instr& next = f.code[size_t(call) + 1];
            QCOMPARE(next.op, store);
            // The changed receiver comes back in R[A+1].
            QCOMPARE(next.op == Op::MOVE ? next.b : next.a, uint16_t(f.code[size_t(call)].a + 1));
        };
        checkWriteBack(p->functions[0], Op::SETGLOBAL);
        checkWriteBack(*fn(*p, "Bag.on Put"), Op::SETSTATE);
        const Function* build = fn(*p, "build");
        checkWriteBack(*build, Op::MOVE);
        QCOMPARE(build->code[size_t(firstOp(*build, Op::CALLMETHOD)) + 1].a, local(*build, "ys")->reg);
        QVERIFY(build->numRegs >= uint32_t(build->code[size_t(firstOp(*build, Op::CALLMETHOD))].a + 2));
    }

    void readOnlyMethodDoesNotWriteBack()
    {
        COMPILE(p, "let s = \"abc\"\nlet n = s.len()\nlet u = s.upper()\n");
        const Function& main = p->functions[0];
        QCOMPARE(countOp(main, Op::CALLMETHOD), 2);
        QCOMPARE(countOp(main, Op::SETGLOBAL), 3); // s, n, u: never s again
    }

    // A container is taken out of its home (nil left behind) before it
    // changes and stored back after, so that the engine, which copies shared
    // lists and maps on write, changes it in place: no copy per update.
    void indexAndFieldStoresReachTheContainer()
    {
        COMPILE(p, "actor M {\n    state m = {a: [1, 2]}\n    on Set(v) { m[\"a\"][0] = v }\n    on Field(v) { m.b = [v] }\n}\n"
                   "let x = spawn(M)\nfn local() {\n    mut a = [1]\n    a[0] += 1\n    return a\n}\nprint(local())\n");
        const Function* set = fn(*p, "M.on Set");
        QCOMPARE(opSequence(*set), std::string("LOADK LOADI GETSTATE LOADNIL SETSTATE INDEX LOADNIL SETINDEX "
                                               "SETINDEX SETINDEX SETSTATE RETURNNIL"));
        const auto& c = set->code;
        QCOMPARE(c[4].a, c[3].a);  // m's home gets nil ...
        QCOMPARE(c[7].c, c[6].a);  // ... so does m["a"] inside m
        QCOMPARE(c[8].a, c[5].a);  // the element changes in its own register
        QCOMPARE(c[8].c, uint16_t(0)); // to v
        QCOMPARE(c[9].a, c[2].a);  // element back into m
        QCOMPARE(c[9].c, c[5].a);
        QCOMPARE(c[10].a, c[2].a); // m back into the state
        const Function* field = fn(*p, "M.on Field");
        QCOMPARE(countOp(*field, Op::SETFIELD), 1);
        QCOMPARE(countOp(*field, Op::SETSTATE), 2); // the take and the store
        QCOMPARE(field->code[size_t(firstOp(*field, Op::SETFIELD)) + 1].op, Op::SETSTATE);
        // A local container changes in its own register: nothing to take or store back.
        const Function* loc = fn(*p, "local");
        QCOMPARE(countOp(*loc, Op::INDEX), 1);
        QCOMPARE(countOp(*loc, Op::ADDI), 1);
        QCOMPARE(countOp(*loc, Op::SETINDEX), 1);
        QCOMPARE(countOp(*loc, Op::MOVE), 0);
        QCOMPARE(countOp(*loc, Op::LOADNIL), 0);
    }

    void mutatingMethodTakesTheReceiver()
    {
        COMPILE(p, "fn build(n) {\n    mut ys = []\n    for i in 0..n { ys.push(len(ys) + i) }\n    return ys\n}\nprint(build(3))\n");
        const Function* f = fn(*p, "build");
        const int call = firstOp(*f, Op::CALLMETHOD);
        const uint16_t ys = local(*f, "ys")->reg;
        const uint16_t base = f->code[size_t(call)].a;
        // The argument reads ys before ys leaves its register for the window.
        QCOMPARE(f->code[size_t(call) - 2].op, Op::MOVE);
        QCOMPARE(f->code[size_t(call) - 2].a, base);
        QCOMPARE(f->code[size_t(call) - 2].b, ys);
        QCOMPARE(f->code[size_t(call) - 1].op, Op::LOADNIL);
        QCOMPARE(f->code[size_t(call) - 1].a, ys);
        QVERIFY(firstOp(*f, Op::CALLBUILTIN) < call - 2); // len(ys)
        QCOMPARE(f->code[size_t(call) + 1].op, Op::MOVE);
        QCOMPARE(f->code[size_t(call) + 1].a, ys);
        QCOMPARE(f->code[size_t(call) + 1].b, uint16_t(base + 1));
    }

    // --------------------------------------------------------- functions
    void capturingNestedFunctions()
    {
        COMPILE(p, "fn outer(n) {\n    let k = n * 2\n    fn inner(x) { return x + k }\n"
                   "    fn sib(y) { return inner(y) + 1 }\n    fn rec(m) { if m == 0 { return k } return rec(m - 1) }\n"
                   "    return inner(1) + sib(2) + rec(3)\n}\nprint(outer(1))\n");
        const Function* outer = fn(*p, "outer");
        const Function* inner = fn(*p, "outer.inner");
        const Function* sib = fn(*p, "outer.sib");
        const Function* rec = fn(*p, "outer.rec");
        QVERIFY(outer && inner && sib && rec);
        QCOMPARE(inner->captures, std::vector<std::string>{"k"});
        QCOMPARE(countOp(*inner, Op::GETCAPTURE), 1);
        // Closures are built where declared, from k's register, and called as values.
        QCOMPARE(countOp(*outer, Op::CLOSURE), 3);
        QCOMPARE(countOp(*outer, Op::CALLVALUE), 3);
        QCOMPARE(countOp(*outer, Op::CALL), 0);
        const Instr& c = outer->code[size_t(firstOp(*outer, Op::CLOSURE))];
        const ClosureSite& site = outer->closures[c.bc()];
        QCOMPARE(int32_t(site.function), p->findFunction("outer.inner"));
        QCOMPARE(site.sources.size(), size_t(1));
        QVERIFY(!site.sources[0].fromCapture);
        QCOMPARE(site.sources[0].index, local(*outer, "k")->reg);
        // sib builds inner's closure itself, so it captures k too.
        QCOMPARE(sib->captures, std::vector<std::string>{"k"});
        const Instr& sc = sib->code[size_t(firstOp(*sib, Op::CLOSURE))];
        QVERIFY(sib->closures[sc.bc()].sources[0].fromCapture);
        // Recursion reuses the running closure.
        QCOMPARE(countOp(*rec, Op::CURFN), 1);
        QCOMPARE(countOp(*rec, Op::CLOSURE), 0);
    }

    void nonCapturingNestedFunctionIsDirectCall()
    {
        COMPILE(p, "fn outer() {\n    fn helper(x) { return x * 3 }\n    return helper(2)\n}\nprint(outer())\n");
        const Function* outer = fn(*p, "outer");
        QCOMPARE(countOp(*outer, Op::CLOSURE), 0);
        const int call = firstOp(*outer, Op::CALL);
        QCOMPARE(int32_t(outer->code[size_t(call)].bc()), p->findFunction("outer.helper"));
    }

    void functionAsValue()
    {
        COMPILE(p, "fn sq(x) { return x * x }\nlet f = sq\nprint(f(3))\n");
        const Function& main = p->functions[0];
        const int c = firstOp(main, Op::CLOSURE);
        QVERIFY(c >= 0);
        QCOMPARE(int32_t(main.closures[main.code[size_t(c)].bc()].function), p->findFunction("sq"));
        QVERIFY(main.closures[main.code[size_t(c)].bc()].sources.empty());
        QCOMPARE(countOp(main, Op::CALLVALUE), 1);
    }

    void resultsAndMatch()
    {
        COMPILE(p, "fn divide(a, b) {\n    if b == 0 { return Err(\"div by zero\") }\n    return Ok(a / b)\n}\n"
                   "let r = divide(1, 2)\nmatch r {\n    Ok(v) => print(v)\n    Err(e) => print(\"Error:\", e)\n}\n"
                   "let w = match 3 { 1 => \"one\", 2 => \"two\", _ => \"many\" }\nprint(w)\n");
        const Function* d = fn(*p, "divide");
        QCOMPARE(countOp(*d, Op::MKOK), 1);
        QCOMPARE(countOp(*d, Op::MKERR), 1);
        const Function& main = p->functions[0];
        QCOMPARE(countOp(main, Op::ISOK), 1);
        QCOMPARE(countOp(main, Op::ISERR), 1);
        QCOMPARE(countOp(main, Op::PAYLOAD), 2);
        QCOMPARE(countOp(main, Op::MATCHFAIL), 1); // the Result match has no catch-all
        QCOMPARE(countOp(main, Op::EQ), 2);        // the literal arms; `_` needs no test
        // The bound payload is the register the print reads.
        const LocalVar* v = local(main, "v");
        QVERIFY(v);
        QCOMPARE(main.code[size_t(firstOp(main, Op::PAYLOAD))].a, v->reg);
    }

    void messagePatterns()
    {
        COMPILE(p, "actor A {\n    on Add(n) { }\n    on Reset { }\n}\nlet m = Add(4)\n"
                   "let r = match m {\n    Add(n) => n\n    Reset => 0\n}\nprint(r)\n");
        const Function& main = p->functions[0];
        QCOMPARE(countOp(main, Op::ISMSG), 2);
        QCOMPARE(countOp(main, Op::MSGARG), 1);
        const int first = firstOp(main, Op::ISMSG);
        QCOMPARE(int32_t(main.code[size_t(first)].c), p->findMessage("Add"));
        QCOMPARE(int32_t(main.code[size_t(firstOp(main, Op::ISMSG, first + 1))].c), p->findMessage("Reset"));
        QCOMPARE(countOp(main, Op::MATCHFAIL), 1);
    }

    // --------------------------------------------------------------- UI
    void screenRender()
    {
        COMPILE(p, "screen Login {\n    let userName: string = \"\"\n    fn login() { print(\"login\", userName) }\n"
                   "    render {\n        Text {\"Enter Name:\"}\n        Input {bind: userName}\n"
                   "        Button {\"Login\", onClick: login()}\n    }\n}\nlet s = spawn(Login)\n");
        const ActorType& a = p->actors[0];
        QCOMPARE(a.kind, ActorType::Kind::Screen);
        QCOMPARE(a.stateFields, std::vector<std::string>{"userName"});
        QVERIFY(a.renderFunction >= 0);
        QCOMPARE(a.methods.size(), size_t(1));
        const Function& render = p->functions[size_t(a.renderFunction)];
        QCOMPARE(render.kind, FunctionKind::Render);
        QCOMPARE(render.actor, 0);
        QCOMPARE(render.code.back().op, Op::RETURN); // the tree is returned, not rendered
        QCOMPARE(countOp(render, Op::RENDER), 0);
        QCOMPARE(countOp(render, Op::UINODE), 3);
        QCOMPARE(countOp(render, Op::CALL), 0); // onClick is not evaluated at render time
        QCOMPARE(render.uiNodes.size(), size_t(3));
        QCOMPARE(render.uiNodes[0].element, std::string("Text"));
        QCOMPARE(render.uiNodes[0].argCount, uint16_t(1));
        const UiNodeDesc& input = render.uiNodes[1];
        QCOMPARE(input.props.size(), size_t(1));
        QCOMPARE(input.props[0].key, std::string("bind"));
        QCOMPARE(input.props[0].bindState, 0);
        const UiNodeDesc& button = render.uiNodes[2];
        QCOMPARE(button.props[0].key, std::string("onClick"));
        const int32_t ev = button.props[0].eventFunction;
        QVERIFY(ev >= 0);
        const Function& event = p->functions[size_t(ev)];
        QCOMPARE(event.kind, FunctionKind::Event);
        QCOMPARE(event.actor, 0);
        QCOMPARE(event.arity, 0u);
        const int call = firstOp(event, Op::CALL);
        QVERIFY(call >= 0);
        QCOMPARE(int32_t(event.code[size_t(call)].bc()), p->findFunction("Login.login"));
        // The closure of the event function is the prop's operand.
        QCOMPARE(countOp(render, Op::CLOSURE), 1);
        QCOMPARE(int32_t(render.closures[0].function), ev);
    }

    void eventFunctionCapturesLocals()
    {
        COMPILE(p, "agent Helper {\n    model \"tiny\"\n"
                   "    on ask(query) { render { Button {\"again\", onClick: send(self, ask(query))} } }\n}\n"
                   "let h = spawn(Helper)\n");
        const Function* ask = fn(*p, "Helper.on ask");
        QVERIFY(ask);
        QCOMPARE(countOp(*ask, Op::RENDERBLOCK), 1); // `render { ... }` shows its items
        const UiNodeDesc& button = ask->uiNodes[0];
        const Function& event = p->functions[size_t(button.props[0].eventFunction)];
        QCOMPARE(event.captures, std::vector<std::string>{"query"});
        QCOMPARE(countOp(event, Op::GETCAPTURE), 1);
        QCOMPARE(ask->closures[0].sources.size(), size_t(1));
        QCOMPARE(ask->closures[0].sources[0].index, local(*ask, "query")->reg);
    }

    void screenAsComponent()
    {
        COMPILE(p, "screen Inner {\n    render { Text {\"in\"} }\n}\nscreen Outer {\n    render { Column { Inner {} } }\n}\n"
                   "let o = spawn(Outer)\n");
        const Function& render = p->functions[size_t(p->actors[size_t(p->findActor("Outer"))].renderFunction)];
        bool found = false;
        for (const UiNodeDesc& d : render.uiNodes)
            found = found || (d.element == "Inner" && d.screenActor == p->findActor("Inner"));
        QVERIFY(found);
    }

    void agentModelCall()
    {
        COMPILE(p, "agent Assistant {\n    model \"tiny\"\n    on interaction(query) { render { model.run(query) } }\n}\n"
                   "let a = spawn(Assistant)\n");
        QCOMPARE(p->actors[0].kind, ActorType::Kind::Agent);
        QCOMPARE(p->actors[0].modelName, std::string("tiny"));
        const Function* f = fn(*p, "Assistant.on interaction");
        const int call = firstOp(*f, Op::CALLMODEL);
        QVERIFY(call >= 0);
        QCOMPARE(f->constants[f->code[size_t(call)].b].s, std::string("run"));
    }

    void renderStatement()
    {
        COMPILE(p, "render 10 + 20 * 2\nrender { \"text\" }\n");
        QCOMPARE(countOp(p->functions[0], Op::RENDER), 1);      // a value, shown as print does
        QCOMPARE(countOp(p->functions[0], Op::RENDERBLOCK), 1); // a block: its items
    }

    // ------------------------------------------------------ other values
    void tensorLiteral()
    {
        COMPILE(p, "let t = tensor[2, 2]{1, 2, 3, 4}\n");
        const Function& main = p->functions[0];
        const int t = firstOp(main, Op::NEWTENSOR);
        QVERIFY(t >= 0);
        QCOMPARE(countOp(main, Op::NEWLIST), 2);
        const int shape = firstOp(main, Op::NEWLIST);
        QCOMPARE(main.code[size_t(shape)].c, uint16_t(2));
        QCOMPARE(main.code[size_t(firstOp(main, Op::NEWLIST, shape + 1))].c, uint16_t(4));
    }

    void mapLiteralAndField()
    {
        COMPILE(p, "let m = {name: \"Bob\", age: 3}\nprint(m.name, m[\"age\"])\n");
        const Function& main = p->functions[0];
        const int nm = firstOp(main, Op::NEWMAP);
        QCOMPARE(main.code[size_t(nm)].c, uint16_t(2));
        const int field = firstOp(main, Op::FIELD);
        QCOMPARE(main.constants[main.code[size_t(field)].c].s, std::string("name"));
        QCOMPARE(countOp(main, Op::INDEX), 1);
    }

    void moduleMembers()
    {
        COMPILE(p, "import math\nprint(math.sqrt(2.0), math.pi)\n");
        const Function& main = p->functions[0];
        bool sqrt = false, pi = false;
        for (const Instr& in : main.code) {
            if (in.op != Op::CALLBUILTIN)
                continue;
            sqrt = sqrt || (in.b == uint16_t(BuiltinId::MathSqrt) && in.c == 1);
            pi = pi || (in.b == uint16_t(BuiltinId::MathPi) && in.c == 0);
        }
        QVERIFY(sqrt);
        QVERIFY(pi);
        QCOMPARE(p->imports, std::vector<std::string>{"math"});
    }

    void longLiteralsAreBatched()
    {
        std::string items;
        for (int i = 0; i < 300; ++i)
            items += (i ? ", " : "") + std::to_string(i);
        std::string pairs;
        for (int i = 0; i < 100; ++i)
            pairs += (i ? ", " : "") + std::string("k") + std::to_string(i) + ": " + std::to_string(i);
        COMPILE(p, "let xs = [" + items + "]\nlet m = {" + pairs + "}\n");
        const Function& main = p->functions[0];
        QCOMPARE(countOp(main, Op::NEWLIST), 1);
        QVERIFY(countOp(main, Op::LISTAPPEND) >= 4);
        QCOMPARE(countOp(main, Op::NEWMAP), 1);
        QVERIFY(countOp(main, Op::SETFIELD) >= 60);
        QVERIFY2(main.numRegs <= 80, std::to_string(main.numRegs).c_str());
    }

    // ------------------------------------------------------------ limits
    void tooManyRegistersIsADiagnostic()
    {
        std::string args;
        for (int i = 0; i < 70000; ++i)
            args += (i ? ",1" : "1");
        CompileResult r = compile("big.aefl", "print(" + args + ")\n");
        QVERIFY(!r.program);
        QVERIFY(!r.ok());
        QVERIFY2(r.formatDiagnostics(false).find("65535 registers") != std::string::npos, r.formatDiagnostics(false).c_str());
    }

    void tooManyConstantsIsADiagnostic()
    {
        std::string text;
        for (int i = 0; i < 70000; ++i)
            text += "print(\"s" + std::to_string(i) + "\")\n";
        CompileResult r = compile("big.aefl", text);
        QVERIFY(!r.program);
        QVERIFY2(r.formatDiagnostics(false).find("65535 constants") != std::string::npos, r.formatDiagnostics(false).c_str());
    }

    // ---------------------------------------------------------- verifier
    void verifierRejectsBrokenPrograms()
    {
        COMPILE(p, "let x = 1\nprint(x)\n");
        Program bad = *p;
        bad.functions[0].code[0].setSbc(0);
        bad.functions[0].code[0].op = Op::JMP;
        bad.functions[0].code[0].setSbc(1000);
        QVERIFY(!verifyProgram(bad).empty());
        Program noReturn = *p;
        noReturn.functions[0].code.back().op = Op::NOP;
        QVERIFY(!verifyProgram(noReturn).empty());
        Program badReg = *p;
        badReg.functions[0].code[0].a = uint16_t(badReg.functions[0].numRegs);
        QVERIFY(!verifyProgram(badReg).empty());
    }

    // ------------------------------------------------------ disassembler
    void disassemblyListing()
    {
        COMPILE(p, "actor Counter {\n    state count = 0\n    on Increment { count = count + 1 }\n}\n"
                   "let greeting = \"hello\"\nlet c = spawn(Counter)\nfor i in 0..3 { send(c, Increment) }\n");
        const std::string text = disassemble(*p);
        QVERIFY(text.find("function #0 main (main)") != std::string::npos);
        QVERIFY(text.find("Counter.on Increment (handler of Counter) arity 0") != std::string::npos);
        QVERIFY(text.find("\"hello\"") != std::string::npos);
        QVERIFY(text.find("; global greeting") != std::string::npos);
        QVERIFY(text.find("; state count") != std::string::npos);
        QVERIFY(text.find("; actor Counter") != std::string::npos);
        QVERIFY(text.find("; message Increment") != std::string::npos);
        QVERIFY(text.find("; send") != std::string::npos);
        QVERIFY(text.find("  on Increment -> #") != std::string::npos);
        QVERIFY(QString::fromStdString(text).contains(QRegularExpression(R"(FORLOOP\s+\d+ -\d+\s+; to \d+)")));
        // One line per instruction: pc, line:col, opcode.
        const QRegularExpression lineRe(R"(^\s+(\d+)\s+(\d+):(\d+)\s+([A-Z]+))");
        int lines = 0;
        for (const QString& l : QString::fromStdString(disassembleFunction(*p, 0)).split('\n')) {
            const auto m = lineRe.match(l);
            if (!m.hasMatch())
                continue;
            QCOMPARE(m.captured(1).toInt(), lines);
            const LineCol pos = p->functions[0].positionAt(uint32_t(lines));
            QCOMPARE(m.captured(2).toUInt(), pos.line);
            QCOMPARE(m.captured(3).toUInt(), pos.col);
            QCOMPARE(m.captured(4).toStdString(), std::string(opName(p->functions[0].code[size_t(lines)].op)));
            ++lines;
        }
        QCOMPARE(lines, int(p->functions[0].code.size()));
        QVERIFY(disassembleFunction(*p, 9999).empty());
    }

    void constantTexts()
    {
        Constant k;
        k.kind = Constant::Kind::Float;
        k.f = 2.0;
        QCOMPARE(constantText(k), std::string("2.0"));
        k.f = 0.1;
        QCOMPARE(constantText(k), std::string("0.1"));
        k.kind = Constant::Kind::String;
        k.s = "a\"b\n";
        QCOMPARE(constantText(k), std::string("\"a\\\"b\\n\""));
        k.kind = Constant::Kind::Nil;
        QCOMPARE(constantText(k), std::string("nil"));
    }

    // --------------------------------------------------------- robustness
    // Every checked program of the golden tests and examples lowers to a
    // structurally sound program: Lowering never fails on checked input.
    void corpusLowersCleanly_data()
    {
        QTest::addColumn<QString>("path");
        const QString root = QStringLiteral(AEROFLOW_SOURCE_DIR);
        for (const QString& dir : {root + "/tests/lang", root + "/resources/examples"}) {
            const QDir d(dir);
            for (const QString& name : d.entryList({"*.aefl", "*.af"}, QDir::Files, QDir::Name))
                QTest::newRow(qPrintable(name)) << d.filePath(name);
        }
    }

    void corpusLowersCleanly()
    {
        QFETCH(QString, path);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        CompileResult r = compile(path.toStdString(), f.readAll().toStdString());
        if (!r.ok()) {
            QVERIFY2(r.formatDiagnostics(false).find("internal compiler error") == std::string::npos,
                r.formatDiagnostics(false).c_str());
            return; // an intentionally bad program
        }
        QVERIFY(r.program);
        QCOMPARE(structuralProblem(*r.program), QString());
        QVERIFY(!disassemble(*r.program).empty());
    }
};

QTEST_APPLESS_MAIN(TstLowering)
#include "tst_lowering.moc"
