#pragma once
// The compact binary form of message payloads in a trace (docs/TRACE_SCHEMA.md,
// "Payload encoding"): one tag byte per value, LEB128 varints for lengths and
// ids, zigzag varints for ints, 8 little-endian bytes for floats. A message
// row stores only the argument count and the arguments (its message id is the
// row's `handler`); a value emitted to the main program is stored whole.
//
// Decoding is for untrusted bytes: every length is checked against what is
// left, nesting is bounded, and a malformed blob gives an error, never a crash
// (fuzzed by tests/debugger/fuzz_payload.cpp).

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}
namespace aeroflow::engine {
class Value;
}

namespace aeroflow::debugger {

/// Tags of the encoding. Values are part of the file format: never renumber.
enum class PayloadTag : uint8_t {
    Nil = 0, False = 1, True = 2, Int = 3, Float = 4, String = 5, List = 6, Map = 7,
    Tensor = 8, Actor = 9, Message = 10, Ok = 11, Err = 12, Function = 13,
    UiNode = 14,  ///< stored as its printed text (not rebuildable)
    Elided = 15,  ///< nested deeper than kMaxPayloadDepth; not stored
    KeyedMap = 16, ///< a map with a key that is not a string: keys as MapKey encodings
    Set = 17,      ///< elements as MapKey encodings, in insertion order
    Record = 18,   ///< record type index, field count, fields (declaration order)
};
/// The highest tag a decoder accepts.
inline constexpr PayloadTag kLastPayloadTag = PayloadTag::Record;

/// Deepest nesting the encoder writes and the decoder accepts.
inline constexpr int kMaxPayloadDepth = 256;

/// A decoded value: a plain tree, independent of any engine heap.
struct PayloadValue {
    PayloadTag tag = PayloadTag::Nil;
    int64_t i = 0;                       ///< Int
    double f = 0;                        ///< Float
    uint32_t id = 0, type = 0;           ///< Actor id/type, Message id, Function index, Record type
    std::string text;                    ///< String, UiNode
    /// Map keys (parallel to items) and Set elements, as engine/MapKey.h
    /// encodes them: a string key is its own text. Decoding a KeyedMap gives
    /// tag Map: the two differ only in how the keys were stored.
    std::vector<std::string> keys;
    std::vector<PayloadValue> items;     ///< List, Map values, Message args, Ok/Err value, captures
    std::vector<uint32_t> shape;         ///< Tensor
    std::vector<double> data;            ///< Tensor, row-major

    bool operator==(const PayloadValue&) const = default;
};

/// Names used when printing decoded values; any table may be empty (then
/// ids are printed).
struct PayloadNames {
    std::vector<std::string> messages;   ///< by message id
    std::vector<std::string> actorTypes; ///< by actor type index
    std::vector<std::string> functions;  ///< by function index
    std::vector<std::string> records;    ///< by record index
    std::vector<std::vector<std::string>> recordFields; ///< by record index: field names

    static PayloadNames fromProgram(const compiler::Program& program);
};

// --- encoding (engine values) -------------------------------------------------

/// Appends the encoding of `value`.
void encodeValue(std::string& out, const engine::Value& value, const compiler::Program* program);
/// Appends the payload of a delivery: the arguments of a message (count, then
/// each), or the whole value for one emitted to the main program.
void encodePayload(std::string& out, const engine::Value& payload, bool isMessage, const compiler::Program* program);

// --- decoding (untrusted bytes) -----------------------------------------------

/// One whole value; trailing bytes are an error.
std::expected<PayloadValue, std::string> decodeValue(std::string_view bytes);
/// A message row's payload as a Message value with id `messageId`.
std::expected<PayloadValue, std::string> decodeMessage(uint32_t messageId, std::string_view bytes);
/// A trace row: `handler` is the message id, or nullopt for an emitted value.
std::expected<PayloadValue, std::string> decodeRowPayload(std::optional<int64_t> handler, std::string_view bytes);

/// The printed form, as engine::toDisplay prints the original value (strings
/// are quoted inside collections, and at the top level when `quoteStrings`).
std::string formatPayload(const PayloadValue& value, const PayloadNames& names, bool quoteStrings = false);

/// Rebuilds an engine value (for re-injecting recorded UI events). UI nodes,
/// functions and elided values come back as nil; records too unless
/// `program` (whose records they are) is given.
engine::Value toEngineValue(const PayloadValue& value, const compiler::Program* program = nullptr);

} // namespace aeroflow::debugger
