#include "rules/unit_inference.h"

#include <optional>
#include <set>
#include <string>

#include "absl/strings/ascii.h"

namespace aurora {
namespace {

// Functions whose result has their argument's unit.
const std::set<std::string_view>& UnitKeepingFunctions() {
  static const auto* f = new std::set<std::string_view>{
      "sum", "min", "max", "avg", "abs", "ceil", "floor", "round", "clamp",
      "clamp_min", "clamp_max", "max_over_time", "min_over_time",
      "avg_over_time", "quantile_over_time", "last_over_time",
      "stddev_over_time", "quantile", "topk", "bottomk", "stddev",
      "label_replace", "label_join", "sort", "sort_desc", "scalar",
      "predict_linear", "histogram_quantile"};
  return *f;
}

// Keywords followed by a parenthesised list of label names.
bool IsLabelListKeyword(std::string_view w) {
  return w == "by" || w == "without" || w == "on" || w == "ignoring" ||
         w == "group_left" || w == "group_right";
}

bool IsWordStart(char c) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         c == ':';
}
bool IsWordChar(char c) {
  return IsWordStart(c) || absl::ascii_isdigit(static_cast<unsigned char>(c));
}

std::optional<Unit> UnitOfName(std::string_view name, bool in_histogram) {
  // histogram_quantile over NAME_bucket: the unit of NAME.
  if (in_histogram && name.ends_with("_bucket")) {
    name.remove_suffix(std::string_view("_bucket").size());
  }
  if (name == "benchmark_ops") return Unit::kOpsPerSecond;
  if (name.ends_with("_milliseconds")) return Unit::kMilliseconds;
  if (name.ends_with("_seconds")) return Unit::kSeconds;
  if (name.ends_with("_bytes")) return Unit::kBytes;
  if (name.ends_with("_ratio")) return Unit::kRatio;
  if (name.ends_with("_percent")) return Unit::kPercent;
  return std::nullopt;
}

// Index of the closing bracket matching the opener at `open`, skipping
// quoted strings; text.size() when unbalanced.
size_t SkipBalanced(std::string_view text, size_t open) {
  const char opener = text[open];
  const char closer = opener == '(' ? ')' : opener == '{' ? '}' : ']';
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'' || c == '`') {
      const char q = c;
      for (++i; i < text.size() && text[i] != q; ++i) {
        if (text[i] == '\\' && q != '`') ++i;
      }
      continue;
    }
    if (c == opener) ++depth;
    if (c == closer && --depth == 0) return i;
  }
  return text.size();
}

}  // namespace

Unit InferUnit(std::string_view query) {
  std::set<std::string> functions;
  std::set<std::string> names;
  for (size_t i = 0; i < query.size();) {
    const char c = query[i];
    if (c == '"' || c == '\'' || c == '`') {
      size_t j = i + 1;
      for (; j < query.size() && query[j] != c; ++j) {
        if (query[j] == '\\' && c != '`') ++j;
      }
      i = j + 1;
      continue;
    }
    if (c == '{' || c == '[') {  // label matchers, ranges: no metric names
      i = SkipBalanced(query, i) + 1;
      continue;
    }
    if (c == '*' || c == '/' || c == '%' || c == '^') return Unit::kNone;
    if (absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.') {
      // A number (1e3, 0x1f, 5m): not a name.
      while (i < query.size() && (IsWordChar(query[i]) || query[i] == '.')) ++i;
      continue;
    }
    if (!IsWordStart(c)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < query.size() && IsWordChar(query[j])) ++j;
    const std::string word(query.substr(i, j - i));
    size_t k = j;
    while (k < query.size() &&
           absl::ascii_isspace(static_cast<unsigned char>(query[k]))) {
      ++k;
    }
    const bool called = k < query.size() && query[k] == '(';
    if (IsLabelListKeyword(word)) {
      i = called ? SkipBalanced(query, k) + 1 : j;
      continue;
    }
    if (called) {
      functions.insert(word);
    } else if (word != "bool" && word != "offset" && word != "and" &&
               word != "or" && word != "unless" && word != "inf" &&
               word != "nan" && word != "Inf" && word != "NaN") {
      names.insert(word);
    }
    i = j;
  }
  const bool histogram = functions.count("histogram_quantile") > 0;
  for (const std::string& f : functions) {
    if (UnitKeepingFunctions().count(f)) continue;
    // rate()/increase() of buckets is what histogram_quantile takes.
    if (histogram && (f == "rate" || f == "irate" || f == "increase")) continue;
    return Unit::kNone;
  }
  std::optional<Unit> unit;
  for (const std::string& name : names) {
    std::optional<Unit> u = UnitOfName(name, histogram);
    if (!u) continue;
    if (unit && *unit != *u) return Unit::kNone;
    unit = u;
  }
  return unit.value_or(Unit::kNone);
}

}  // namespace aurora
