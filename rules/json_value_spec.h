// File: rules/json_value_spec.h
// How a `json` or `http` source picks a metric from a JSON document (gate
// file `values:`): a JSON pointer (RFC 6901) whose tokens may be `*`, an
// optional RE2 full match on string values, and a reduction. Syntax only;
// the picking itself is queries/json_picker.h.
#ifndef AURORA_RULES_JSON_VALUE_SPEC_H_
#define AURORA_RULES_JSON_VALUE_SPEC_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace aurora {

// One reference token: a member name or array index (unescaped), or `*`.
struct JsonPointerToken {
  std::string key;
  bool wildcard = false;  // the token was exactly "*"
  bool operator==(const JsonPointerToken&) const = default;
};

struct JsonPointer {
  std::string text;  // as written
  std::vector<JsonPointerToken> tokens;  // empty: the whole document
  bool has_wildcard() const;
};

// Parses "" (the whole document) or "/a/b~1c/*/d": tokens separated by '/',
// "~0" is '~' and "~1" is '/'; a token that is exactly "*" matches every
// array element / object member at that level (a member literally named "*"
// cannot be selected). On error returns InvalidArgument and sets
// `*error_offset` (when non-null) to the offending byte. Pure.
absl::StatusOr<JsonPointer> ParseJsonPointer(std::string_view text,
                                             size_t* error_offset = nullptr);

enum class JsonReduce {
  kSingle,  // no `reduce:` written: the one value the pointer picks
  kCount,
  kCountDistinct,
  kSum,
  kMin,
  kMax,
  kAvg,
};

// "count", "count_distinct", "sum", "min", "max", "avg"; nullopt otherwise.
std::optional<JsonReduce> ParseJsonReduce(std::string_view name);
std::string JsonReduceName(JsonReduce r);  // "value" for kSingle
// The names a gate file may write, for error messages.
const std::vector<std::string>& JsonReduceNames();

}  // namespace aurora

#endif  // AURORA_RULES_JSON_VALUE_SPEC_H_
