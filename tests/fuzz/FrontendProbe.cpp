#include "FrontendProbe.h"

#include "Compiler.h"
#include "Disassembler.h"

#include <string>

namespace aeroflow::fuzz {

namespace {

using namespace aeroflow::compiler;

std::string rangeText(SourceRange r) { return "[" + std::to_string(r.begin) + ", " + std::to_string(r.end) + ")"; }

bool inBounds(SourceRange r, size_t size) { return r.begin <= r.end && r.end <= size; }

/// What one compilation produced, reduced to comparable text.
struct Outcome {
    std::string problem;     ///< first violated invariant, or empty
    std::string diagnostics; ///< every diagnostic, formatted with snippets
    std::string listing;     ///< the disassembly, when there is a program
};

Outcome compileOnce(std::string_view input)
{
    Outcome out;
    const CompileResult r = compile("fuzz.aefl", std::string(input));
    const size_t size = input.size();
    auto fail = [&](std::string what) {
        if (out.problem.empty())
            out.problem = std::move(what);
    };

    size_t errors = 0;
    uint32_t lastBegin = 0;
    for (const Diagnostic& d : r.diagnostics) {
        if (!inBounds(d.range, size))
            fail("diagnostic range " + rangeText(d.range) + " outside the input of " + std::to_string(size)
                + " bytes: " + d.message);
        if (d.message.empty())
            fail("diagnostic with an empty message at " + rangeText(d.range));
        if (d.range.begin < lastBegin)
            fail("diagnostics not sorted by position at " + rangeText(d.range));
        lastBegin = d.range.begin;
        if (d.severity == Severity::Error)
            ++errors;
    }
    if (errors > r.errorCount || (r.errorCount <= DiagnosticSink::kMaxErrors && errors != r.errorCount))
        fail("errorCount " + std::to_string(r.errorCount) + " but " + std::to_string(errors) + " error diagnostics");
    out.diagnostics = r.formatDiagnostics(true);

    if (r.ok() != (r.program != nullptr))
        fail(r.ok() ? "no errors but no program" : "errors but a program");
    if (r.program) {
        for (const std::string& p : verifyProgram(*r.program))
            fail("verifyProgram: " + p);
        out.listing = disassemble(*r.program);
        if (out.listing.empty())
            fail("empty disassembly");
    }

    if (r.symbols) {
        const auto& decls = r.symbols->decls();
        for (const SymbolDecl& d : decls) {
            if (!inBounds(d.range, size))
                fail("symbol '" + d.name + "' declared at " + rangeText(d.range) + " outside the input");
            if (d.visibleTo > size)
                fail("symbol '" + d.name + "' visible up to " + std::to_string(d.visibleTo) + " past the input");
        }
        for (const SymbolRef& ref : r.symbols->refs()) {
            if (!inBounds(ref.range, size))
                fail("symbol reference at " + rangeText(ref.range) + " outside the input");
            if (ref.decl < 0 || size_t(ref.decl) >= decls.size())
                fail("symbol reference at " + rangeText(ref.range) + " names declaration "
                    + std::to_string(ref.decl) + " of " + std::to_string(decls.size()));
        }
    }
    return out;
}

} // namespace

std::string probeFrontend(std::string_view input)
{
    const Outcome first = compileOnce(input);
    if (!first.problem.empty())
        return first.problem;
    // Most fuzz inputs have errors; compiling only the clean ones twice keeps
    // the fuzzer fast where determinism matters most (the bytecode).
    if (first.listing.empty())
        return {};
    const Outcome second = compileOnce(input);
    if (!second.problem.empty())
        return second.problem;
    if (first.diagnostics != second.diagnostics)
        return "two compilations of the same input gave different diagnostics";
    if (first.listing != second.listing)
        return "two compilations of the same input gave different bytecode";
    return {};
}

} // namespace aeroflow::fuzz
