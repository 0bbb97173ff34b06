#include "queries/json_document.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/line_col.h"
#include "base/strings.h"
#include "rapidjson/error/en.h"

namespace aurora {
namespace {


// Offset where nesting first exceeds kMaxJsonDepth, or npos. Strings are
// skipped so brackets inside them do not count.
size_t FindTooDeep(std::string_view s) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

absl::StatusOr<std::unique_ptr<rapidjson::Document>> ParseJson(
    std::string_view content, std::string_view name) {
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") {
    content.remove_prefix(3);
  }
  if (content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name), ": empty file, expected a JSON document"));
  }
  size_t deep = FindTooDeep(content);
  if (deep != std::string_view::npos) {
    auto [line, col] = LineColAt(content, deep);
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name), ": JSON nested deeper than ", kMaxJsonDepth,
                     " levels at line ", line, ", column ", col));
  }
  auto doc = std::make_unique<rapidjson::Document>();
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseNanAndInfFlag |
                              rapidjson::kParseFullPrecisionFlag;
  doc->Parse<kFlags>(content.data(), content.size());
  if (doc->HasParseError()) {
    size_t off = doc->GetErrorOffset();
    auto [line, col] = LineColAt(content, off);
    return absl::InvalidArgumentError(absl::StrCat(Sv(name), ": invalid JSON at line ", line, ", column ", col, ": ",
        rapidjson::GetParseError_En(doc->GetParseError())));
  }
  return doc;
}

std::optional<double> JsonNumber(const rapidjson::Value& v) {
  if (!v.IsNumber()) return std::nullopt;
  return v.GetDouble();
}

const char* JsonTypeName(const rapidjson::Value& v) {
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (v.IsString()) return "a string";
  if (v.IsBool()) return "a boolean";
  if (v.IsNull()) return "null";
  return "a number";
}

}  // namespace aurora
