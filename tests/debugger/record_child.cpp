// A minimal recording driver for the kill tests: compiles FILE and records
// its run into TRACE, like `aeroflow run FILE --record TRACE` does. Prints
// "committed SEQ" whenever the writer has committed more, so a test that
// kills it knows what the file must hold at least.
//
//   record_child FILE TRACE [SEED] [MAX_MESSAGES]

#include "Compiler.h"
#include "Recorder.h"

#include <fstream>
#include <iostream>
#include <sstream>

using namespace aeroflow;

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::cerr << "usage: record_child FILE TRACE [SEED] [MAX_MESSAGES]\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    auto result = compiler::compile(argv[1], text, {true, false});
    if (!result.ok() || !result.program) {
        std::cerr << result.formatDiagnostics();
        return 1;
    }
    engine::RunOptions options;
    if (argc > 3)
        options.seed = std::stoull(argv[3]);
    if (argc > 4)
        options.maxMessages = std::stoull(argv[4]);
    auto rec = debugger::Recorder::create(argv[2], result.program, text, options);
    if (!rec) {
        std::cerr << rec.error() << "\n";
        return 1;
    }
    options.observer = rec->get();
    engine::Scheduler s(result.program, std::move(options), [](engine::Stream, std::string_view) {});
    debugger::Recorder& r = **rec;
    r.attach(s);
    s.start();
    uint64_t reported = 0;
    while (!r.failed() && s.step()) {
        r.afterStep();
        if ((s.delivered() & 4095) == 0 && r.committedSeq() != reported) {
            reported = r.committedSeq();
            std::cout << "committed " << reported << std::endl;
        }
    }
    const auto stats = s.finish();
    r.finish(stats);
    if (r.failed()) {
        std::cerr << r.error() << "\n";
        return 1;
    }
    return stats.exitCode;
}
