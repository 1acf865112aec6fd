#include "FunctionPlan.h"

#include "Program.h"

#include <algorithm>

namespace aeroflow::codegen {

using compiler::Op;

bool isBranch(Op op)
{
    switch (op) {
    case Op::JMP:
    case Op::JMPIF:
    case Op::JMPIFNOT:
    case Op::FORPREP:
    case Op::FORLOOP:
    case Op::ITERPREP:
    case Op::ITERNEXT: return true;
    default: return false;
    }
}

bool isCallLike(Op op)
{
    return op == Op::CALL || op == Op::CALLVALUE || op == Op::CALLBUILTIN || op == Op::CALLMETHOD || op == Op::SPAWN;
}

bool endsFlow(Op op)
{
    return op == Op::RETURN || op == Op::RETURNNIL || op == Op::HALT || op == Op::MATCHFAIL || op == Op::CALLMODEL;
}

uint32_t FunctionPlan::regionOf(uint32_t pc) const
{
    auto it = std::upper_bound(regions.begin(), regions.end(), pc,
                               [](uint32_t p, const Region& r) { return p < r.begin; });
    return it == regions.begin() ? 0 : uint32_t(it - regions.begin() - 1);
}

FunctionPlan planFunction(const compiler::Function& fn, uint32_t maxRegion)
{
    const auto& code = fn.code;
    const uint32_t n = uint32_t(code.size());
    maxRegion = std::max<uint32_t>(maxRegion, 1);
    FunctionPlan plan;
    auto& leader = plan.leader;
    leader.assign(size_t(n) + 1, 0);
    leader[0] = 1;
    plan.resumePoints.push_back(0);
    for (uint32_t pc = 0; pc < n; ++pc) {
        const auto& in = code[pc];
        if (isBranch(in.op)) {
            leader[size_t(int64_t(pc) + 1 + in.sbc())] = 1;
            leader[pc + 1] = 1;
        }
        if (endsFlow(in.op))
            leader[pc + 1] = 1;
        if (isCallLike(in.op)) {
            leader[pc + 1] = 1;
            if (pc + 1 < n)
                plan.resumePoints.push_back(pc + 1);
        }
        // recv() suspends and runs again on resumption: its own block.
        if (in.op == Op::CALLBUILTIN && pc > 0) {
            leader[pc] = 1;
            plan.resumePoints.push_back(pc);
        }
    }
    std::sort(plan.resumePoints.begin(), plan.resumePoints.end());
    plan.resumePoints.erase(std::unique(plan.resumePoints.begin(), plan.resumePoints.end()), plan.resumePoints.end());

    // Regions: whole blocks packed greedily up to maxRegion instructions; a
    // longer block is cut every maxRegion instructions.
    std::vector<uint32_t> nextLeader(size_t(n) + 1, n);
    for (uint32_t pc = n; pc-- > 0;)
        nextLeader[pc] = leader[pc + 1] ? pc + 1 : nextLeader[pc + 1];
    std::vector<uint32_t> begins{0};
    for (uint32_t pc = 1; pc < n; ++pc) {
        const uint32_t begin = begins.back();
        const bool full = pc - begin >= maxRegion;
        const bool blockDoesNotFit = leader[pc] && nextLeader[pc] - begin > maxRegion;
        if (full || blockDoesNotFit) {
            leader[pc] = 1;
            begins.push_back(pc);
        }
    }
    plan.regions.resize(begins.size());
    for (size_t r = 0; r < begins.size(); ++r) {
        plan.regions[r].begin = begins[r];
        plan.regions[r].end = r + 1 < begins.size() ? begins[r + 1] : n;
        plan.regions[r].entries.push_back(begins[r]);
    }

    plan.blockLen.assign(n, 0);
    uint32_t start = 0;
    for (uint32_t pc = 0; pc < n; ++pc) {
        if (leader[pc])
            start = pc;
        ++plan.blockLen[start];
    }

    if (plan.regions.size() > 1) {
        std::vector<uint32_t> regionAt(n);
        for (uint32_t r = 0; r < plan.regions.size(); ++r)
            std::fill(regionAt.begin() + plan.regions[r].begin, regionAt.begin() + plan.regions[r].end, r);
        auto edge = [&](uint32_t from, uint32_t to) {
            if (to < n && regionAt[to] != regionAt[from])
                plan.regions[regionAt[to]].entries.push_back(to);
        };
        for (uint32_t pc = 0; pc < n; ++pc) {
            const auto& in = code[pc];
            if (isBranch(in.op))
                edge(pc, uint32_t(int64_t(pc) + 1 + in.sbc()));
            if (!endsFlow(in.op) && in.op != Op::JMP)
                edge(pc, pc + 1);
        }
    }
    for (uint32_t pc : plan.resumePoints)
        plan.regions[plan.regionOf(pc)].entries.push_back(pc);
    // Loops: every region from a backward jump's target to the jump (a
    // difference array keeps it linear however the loops nest).
    std::vector<int32_t> loopDepth(plan.regions.size() + 1, 0);
    for (uint32_t pc = 0; pc < n; ++pc) {
        const auto& in = code[pc];
        if (isBranch(in.op) && in.sbc() < 0) {
            ++loopDepth[plan.regionOf(uint32_t(int64_t(pc) + 1 + in.sbc()))];
            --loopDepth[plan.regionOf(pc) + 1];
        }
    }
    for (size_t r = 0, depth = 0; r < plan.regions.size(); ++r) {
        depth += size_t(loopDepth[r]);
        plan.regions[r].inLoop = depth > 0;
    }
    for (auto& region : plan.regions) {
        std::sort(region.entries.begin(), region.entries.end());
        region.entries.erase(std::unique(region.entries.begin(), region.entries.end()), region.entries.end());
    }
    return plan;
}

std::string validateFunction(const compiler::Program& program, uint32_t index)
{
    const compiler::Function& fn = program.functions[index];
    const auto& code = fn.code;
    if (code.empty() || (code.back().op != Op::RETURN && code.back().op != Op::RETURNNIL))
        return "function '" + fn.name + "' does not end with a return";
    for (size_t pc = 0; pc < code.size(); ++pc) {
        const auto& in = code[pc];
        if (unsigned(in.op) >= unsigned(Op::Count))
            return "function '" + fn.name + "': invalid opcode at pc " + std::to_string(pc);
        if (isBranch(in.op)) {
            const int64_t target = int64_t(pc) + 1 + in.sbc();
            if (target < 0 || target >= int64_t(code.size()))
                return "function '" + fn.name + "': jump out of range at pc " + std::to_string(pc);
        }
        if (in.op == Op::CALL && in.bc() >= program.functions.size())
            return "function '" + fn.name + "': call of an unknown function at pc " + std::to_string(pc);
        if (in.op == Op::LOADK && in.bc() >= fn.constants.size())
            return "function '" + fn.name + "': unknown constant at pc " + std::to_string(pc);
    }
    return {};
}

} // namespace aeroflow::codegen
