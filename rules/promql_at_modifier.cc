#include "rules/promql_at_modifier.h"

#include "absl/strings/ascii.h"

namespace aurora {
namespace {

bool Space(char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); }

// Length of `@ start()` / `@ end()` at `i` (whitespace allowed between the
// tokens), 0 when there is none.
size_t AtBoundLength(std::string_view s, size_t i) {
  if (s[i] != '@') return 0;
  size_t j = i + 1;
  while (j < s.size() && Space(s[j])) ++j;
  size_t word = 0;
  if (s.substr(j, 5) == "start") word = 5;
  else if (s.substr(j, 3) == "end") word = 3;
  if (word == 0) return 0;
  j += word;
  while (j < s.size() && Space(s[j])) ++j;
  if (j >= s.size() || s[j] != '(') return 0;
  ++j;
  while (j < s.size() && Space(s[j])) ++j;
  if (j >= s.size() || s[j] != ')') return 0;
  return j + 1 - i;
}

}  // namespace

std::string WithoutRangeBoundAt(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"' || c == '\'' || c == '`') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) j += (c != '`' && s[j] == '\\') ? 2 : 1;
      j = std::min(j, s.size() - 1);
      out.append(s.substr(i, j - i + 1));
      i = j;
      continue;
    }
    if (c == '#') {
      size_t j = s.find('\n', i);
      if (j == std::string_view::npos) j = s.size() - 1;
      out.append(s.substr(i, j - i + 1));
      i = j;
      continue;
    }
    if (size_t n = AtBoundLength(s, i); n > 0) {
      i += n - 1;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace aurora
