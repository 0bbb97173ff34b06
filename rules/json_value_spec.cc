#include "rules/json_value_spec.h"

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {

bool JsonPointer::has_wildcard() const {
  for (const auto& t : tokens) {
    if (t.wildcard) return true;
  }
  return false;
}

absl::StatusOr<JsonPointer> ParseJsonPointer(std::string_view text,
                                             size_t* error_offset) {
  auto fail = [error_offset](size_t at, std::string message) {
    if (error_offset != nullptr) *error_offset = at;
    return absl::InvalidArgumentError(std::move(message));
  };
  JsonPointer out;
  out.text = std::string(text);
  if (text.empty()) return out;
  if (text[0] != '/') {
    return fail(0, absl::StrCat("expected a JSON pointer starting with \"/\" "
                                "(e.g. \"/events/*/trace_id\") or \"\" for "
                                "the whole document, got \"",
                                Sv(text), "\""));
  }
  size_t i = 1;
  while (true) {
    size_t start = i;
    JsonPointerToken token;
    while (i < text.size() && text[i] != '/') {
      if (text[i] == '~') {
        if (i + 1 < text.size() && (text[i + 1] == '0' || text[i + 1] == '1')) {
          token.key.push_back(text[i + 1] == '0' ? '~' : '/');
          i += 2;
          continue;
        }
        return fail(i, "\"~\" in a JSON pointer must be followed by 0 (for "
                       "\"~\") or 1 (for \"/\")");
      }
      token.key.push_back(text[i++]);
    }
    token.wildcard = text.substr(start, i - start) == "*";
    if (token.wildcard) token.key.clear();
    out.tokens.push_back(std::move(token));
    if (i >= text.size()) break;
    ++i;  // the '/'
  }
  return out;
}

std::optional<JsonReduce> ParseJsonReduce(std::string_view name) {
  if (name == "count") return JsonReduce::kCount;
  if (name == "count_distinct") return JsonReduce::kCountDistinct;
  if (name == "sum") return JsonReduce::kSum;
  if (name == "min") return JsonReduce::kMin;
  if (name == "max") return JsonReduce::kMax;
  if (name == "avg") return JsonReduce::kAvg;
  return std::nullopt;
}

std::string JsonReduceName(JsonReduce r) {
  switch (r) {
    case JsonReduce::kSingle: return "value";
    case JsonReduce::kCount: return "count";
    case JsonReduce::kCountDistinct: return "count_distinct";
    case JsonReduce::kSum: return "sum";
    case JsonReduce::kMin: return "min";
    case JsonReduce::kMax: return "max";
    case JsonReduce::kAvg: return "avg";
  }
  return "?";
}

const std::vector<std::string>& JsonReduceNames() {
  static const auto* kNames = new std::vector<std::string>{
      "count", "count_distinct", "sum", "min", "max", "avg"};
  return *kNames;
}

}  // namespace aurora
