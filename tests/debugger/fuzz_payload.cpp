// libFuzzer target for the trace reader's payload decoder (untrusted bytes
// from a trace file). Invariants: decoding never crashes or hangs; whatever
// decodes prints, converts to an engine value, and that value re-encodes to
// bytes that decode again and re-encode identically (the encoder is canonical).
//
//   cmake -S . -B build-fuzz-dbg -G Ninja -DCMAKE_C_COMPILER=clang-19 \
//         -DCMAKE_CXX_COMPILER=clang++-19 -DAEROFLOW_FUZZ=ON
//   cmake --build build-fuzz-dbg --target fuzz_payload
//
// or, without configuring the project with clang, against the engine and
// compiler libraries of an ordinary build (BUILD = that build directory):
//
//   clang++-19 -std=c++23 -O1 -g -fno-omit-frame-pointer -ffp-contract=off \
//     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
//     -Idebugger -Iengine -Icompiler tests/debugger/fuzz_payload.cpp debugger/Payload.cpp \
//     $BUILD/engine/libaeroflow_engine.a $BUILD/compiler/libaeroflow_compiler.a -o fuzz_payload
//
// Run (copy the corpus first: the fuzzer adds to the directory it is given):
//
//   cp -r tests/debugger/corpus /tmp/payload-corpus
//   ./fuzz_payload -max_total_time=600 -max_len=4096 /tmp/payload-corpus

#include "Payload.h"
#include "Value.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace aeroflow;
using namespace aeroflow::debugger;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void roundTrip(const PayloadValue& v)
{
    static const PayloadNames names{{"Ping", "Pong"}, {"Actor"}, {"f"}};
    (void)formatPayload(v, names, true);
    std::string once;
    encodeValue(once, toEngineValue(v), nullptr);
    auto again = decodeValue(once);
    check(again.has_value());
    std::string twice;
    encodeValue(twice, toEngineValue(*again), nullptr);
    check(once == twice);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    // The first byte picks the row kind: an emitted value, or a message's
    // arguments under message id (byte - 1).
    const std::optional<int64_t> handler = data[0] == 0 ? std::nullopt : std::optional<int64_t>(data[0] - 1);
    auto v = decodeRowPayload(handler, bytes);
    if (v)
        roundTrip(*v);
    else
        check(v.error().rfind("malformed payload", 0) == 0);
    return 0;
}
