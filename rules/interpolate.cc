#include "rules/interpolate.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {

VarLookup EnvironmentLookup() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

namespace {
bool IsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
}  // namespace

absl::StatusOr<std::string> ExpandVars(std::string_view text,
                                       const VarLookup& lookup,
                                       size_t* error_offset,
                                       std::vector<std::string>* used_vars) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '$' || i + 1 >= text.size()) {
      out += c;
      ++i;
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (text[i + 1] != '{') {
      out += c;
      ++i;
      continue;
    }
    size_t start = i;
    size_t j = i + 2;
    if (j >= text.size() || !IsNameStart(text[j])) {
      *error_offset = start;
      return absl::InvalidArgumentError(
          "expected a variable name after \"${\" (letters, digits, _)");
    }
    while (j < text.size() && IsNameChar(text[j])) ++j;
    std::string name(text.substr(i + 2, j - i - 2));
    std::optional<std::string> def;
    if (j < text.size() && text.substr(j, 2) == ":-") {
      size_t close = text.find('}', j + 2);
      if (close == std::string_view::npos) {
        *error_offset = start;
        return absl::InvalidArgumentError(
            absl::StrCat("unterminated \"${", name, ":-\", expected \"}\""));
      }
      def = std::string(text.substr(j + 2, close - j - 2));
      j = close;
    }
    if (j >= text.size() || text[j] != '}') {
      *error_offset = start;
      return absl::InvalidArgumentError(absl::StrCat(
          "unterminated \"${", name, "\", expected \"}\" or \":-default}\""));
    }
    if (used_vars != nullptr) used_vars->push_back(name);
    std::optional<std::string> value = lookup(name);
    if (value.has_value() && !(value->empty() && def.has_value())) {
      out += *value;
    } else if (def.has_value()) {
      out += *def;
    } else {
      *error_offset = start;
      return absl::InvalidArgumentError(absl::StrCat(
          "${", name, "} is not set and has no default; set it (environment "
          "or --set ", name, "=VALUE) or write ${", name, ":-default}"));
    }
    i = j + 1;
  }
  return out;
}

}  // namespace aurora
