#include "rules/series_notation.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace aurora {
namespace {

absl::Status ErrorAt(size_t offset, const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrCat("column ", offset + 1, ": ", what));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads one item of a value sequence; `i` moves past what was read.
class ItemReader {
 public:
  ItemReader(std::string_view text, size_t& i) : s_(text), i_(i) {}

  // A number (sign not included): digits[.digits][e[+-]digits], or Inf /
  // NaN in any case. Empty when there is none at i.
  std::optional<double> Number() {
    const size_t start = i_;
    if (i_ < s_.size() && IsAlpha(s_[i_])) {
      size_t j = i_;
      while (j < s_.size() && (IsAlpha(s_[j]) || IsDigit(s_[j]))) ++j;
      std::string word = absl::AsciiStrToLower(std::string(s_.substr(i_, j - i_)));
      if (word == "inf") {
        i_ = j;
        return std::numeric_limits<double>::infinity();
      }
      if (word == "nan") {
        i_ = j;
        return std::numeric_limits<double>::quiet_NaN();
      }
      return std::nullopt;
    }
    size_t j = i_;
    while (j < s_.size() && IsDigit(s_[j])) ++j;
    bool digits = j > i_;
    if (j < s_.size() && s_[j] == '.') {
      ++j;
      size_t f = j;
      while (j < s_.size() && IsDigit(s_[j])) ++j;
      digits = digits || j > f;
    }
    if (!digits) return std::nullopt;
    if (j < s_.size() && (s_[j] == 'e' || s_[j] == 'E')) {
      size_t k = j + 1;
      if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) ++k;
      size_t e = k;
      while (k < s_.size() && IsDigit(s_[k])) ++k;
      if (k == e) return std::nullopt;
      j = k;
    }
    std::string number(s_.substr(start, j - start));
    i_ = j;
    return std::strtod(number.c_str(), nullptr);
  }

  // [+-] Number.
  std::optional<double> Signed() {
    if (i_ >= s_.size() || (s_[i_] != '+' && s_[i_] != '-')) return std::nullopt;
    const bool negative = s_[i_] == '-';
    ++i_;
    std::optional<double> v = Number();
    if (!v) return std::nullopt;
    return negative ? -*v : *v;
  }

  // "x" followed by an unsigned integer.
  absl::StatusOr<std::optional<uint64_t>> Times() {
    if (i_ >= s_.size() || s_[i_] != 'x') return std::optional<uint64_t>();
    ++i_;
    const size_t start = i_;
    uint64_t n = 0;
    while (i_ < s_.size() && IsDigit(s_[i_])) {
      if (n > (std::numeric_limits<uint64_t>::max() - 9) / 10) {
        return ErrorAt(start, "repetition count out of range");
      }
      n = n * 10 + static_cast<uint64_t>(s_[i_] - '0');
      ++i_;
    }
    if (i_ == start) return ErrorAt(start, "expected a repetition count after \"x\"");
    return std::optional<uint64_t>(n);
  }

  bool AtEnd() const { return i_ >= s_.size() || IsSpace(s_[i_]); }
  size_t pos() const { return i_; }

 private:
  std::string_view s_;
  size_t& i_;
};

}  // namespace

absl::StatusOr<std::vector<SeriesStep>> ExpandSeriesValues(
    std::string_view text, size_t max_steps) {
  std::vector<SeriesStep> out;
  auto add = [&](SeriesStep step, uint64_t count, size_t at) -> absl::Status {
    if (count > max_steps || out.size() + count > max_steps) {
      return ErrorAt(at, absl::StrCat("more than ", max_steps, " steps"));
    }
    for (uint64_t k = 0; k < count; ++k) out.push_back(step);
    return absl::OkStatus();
  };
  size_t i = 0;
  while (true) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i >= text.size()) break;
    const size_t start = i;
    ItemReader r(text, i);
    auto finish = [&]() -> absl::Status {
      if (!r.AtEnd()) {
        return ErrorAt(r.pos(), absl::StrCat("unexpected \"", std::string(text.substr(r.pos(), 1)),
                                             "\" in series values"));
      }
      return absl::OkStatus();
    };
    if (text[i] == '_') {
      ++i;
      absl::StatusOr<std::optional<uint64_t>> n = r.Times();
      if (!n.ok()) return n.status();
      if (absl::Status s = finish(); !s.ok()) return s;
      if (absl::Status s = add({SeriesStep::Kind::kOmitted, 0}, n->value_or(1), start); !s.ok()) {
        return s;
      }
      continue;
    }
    if (IsAlpha(text[i])) {
      size_t j = i;
      while (j < text.size() && (IsAlpha(text[j]) || IsDigit(text[j]))) ++j;
      if (text.substr(i, j - i) == "stale") {
        i = j;
        if (absl::Status s = finish(); !s.ok()) return s;
        if (absl::Status s = add({SeriesStep::Kind::kStale, 0}, 1, start); !s.ok()) {
          return s;
        }
        continue;
      }
    }
    std::optional<double> first =
        (text[i] == '+' || text[i] == '-') ? r.Signed() : r.Number();
    if (!first) {
      return ErrorAt(start, absl::StrCat("expected a number, \"_\" or \"stale\", got \"",
                                         std::string(text.substr(start, 1)), "\""));
    }
    double value = *first;
    std::optional<double> increment;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      const size_t at = i;
      increment = r.Signed();
      if (!increment) return ErrorAt(at, "expected a number after the sign");
      if (i >= text.size() || text[i] != 'x') {
        return ErrorAt(i, "expected \"x\" and a count after \"a+b\"");
      }
    }
    absl::StatusOr<std::optional<uint64_t>> n = r.Times();
    if (!n.ok()) return n.status();
    if (absl::Status s = finish(); !s.ok()) return s;
    if (!n->has_value()) {
      if (absl::Status s = add({SeriesStep::Kind::kValue, value}, 1, start); !s.ok()) return s;
      continue;
    }
    const uint64_t count = **n;
    if (count >= max_steps || out.size() + count + 1 > max_steps) {
      return ErrorAt(start, absl::StrCat("more than ", max_steps, " steps"));
    }
    for (uint64_t k = 0; k <= count; ++k) {
      out.push_back({SeriesStep::Kind::kValue, value});
      if (increment) value += *increment;
    }
  }
  return out;
}

absl::StatusOr<SeriesLabels> ParseSeriesLabels(std::string_view s) {
  SeriesLabels out;
  size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && IsSpace(s[i])) ++i;
  };
  auto name_start = [](char c) { return IsAlpha(c) || c == ':'; };
  auto name_char = [&](char c) { return name_start(c) || IsDigit(c); };
  skip();
  size_t start = i;
  while (i < s.size() && name_char(s[i]) && (i > start || name_start(s[i]))) ++i;
  out.name = std::string(s.substr(start, i - start));
  skip();
  if (i < s.size() && s[i] == '{') {
    ++i;
    while (true) {
      skip();
      if (i < s.size() && s[i] == '}') {
        ++i;
        break;
      }
      const size_t ln = i;
      if (i >= s.size() || !IsAlpha(s[i])) return ErrorAt(i, "expected a label name");
      while (i < s.size() && (IsAlpha(s[i]) || IsDigit(s[i]))) ++i;
      std::string label(s.substr(ln, i - ln));
      skip();
      if (i >= s.size() || s[i] != '=') return ErrorAt(i, "expected \"=\" after the label name");
      ++i;
      skip();
      if (i >= s.size() || (s[i] != '"' && s[i] != '\'')) {
        return ErrorAt(i, "expected a quoted label value");
      }
      const char quote = s[i++];
      std::string value;
      while (true) {
        if (i >= s.size()) return ErrorAt(i, "unterminated label value");
        char c = s[i++];
        if (c == quote) break;
        if (c == '\n') return ErrorAt(i - 1, "newline in a label value");
        if (c != '\\') {
          value += c;
          continue;
        }
        if (i >= s.size()) return ErrorAt(i, "unterminated escape");
        char e = s[i++];
        switch (e) {
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case 'r': value += '\r'; break;
          case '\\': case '"': case '\'': value += e; break;
          default:
            return ErrorAt(i - 2, absl::StrCat("unknown escape \\", std::string(1, e)));
        }
      }
      if (label == "__name__") {
        if (!out.name.empty()) return ErrorAt(ln, "metric name given twice");
        out.name = value;
      } else if (!out.labels.emplace(label, value).second) {
        return ErrorAt(ln, absl::StrCat("label \"", label, "\" given twice"));
      }
      skip();
      if (i < s.size() && s[i] == ',') {
        ++i;
      } else if (i < s.size() && s[i] == '}') {
        ++i;
        break;
      } else {
        return ErrorAt(i, "expected \",\" or \"}\"");
      }
    }
  } else if (out.name.empty()) {
    return ErrorAt(i, "expected a metric name or \"{\"");
  }
  skip();
  if (i != s.size()) return ErrorAt(i, "unexpected text after the series");
  return out;
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += absl::StrFormat("\\x%02x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string PromLabelsString(const std::map<std::string, std::string>& labels) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ", ";
    first = false;
    absl::StrAppend(&out, k, "=", GoQuote(v));
  }
  return out + "}";
}

}  // namespace aurora
