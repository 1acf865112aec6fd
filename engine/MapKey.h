#pragma once
// Keys of maps and elements of sets: one canonical, injective byte encoding
// per key value, so that MapEntries keeps indexing plain byte strings.
//
// Encoding (also what snapshots store, docs/SNAPSHOT_FORMAT.md):
//   string s   s itself, when s is empty or its first byte is not 0xFF;
//              else 0xFF 's' s (0xFF never occurs in UTF-8, so this only
//              happens for strings holding raw bytes)
//   int n      0xFF 'i' and the 8 bytes of n, little endian
//   bool b     0xFF 'b' and one byte, 0 or 1
//   record     0xFF 'r', its type index (4 bytes, little endian), then per
//              field in declaration order its encoding's length (4 bytes)
//              and the encoding; every field must itself be a key
// A string key is therefore stored exactly as before keys could be anything
// else: string-keyed maps keep their bytes in snapshots, state hashes and
// traces, and a string lookup costs one extra byte test. Two keys are equal
// exactly when their encodings are (ints never equal strings or bools).
//
// Adding a key kind (records of hashable values): give it its own letter
// after 0xFF and an encoding that is injective on its own — a record would
// be 'r', its type id, then each field's encoding preceded by its length —
// and extend the MapKey constructor, decodeMapKey, appendMapKey and
// validMapKey (and TypeTable::isKeyType, for the checker). Floats
// are refused (1 == 1.0 in AeroFlow, and NaN is equal to nothing), as are
// nil and containers, which are not values a key could be compared by.

#include "Value.h"

namespace aeroflow::compiler {
struct Program;
}

#include <string>
#include <string_view>

namespace aeroflow::engine {

/// The program whose records the record keys of this thread name (the Vm
/// sets its own; a view that decodes keys outside a run sets it with
/// MapKeyProgram). Without one, a record key decodes to nil and prints by
/// its type index.
void setMapKeyProgram(const compiler::Program* program);
const compiler::Program* mapKeyProgram();
class MapKeyProgram {
public:
    explicit MapKeyProgram(const compiler::Program* p) : m_saved(mapKeyProgram()) { setMapKeyProgram(p); }
    ~MapKeyProgram() { setMapKeyProgram(m_saved); }
    MapKeyProgram(const MapKeyProgram&) = delete;
    MapKeyProgram& operator=(const MapKeyProgram&) = delete;

private:
    const compiler::Program* m_saved;
};

/// True for the encoding of a string key that is the string's own text.
inline bool mapKeyIsText(std::string_view k) { return k.empty() || uint8_t(k[0]) != 0xFF; }

/// The encoding of a key value, made once per lookup. A string key whose
/// bytes are its encoding is viewed, not copied.
class MapKey {
public:
    /// Encodes `key`; ok() is false when `key` cannot be a map key.
    explicit MapKey(const Value& key);
    /// A string key given as text (fields, `m.k`).
    explicit MapKey(std::string_view text);
    bool ok() const { return m_ok; }
    std::string_view bytes() const { return m_view; }

private:
    std::string m_buf;
    std::string_view m_view;
    bool m_ok = true;
};

/// The key value an encoding stands for (`k` is a valid encoding).
Value decodeMapKey(std::string_view k);
/// Whether `k` is a well-formed encoding (bytes from a snapshot).
bool validMapKey(std::string_view k);
/// The key as a map prints it: identifiers bare, other strings quoted, ints
/// and bools as themselves ("true"/"false" as strings are quoted).
void appendMapKey(std::string& out, std::string_view k);
/// The key as a message names it: strings quoted, others as printed.
std::string describeMapKey(std::string_view k);
/// Throws the error for a value that cannot be a key (`what`: "map key", "set element"):
/// "map keys must be int, string, bool or a record of them, found float; convert with int() or str()".
[[noreturn]] void refuseMapKey(const Value& key, const char* what);
/// The encoding a version-3 (or older) snapshot's raw string key has now.
std::string escapeLegacyKey(std::string_view text);

} // namespace aeroflow::engine
