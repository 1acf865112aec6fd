// Time travel (see TimeTravel.h).

#include "TimeTravel.h"

#include "Print.h"
#include "Program.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace aeroflow::debugger {

Result<std::unique_ptr<TimeTravel>> TimeTravel::open(const std::string& tracePath)
{
    auto trace = TraceReader::open(tracePath);
    if (!trace)
        return std::unexpected(trace.error());
    auto program = compileTraceProgram(**trace);
    if (!program)
        return std::unexpected(program.error());
    return create(std::move(*trace), std::move(*program));
}

Result<std::unique_ptr<TimeTravel>> TimeTravel::create(std::unique_ptr<TraceReader> trace,
                                                       std::shared_ptr<const compiler::Program> program)
{
    std::unique_ptr<TimeTravel> t(new TimeTravel());
    t->m_trace = std::move(trace);
    t->m_program = std::move(program);
    if (auto r = t->restoreAt(0); !r)
        return std::unexpected(r.error());
    return t;
}

uint64_t TimeTravel::position() const
{
    return m_session->position();
}

Result<void> TimeTravel::restoreAt(uint64_t checkpointSeq)
{
    m_session.reset(); // one run at a time: its values belong to this thread's heap account
    auto s = ReplaySession::create(*m_trace, m_program, checkpointSeq, nullptr, {});
    if (!s)
        return std::unexpected(s.error());
    m_session = std::move(*s);
    return {};
}

Result<void> TimeTravel::restoreUsable(uint64_t checkpointSeq)
{
    uint64_t base = checkpointSeq;
    for (;;) {
        auto r = restoreAt(base);
        if (r || base == 0)
            return r;
        // A checkpoint only saves time: the recorded messages before it
        // rebuild the same state, so an earlier one (or the start) will do.
        m_badCheckpoints.push_back(base);
        auto earlier = m_trace->checkpointAtOrBefore(base - 1);
        if (!earlier)
            return std::unexpected(earlier.error());
        const uint64_t next = *earlier ? (*earlier)->seq : 0;
        if (m_warn)
            m_warn("checkpoint at seq " + std::to_string(base) + " cannot be used (" + clipText(r.error(), 300) +
                   "); " + (next ? "restoring the checkpoint at seq " + std::to_string(next) + " instead"
                                 : std::string("re-executing from the start instead")));
        base = next;
    }
}

Result<void> TimeTravel::seek(uint64_t seq)
{
    seq = std::min(seq, end());
    auto cp = m_trace->checkpointAtOrBefore(seq);
    if (!cp)
        return std::unexpected(cp.error());
    uint64_t base = *cp ? (*cp)->seq : 0;
    // Known damaged ones are passed over at once.
    while (base > 0 && std::find(m_badCheckpoints.begin(), m_badCheckpoints.end(), base) != m_badCheckpoints.end()) {
        auto earlier = m_trace->checkpointAtOrBefore(base - 1);
        if (!earlier)
            return std::unexpected(earlier.error());
        base = *earlier ? (*earlier)->seq : 0;
    }
    const uint64_t pos = m_session ? m_session->position() : 0;
    // Going forward from here is cheaper than from the checkpoint when the
    // checkpoint is no closer.
    if (!m_session || seq < pos || base > pos) {
        if (auto r = restoreUsable(base); !r)
            return r;
    }
    while (m_session->position() < seq) {
        if (!m_session->step()) {
            const std::string why = m_session->inputMismatch().empty() ? "the run ended early"
                                                                       : m_session->inputMismatch();
            return std::unexpected("trace '" + m_trace->path() + "': re-execution stopped at seq " +
                                   std::to_string(m_session->position()) + " before reaching " + std::to_string(seq) +
                                   ": " + why);
        }
    }
    return {};
}

Result<void> TimeTravel::seekTick(uint64_t tick)
{
    auto seq = m_trace->seqAtTick(tick);
    if (!seq)
        return std::unexpected(seq.error());
    return seek(*seq);
}

Result<void> TimeTravel::stepForward()
{
    if (position() >= end())
        return std::unexpected("already at the end of the trace (seq " + std::to_string(end()) + ")");
    return seek(position() + 1);
}

Result<void> TimeTravel::stepBack()
{
    if (position() == 0)
        return std::unexpected("already at the start of the trace");
    return seek(position() - 1);
}

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string printed(const engine::Value& v, const compiler::Program& p)
{
    std::string text;
    engine::appendRepr(text, v, &p);
    return text;
}

/// An actor's state fields (main: its globals), printed, in declaration order.
Fields printedFields(const engine::Scheduler& s, const compiler::Program& p, uint32_t actor)
{
    Fields out;
    if (actor == 0) {
        const auto& globals = s.globals();
        for (size_t i = 0; i < globals.size(); ++i)
            out.emplace_back(i < p.globals.size() ? p.globals[i].name : "global" + std::to_string(i),
                             printed(globals[i], p));
        return out;
    }
    const engine::ActorRecord& a = s.actor(actor);
    const auto* names = a.type >= 0 && size_t(a.type) < p.actors.size() ? &p.actors[size_t(a.type)].stateFields : nullptr;
    for (size_t i = 0; i < a.state.size(); ++i)
        out.emplace_back(names && i < names->size() ? (*names)[i] : "field" + std::to_string(i),
                         printed(a.state[i], p));
    return out;
}

} // namespace

ActorState TimeTravel::state(uint32_t actor) const
{
    const engine::Scheduler& s = m_session->scheduler();
    ActorState st;
    st.actor = actor;
    if (actor >= s.actorCount())
        return st;
    st.exists = true;
    st.name = s.actorName(actor);
    st.hash = s.stateHash(actor);
    st.alive = actor == 0 || s.actor(actor).alive;
    st.fields = printedFields(s, *m_program, actor);
    return st;
}

Result<ActorState> TimeTravel::stateAt(uint32_t actor, uint64_t seq)
{
    if (auto r = seek(seq); !r)
        return std::unexpected(r.error());
    return state(actor);
}

Result<std::vector<FieldDiff>> TimeTravel::diff(uint32_t actor, uint64_t seqA, uint64_t seqB)
{
    auto a = stateAt(actor, seqA);
    if (!a)
        return std::unexpected(a.error());
    auto b = stateAt(actor, seqB);
    if (!b)
        return std::unexpected(b.error());
    std::vector<FieldDiff> out;
    // Fields keep their declaration order; an actor that stopped has none.
    const size_t n = std::max(a->fields.size(), b->fields.size());
    for (size_t i = 0; i < n; ++i) {
        const auto* fa = i < a->fields.size() ? &a->fields[i] : nullptr;
        const auto* fb = i < b->fields.size() ? &b->fields[i] : nullptr;
        if (fa && fb && fa->second == fb->second)
            continue;
        out.push_back(FieldDiff{fa ? fa->first : fb->first, fa ? fa->second : "", fb ? fb->second : ""});
    }
    return out;
}

Result<std::optional<uint64_t>> TimeTravel::lastChange(uint32_t actor, uint64_t seq, const std::string& field)
{
    seq = std::min(seq, end());
    if (field.empty()) {
        auto c = m_trace->lastStateChange(actor, seq);
        if (!c)
            return std::unexpected(c.error());
        if (!*c || (*c)->sinceFirst) {
            // No recorded change: did the first handler change the state
            // it had at spawn? Compare with the state just before it.
            if (!*c)
                return std::optional<uint64_t>();
            auto before = stateAt(actor, (*c)->seq - 1);
            if (!before)
                return std::unexpected(before.error());
            auto m = m_trace->message((*c)->seq);
            if (!m || !*m)
                return std::unexpected(m ? "message missing" : m.error());
            return before->hash != (*m)->stateHash ? std::optional<uint64_t>((*c)->seq) : std::nullopt;
        }
        return std::optional<uint64_t>((*c)->seq);
    }
    // One field: walk the actor's messages backwards and re-execute around
    // each one whose recorded hash differs from the state before it.
    auto now = stateAt(actor, seq);
    if (!now)
        return std::unexpected(now.error());
    auto valueOf = [&](const ActorState& s) -> std::optional<std::string> {
        for (const auto& [k, v] : s.fields)
            if (k == field)
                return v;
        return std::nullopt;
    };
    const auto target = valueOf(*now);
    if (!target && now->alive)
        return std::unexpected("actor " + now->name + " has no field '" + field + "'");
    // A field can only change where the state hash does: walk the actor's
    // messages newest first and re-execute only around hash changes (and
    // around its first message, whose previous state the trace lacks).
    Statement st = m_trace->database().prepare(
        "SELECT seq, state_hash FROM messages WHERE receiver = ? AND seq <= ? ORDER BY seq DESC");
    if (!st.valid())
        return std::unexpected("trace '" + m_trace->path() + "': " + m_trace->database().lastError());
    st.bind(1, int64_t(actor));
    st.bind(2, int64_t(seq));
    std::vector<std::pair<uint64_t, uint64_t>> rows; // (seq, hash), newest first
    while (st.step())
        rows.emplace_back(uint64_t(st.columnInt(0)), uint64_t(st.columnInt(1)));
    if (!st.ok())
        return std::unexpected("trace '" + m_trace->path() + "': cannot read messages: " + m_trace->database().lastError());
    for (size_t i = 0; i < rows.size(); ++i) {
        const bool oldest = i + 1 == rows.size();
        if (!oldest && rows[i].second == rows[i + 1].second)
            continue;
        auto before = stateAt(actor, rows[i].first - 1);
        if (!before)
            return std::unexpected(before.error());
        if (valueOf(*before) != target)
            return std::optional<uint64_t>(rows[i].first);
    }
    return std::optional<uint64_t>();
}

// --- breakpoints ----------------------------------------------------------------

Result<BreakCondition> BreakCondition::parse(const std::string& text)
{
    static const char* const kOps[] = {"==", "!=", "<=", ">=", "<", ">"};
    for (const char* op : kOps) {
        const size_t at = text.find(op);
        if (at == std::string::npos)
            continue;
        auto trim = [](std::string s) {
            const size_t b = s.find_first_not_of(" \t");
            const size_t e = s.find_last_not_of(" \t");
            return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
        };
        BreakCondition c{trim(text.substr(0, at)), op, trim(text.substr(at + std::string_view(op).size()))};
        if (c.field.empty() || c.literal.empty())
            break;
        return c;
    }
    return std::unexpected("condition '" + text + "' is not of the form FIELD OP VALUE (OP: == != < <= > >=)");
}

bool BreakCondition::holds(const ActorState& state) const
{
    const std::string* value = nullptr;
    for (const auto& [k, v] : state.fields)
        if (k == field)
            value = &v;
    if (!value)
        return false;
    auto number = [](const std::string& s, double& out) {
        auto r = std::from_chars(s.data(), s.data() + s.size(), out);
        return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
    };
    double a = 0, b = 0;
    int cmp = 0;
    if (number(*value, a) && number(literal, b))
        cmp = a < b ? -1 : (a > b ? 1 : 0);
    else
        cmp = value->compare(literal) < 0 ? -1 : (value->compare(literal) > 0 ? 1 : 0);
    if (op == "==") return cmp == 0;
    if (op == "!=") return cmp != 0;
    if (op == "<") return cmp < 0;
    if (op == "<=") return cmp <= 0;
    if (op == ">") return cmp > 0;
    return cmp >= 0;
}

namespace {

/// The functions each function can call or create closures of (CALL,
/// CLOSURE), plus, for an actor's code, the actor's methods (CALLMETHOD
/// names a method at run time, so any of them may run).
std::vector<std::vector<uint32_t>> calleesOf(const compiler::Program& p)
{
    std::vector<std::vector<uint32_t>> out(p.functions.size());
    for (size_t f = 0; f < p.functions.size(); ++f) {
        const compiler::Function& fn = p.functions[f];
        for (const compiler::Instr& in : fn.code) {
            if (in.op == compiler::Op::CALL && in.bc() < p.functions.size())
                out[f].push_back(in.bc());
            else if (in.op == compiler::Op::CLOSURE && in.bc() < fn.closures.size())
                out[f].push_back(fn.closures[in.bc()].function);
        }
        if (fn.actor >= 0)
            for (size_t g = 0; g < p.functions.size(); ++g)
                if (p.functions[g].actor == fn.actor && p.functions[g].kind == compiler::FunctionKind::Method)
                    out[f].push_back(uint32_t(g));
    }
    return out;
}

/// Whether `from` reaches `target` through calls (itself included).
bool reaches(const std::vector<std::vector<uint32_t>>& callees, uint32_t from, uint32_t target)
{
    std::vector<bool> seen(callees.size());
    std::vector<uint32_t> work{from};
    while (!work.empty()) {
        const uint32_t f = work.back();
        work.pop_back();
        if (f == target)
            return true;
        if (f >= seen.size() || seen[f])
            continue;
        seen[f] = true;
        work.insert(work.end(), callees[f].begin(), callees[f].end());
    }
    return false;
}

/// Watches one re-executed delivery for a statement on `line` of `function`.
class LineProbe final : public engine::StatementObserver {
public:
    LineProbe(uint32_t function, uint32_t line) : m_function(function), m_line(line) {}
    void onStatement(const engine::StatementEvent& e) override
    {
        hit = hit || (e.function == m_function && e.line == m_line);
    }
    bool hit = false;

private:
    uint32_t m_function, m_line;
};

} // namespace

Result<Breakpoint> TimeTravel::breakpoint(const std::string& file, uint32_t line, const std::string& condition)
{
    const compiler::Program& p = *m_program;
    const auto base = [](const std::string& s) { return std::filesystem::path(s).filename().string(); };
    Breakpoint bp;
    bp.fileLine = line;
    if (p.files.empty()) {
        if (!file.empty() && file != p.sourceName && base(file) != base(p.sourceName))
            return std::unexpected("no file '" + file + "' in this trace (its program is '" + p.sourceName + "')");
        bp.file = p.sourceName;
    } else {
        // A program of several files: lines count in the files' combined
        // text (Program::files); find the file, then its line there.
        const std::string want = file.empty() ? p.sourceName : file;
        const compiler::SourceSpan* span = nullptr;
        for (const auto& f : p.files)
            if (f.name == want)
                span = &f;
        for (const auto& f : p.files)
            if (!span && p.programLine(want, 1) == f.firstLine)
                span = &f;
        for (const auto& f : p.files)
            if (!span && base(f.name) == base(want))
                span = &f;
        if (!span) {
            std::string names;
            for (const auto& f : p.files)
                names += (names.empty() ? "" : ", ") + f.name;
            return std::unexpected("no file '" + file + "' in this trace (its files: " + names + ")");
        }
        if (line < 1 || line > span->lineCount)
            return std::unexpected(span->name + " has no line " + std::to_string(line));
        bp.file = span->name;
        line = span->firstLine + line - 1;
    }
    bp.line = line;
    std::vector<uint32_t> others; // non-handler functions holding the line
    for (size_t f = 0; f < p.functions.size(); ++f) {
        const compiler::Function& fn = p.functions[f];
        bool covers = false;
        for (const auto& e : fn.lines)
            covers = covers || e.line == line;
        if (!covers)
            continue;
        if (fn.kind == compiler::FunctionKind::Main) {
            bp.mainProgram = true;
            others.push_back(uint32_t(f));
            continue;
        }
        if (fn.kind != compiler::FunctionKind::Handler || fn.actor < 0 || size_t(fn.actor) >= p.actors.size()) {
            if (fn.kind == compiler::FunctionKind::Function || fn.kind == compiler::FunctionKind::Method)
                others.push_back(uint32_t(f));
            continue;
        }
        for (const auto& h : p.actors[size_t(fn.actor)].handlers)
            if (h.function == f)
                bp.handlers.emplace_back(fn.actor, h.message);
    }
    if (bp.handlers.empty() && !others.empty()) {
        // A line of main or of a function: the innermost function holding
        // it (the last one in the table that covers it) is the one to watch.
        bp.confirm = true;
        bp.function = others.back();
        for (uint32_t f : others)
            if (p.functions[f].kind != compiler::FunctionKind::Main)
                bp.function = f;
        if (p.functions[bp.function].kind != compiler::FunctionKind::Main) {
            const auto callees = calleesOf(p);
            bp.mainProgram = reaches(callees, p.mainFunction, bp.function);
            for (size_t t = 0; t < p.actors.size(); ++t)
                for (const auto& h : p.actors[t].handlers)
                    if (reaches(callees, h.function, bp.function))
                        bp.handlers.emplace_back(int64_t(t), h.message);
        }
    }
    if (bp.handlers.empty() && !bp.mainProgram)
        return std::unexpected(bp.file + ":" + std::to_string(line) +
                               (others.empty() ? " is not inside a message handler, function or the main program"
                                               : " is in a function no handler calls"));
    if (!condition.empty()) {
        auto c = BreakCondition::parse(condition);
        if (!c)
            return std::unexpected(c.error());
        bp.condition = *c;
    }
    return bp;
}

Result<bool> TimeTravel::runsLine(const Breakpoint& bp, uint64_t seq)
{
    if (auto r = seek(seq - 1); !r)
        return std::unexpected(r.error());
    LineProbe probe(bp.function, bp.line);
    engine::Scheduler& s = m_session->scheduler();
    s.setStatementObserver(&probe);
    m_session->step();
    s.setStatementObserver(nullptr);
    return probe.hit;
}

Result<std::optional<BreakHit>> TimeTravel::search(const Breakpoint& bp, bool forward)
{
    // Candidates come from the trace's handler column; a condition is checked
    // on the receiver's state just before each candidate, by re-execution.
    std::string where;
    for (const auto& [type, message] : bp.handlers)
        where += (where.empty() ? "" : " OR ") + std::string("(a.type = ") + std::to_string(type) +
                 " AND m.handler = " + std::to_string(message) + ")";
    if (bp.mainProgram)
        where += std::string(where.empty() ? "" : " OR ") + "(m.receiver = 0 AND m.handler IS NULL)";
    const std::string select = "SELECT m.seq, m.receiver FROM messages m JOIN actors a ON a.actor_id = m.receiver "
                               "WHERE m.seq > ? AND m.seq <= ? AND (" + where + ") ORDER BY m.seq ";
    Statement st = m_trace->database().prepare(select + (forward || !bp.condition ? (forward ? "ASC" : "DESC") : "ASC"));
    if (!st.valid())
        return std::unexpected("trace '" + m_trace->path() + "': " + m_trace->database().lastError());
    const uint64_t start = position();
    auto dbError = [&] { return std::unexpected("trace '" + m_trace->path() + "': " + m_trace->database().lastError()); };
    auto stopAt = [&](const BreakHit& hit) -> Result<std::optional<BreakHit>> {
        if (auto r = seek(hit.seq - 1); !r)
            return std::unexpected(r.error());
        return std::optional<BreakHit>(hit);
    };
    auto holdsBefore = [&](const BreakHit& hit) -> Result<bool> {
        if (bp.condition) {
            if (auto r = seek(hit.seq - 1); !r)
                return std::unexpected(r.error());
            if (!bp.condition->holds(state(hit.actor)))
                return false;
        }
        return bp.confirm ? runsLine(bp, hit.seq) : Result<bool>(true);
    };

    if (forward || !bp.condition) {
        // Forward candidates are visited in order, so the re-execution only
        // ever moves forward: a conditional continue costs one replay at most.
        st.bind(1, int64_t(forward ? start + 1 : 0));
        st.bind(2, forward ? INT64_MAX : int64_t(start));
        while (st.step()) {
            const BreakHit hit{uint64_t(st.columnInt(0)), uint32_t(st.columnInt(1))};
            if (!bp.condition && !bp.confirm)
                return stopAt(hit);
            auto holds = holdsBefore(hit);
            if (!holds)
                return std::unexpected(holds.error());
            if (*holds)
                return stopAt(hit);
        }
        if (!st.ok())
            return dbError();
    } else {
        // Backwards with a condition: walk checkpoint windows from the latest
        // down; inside a window evaluate candidates forward (cheap steps) and
        // keep the last that holds. Each window costs one restore.
        auto cps = m_trace->checkpoints();
        if (!cps)
            return std::unexpected(cps.error());
        std::vector<uint64_t> bases{0};
        for (const auto& c : *cps)
            bases.push_back(c.seq);
        uint64_t upper = start;
        while (upper > 0) {
            auto it = std::lower_bound(bases.begin(), bases.end(), upper); // first base >= upper
            const uint64_t base = it == bases.begin() ? 0 : *std::prev(it);
            st.reset();
            st.bind(1, int64_t(base));
            st.bind(2, int64_t(upper));
            std::vector<BreakHit> window;
            while (st.step())
                window.push_back(BreakHit{uint64_t(st.columnInt(0)), uint32_t(st.columnInt(1))});
            if (!st.ok())
                return dbError();
            std::optional<BreakHit> last;
            for (const BreakHit& hit : window) {
                auto holds = holdsBefore(hit);
                if (!holds)
                    return std::unexpected(holds.error());
                if (*holds)
                    last = hit;
            }
            if (last)
                return stopAt(*last);
            upper = base;
        }
    }
    if (auto r = seek(start); !r)
        return std::unexpected(r.error());
    return std::optional<BreakHit>();
}

Result<std::optional<BreakHit>> TimeTravel::continueTo(const Breakpoint& bp)
{
    return search(bp, true);
}

Result<std::optional<BreakHit>> TimeTravel::reverseContinue(const Breakpoint& bp)
{
    return search(bp, false);
}

// --- statement stepping -----------------------------------------------------------

StatementCollector::StatementCollector(const compiler::Program& program, size_t maxStops)
    : m_program(program), m_max(maxStops)
{
}

void StatementCollector::onStatement(const engine::StatementEvent& e)
{
    if (stops.size() >= m_max) {
        truncated = true;
        return;
    }
    const compiler::Function& fn = m_program.functions[e.function];
    StatementStop st;
    st.index = stops.size();
    st.actor = e.actor;
    st.function = e.function;
    st.functionName = fn.name;
    st.line = e.line;
    st.col = e.col;
    const compiler::SourcePlace place = m_program.locate(e.line);
    st.file = std::string(place.file);
    st.fileLine = place.line;
    st.pc = e.pc;
    st.depth = e.depth;
    // Live at pc: [startPc, endPc); a scope never closed (endPc 0) runs
    // to the function's end. Later bindings are inner: they shadow.
    auto put = [&](const std::string& name, std::string value) {
        for (auto& [k, v] : st.locals)
            if (k == name) {
                v = std::move(value);
                return;
            }
        st.locals.emplace_back(name, std::move(value));
    };
    for (const compiler::LocalVar& v : fn.locals)
        if (v.startPc <= e.pc && (e.pc < v.endPc || v.endPc == 0) && v.reg < e.registers.size())
            put(v.name, printed(e.registers[v.reg], m_program));
    for (size_t i = 0; i < fn.captures.size() && i < e.captures.size(); ++i) {
        bool shadowed = false;
        for (const auto& l : st.locals)
            shadowed = shadowed || l.first == fn.captures[i];
        if (!shadowed)
            st.locals.emplace_back(fn.captures[i], printed(e.captures[i], m_program));
    }
    if (e.scheduler && (e.actor == 0 || e.actorRecord))
        st.state = printedFields(*e.scheduler, m_program, e.actor);
    stops.push_back(std::move(st));
}

Result<HandlerStatements> TimeTravel::statementsOf(uint64_t seq, size_t maxStops)
{
    if (seq == 0 || seq > end())
        return std::unexpected("no delivery " + std::to_string(seq) + " in this trace (1.." + std::to_string(end()) +
                               ")");
    auto msg = m_trace->message(seq);
    if (!msg)
        return std::unexpected(msg.error());
    if (!*msg)
        return std::unexpected("trace '" + m_trace->path() + "': message " + std::to_string(seq) + " is missing");
    if (auto r = seek(seq - 1); !r)
        return std::unexpected(r.error());
    HandlerStatements out;
    out.seq = seq;
    out.receiver = uint32_t((*msg)->receiver);
    StatementCollector collector(*m_program, maxStops);
    engine::Scheduler& s = m_session->scheduler();
    s.setStatementObserver(&collector);
    const bool stepped = m_session->step();
    s.setStatementObserver(nullptr);
    if ((!stepped && m_session->position() < seq) || !m_session->inputMismatch().empty()) {
        const std::string why = m_session->inputMismatch().empty() ? "the run ended early" : m_session->inputMismatch();
        return std::unexpected("trace '" + m_trace->path() + "': re-executing seq " + std::to_string(seq) +
                               " failed: " + why);
    }
    out.stops = std::move(collector.stops);
    out.truncated = collector.truncated;
    out.after = state(out.receiver);
    return out;
}

std::optional<size_t> stepStatement(const std::vector<StatementStop>& stops, size_t from, StepKind kind, bool forward)
{
    if (from >= stops.size())
        return std::nullopt;
    const uint32_t depth = stops[from].depth;
    auto lands = [&](size_t i) {
        switch (kind) {
        case StepKind::Into: return true;
        case StepKind::Over: return stops[i].depth <= depth;
        case StepKind::Out: return stops[i].depth < depth;
        }
        return true;
    };
    if (forward) {
        for (size_t i = from + 1; i < stops.size(); ++i)
            if (lands(i))
                return i;
    } else {
        for (size_t i = from; i-- > 0;)
            if (lands(i))
                return i;
    }
    return std::nullopt;
}

} // namespace aeroflow::debugger
