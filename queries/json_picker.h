// File: queries/json_picker.h
// Picks values out of JSON documents by a JSON pointer with `*` wildcards
// and reduces them to one number (a `values:` entry of a json or http
// source, rules/json_value_spec.h). Pure: documents in, number out.
#ifndef AURORA_QUERIES_JSON_PICKER_H_
#define AURORA_QUERIES_JSON_PICKER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rapidjson/document.h"
#include "rules/gate.h"

namespace aurora {

// A value the pointer reached, with its concrete path ("/events/2/id"),
// prefixed by `where` of its document (e.g. "line 3: ") in messages.
struct PickedJson {
  const rapidjson::Value* value;
  std::string path;
};

// Every value at `pointer` in `doc`, in document order. A `*` token expands
// to every array element / object member; a missing member, an index out of
// range or a step into a scalar picks nothing (never an error). Array
// indexes are decimal without leading zeros, as RFC 6901 says.
std::vector<PickedJson> PickJson(const rapidjson::Value& doc,
                                 const JsonPointer& pointer);

// One document the values are picked from; `where` names it in errors ("",
// or "line 7" of a JSON-lines file).
struct JsonDoc {
  const rapidjson::Value* root;
  std::string where;
};

// Picks `spec.pointer` from every document, drops JSON nulls, keeps only
// strings that fully match `spec.match` (when set), and reduces:
//   count, count_distinct  any values (distinct by their JSON text); nothing
//                          picked is 0.
//   sum, min, max, avg     numbers, strings holding a number ("1.5", "NaN",
//   and the single value   "+Inf"), booleans as 1/0; nothing picked is
//                          nullopt (no data). A NaN makes the result NaN.
// InvalidArgument when a value has a type the reduction cannot take (naming
// its path and type), or when no `reduce` was given and several values were
// picked. Pure.
absl::StatusOr<std::optional<double>> PickAndReduce(
    const std::vector<JsonDoc>& docs, const JsonValueSpec& spec);

}  // namespace aurora

#endif  // AURORA_QUERIES_JSON_PICKER_H_
