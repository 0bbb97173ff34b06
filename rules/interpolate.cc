#include "rules/interpolate.h"

#include <cmath>
#include <cstdlib>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "rules/duration.h"

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

namespace {

// Where a `${…}` stands in the text, for ExpandVarsInPromql.
enum class Context {
  kPlain,
  kPromqlCode,
  kDoubleQuoted,
  kSingleQuoted,
  kRaw,
  kComment,  // PromQL `#` to the end of the line
};

// How a looked-up value is written at `context`; an error says why it may
// not stand there.
using Insert = std::function<absl::Status(const std::string& name,
                                          const std::string& value,
                                          Context context, std::string* out)>;

// The PromQL string context after `chunk` (a default's text, which is
// gate-file PromQL like the rest), starting in `*context`.
void TrackQuotes(std::string_view chunk, Context* context) {
  for (size_t i = 0; i < chunk.size(); ++i) {
    const char c = chunk[i];
    switch (*context) {
      case Context::kPromqlCode:
        if (c == '"') *context = Context::kDoubleQuoted;
        if (c == '\'') *context = Context::kSingleQuoted;
        if (c == '`') *context = Context::kRaw;
        if (c == '#') *context = Context::kComment;
        break;
      case Context::kComment:
        if (c == '\n') *context = Context::kPromqlCode;
        break;
      case Context::kDoubleQuoted:
      case Context::kSingleQuoted:
        if (c == '\\') {
          ++i;
        } else if (c == (*context == Context::kDoubleQuoted ? '"' : '\'')) {
          *context = Context::kPromqlCode;
        }
        break;
      case Context::kRaw:
        if (c == '`') *context = Context::kPromqlCode;
        break;
      case Context::kPlain:
        break;
    }
  }
}

absl::StatusOr<std::string> Expand(std::string_view text,
                                   const VarLookup& lookup,
                                   size_t* error_offset,
                                   std::vector<std::string>* used_vars,
                                   bool promql, const Insert& insert) {
  std::string out;
  out.reserve(text.size());
  Context context = promql ? Context::kPromqlCode : Context::kPlain;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (promql && c != '$') {
      // PromQL string literals: "…" and '…' with backslash escapes, `…` raw.
      switch (context) {
        case Context::kPromqlCode:
          if (c == '"') context = Context::kDoubleQuoted;
          if (c == '\'') context = Context::kSingleQuoted;
          if (c == '`') context = Context::kRaw;
          if (c == '#') context = Context::kComment;
          break;
        case Context::kComment:
          if (c == '\n') context = Context::kPromqlCode;
          break;
        case Context::kDoubleQuoted:
        case Context::kSingleQuoted:
          if (c == '\\' && i + 1 < text.size() && text[i + 1] != '$') {
            out += c;
            out += text[i + 1];
            i += 2;
            continue;
          }
          // `\${V}`: the backslash would pair with the escape the value's
          // first quote gets, and the value would close the string.
          if (c == '\\' && text.substr(i + 1, 2) == "${") {
            *error_offset = i;
            return absl::InvalidArgumentError(
                "a backslash before \"${\" in a PromQL string would let the "
                "variable's value end the string; remove it (the value is "
                "escaped as it is inserted)");
          }
          if (c == (context == Context::kDoubleQuoted ? '"' : '\'')) {
            context = Context::kPromqlCode;
          }
          break;
        case Context::kRaw:
          if (c == '`') context = Context::kPromqlCode;
          break;
        case Context::kPlain:
          break;
      }
    }
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
      if (absl::Status st = insert(name, *value, context, &out); !st.ok()) {
        *error_offset = start;
        return st;
      }
    } else if (def.has_value()) {
      out += *def;
      if (promql) TrackQuotes(*def, &context);
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

bool IsPromqlName(std::string_view v) {
  if (v.empty()) return false;
  // PromQL reads these as the numbers NaN and +Inf, not as names.
  for (const char* number : {"nan", "inf", "infinity"}) {
    if (absl::EqualsIgnoreCase(Sv(v), number)) return false;
  }
  const auto start = [](char c) { return IsNameStart(c) || c == ':'; };
  if (!start(v[0])) return false;
  for (char c : v) {
    if (!(start(c) || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// `value` as the content of a PromQL "…" or '…' string.
std::string PromqlStringContent(std::string_view value, char quote) {
  std::string out;
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c == quote) {
          out += '\\';
          out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += absl::StrFormat("\\x%02x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ExpandVars(std::string_view text,
                                       const VarLookup& lookup,
                                       size_t* error_offset,
                                       std::vector<std::string>* used_vars) {
  return Expand(text, lookup, error_offset, used_vars, /*promql=*/false,
                [](const std::string&, const std::string& value, Context,
                   std::string* out) {
                  *out += value;
                  return absl::OkStatus();
                });
}

absl::StatusOr<std::string> ExpandVarsInPromql(
    std::string_view text, const VarLookup& lookup, size_t* error_offset,
    std::vector<std::string>* used_vars) {
  return Expand(
      text, lookup, error_offset, used_vars, /*promql=*/true,
      [](const std::string& name, const std::string& value, Context context,
         std::string* out) -> absl::Status {
        switch (context) {
          case Context::kDoubleQuoted:
            *out += PromqlStringContent(value, '"');
            return absl::OkStatus();
          case Context::kSingleQuoted:
            *out += PromqlStringContent(value, '\'');
            return absl::OkStatus();
          case Context::kComment:
            // A line break would end the comment and make the rest code.
            if (value.find_first_of("\n\r") != std::string::npos) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "${", name, "} stands in a PromQL comment and its value "
                  "holds a line break, which would end the comment"));
            }
            *out += value;
            return absl::OkStatus();
          case Context::kRaw:
            if (value.find('`') != std::string::npos) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "${", name, "} stands in a raw `…` string and its value "
                  "holds a backtick, which such a string cannot carry"));
            }
            *out += value;
            return absl::OkStatus();
          default:
            break;
        }
        const std::optional<double> number = ParseNumber(value);
        // Finite only: `> ${MAX}` with 1e999 or NaN would never hold.
        if ((number.has_value() && std::isfinite(*number) &&
             value.find_first_of(" \t\n\r\v\f") == std::string::npos) ||
            ParsePromDuration(value).ok() || IsPromqlName(value)) {
          *out += value;
          return absl::OkStatus();
        }
        return absl::InvalidArgumentError(absl::StrCat(
            "${", name, "} outside a quoted string in a PromQL expression "
            "must be a number, a duration (5m) or a name "
            "([a-zA-Z_:][a-zA-Z0-9_:]*); its value is not one (write it "
            "inside quotes to use it as a label value)"));
      });
}

}  // namespace aurora
