#pragma once
// json.encode / json.decode and crypto.sha256: plain functions of their input.

#include "Value.h"

#include <string>
#include <string_view>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::engine {

/// JSON text of a value: numbers, strings, bools, nil (null), lists, maps;
/// other values are encoded as their printed form in a string.
std::string jsonEncode(const Value& v, const compiler::Program* program);
/// Ok(value) for valid JSON (objects become maps, arrays lists, integral
/// numbers ints), Err("why") otherwise.
Value jsonDecode(std::string_view text);
/// json.decode(text, Record): Ok(record) when the JSON is an object with
/// every field of record type `record` (index into program.records), each of
/// its declared type; Err("why", naming the field) otherwise.
Value jsonDecodeRecord(std::string_view text, const compiler::Program& program, int64_t record);
/// Lower-case hex SHA-256 of the bytes of `text`.
std::string sha256Hex(std::string_view text);

} // namespace aeroflow::engine
