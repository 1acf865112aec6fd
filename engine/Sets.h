#pragma once
// Sets (`set([1, 2])`): what the builtin and the set methods compute. A set
// keeps its elements as MapKey encodings in insertion order (SetObj), so
// everything here walks them in that order: results are deterministic and
// equal sets built in different orders still compare equal (valuesEqual).

#include "Value.h"

namespace aeroflow::engine {

/// `set()` (no `source`) or `set(source)`: the elements of a list, the
/// elements of a set, or the keys of a map, first occurrences first.
Value setFrom(const Value* source);
/// `a.union(b)`: a's elements, then b's that a lacks.
Value setUnion(const Value& a, const Value& b);
/// `a.intersection(b)`: a's elements that b has, in a's order.
Value setIntersection(const Value& a, const Value& b);
/// `a.difference(b)`: a's elements that b lacks, in a's order.
Value setDifference(const Value& a, const Value& b);
/// `s.to_list()`: the elements in insertion order.
Value setToList(const Value& s);
/// `s.has(x)`; a value that cannot be an element (a float, a list) is an error.
bool setHas(const Value& s, const Value& x);
/// `s.add(x)` on the receiver `s` (copied first when shared): true when added.
bool setAdd(Value& s, const Value& x);
/// `s.remove(x)`: true when `x` was there.
bool setRemove(Value& s, const Value& x);
/// `x in c` (opcode IN): an element of a list (valuesEqual), a key of a
/// map, an element of a set, a substring of a string; anything else is an error.
bool containsValue(const Value& x, const Value& c);

} // namespace aeroflow::engine
