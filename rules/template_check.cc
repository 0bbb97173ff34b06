#include "rules/template_check.h"

#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace aurora {
namespace {

// Go text/template builtins and keywords, and Prometheus' template
// functions (template/template.go).
const std::set<std::string_view>& KnownFunctions() {
  static const std::set<std::string_view> kNames = {
      // Go builtins.
      "and", "call", "html", "index", "slice", "js", "len", "not", "or",
      "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt",
      "ne",
      // Prometheus.
      "query", "first", "label", "value", "strvalue", "args", "reReplaceAll",
      "safeHtml", "match", "title", "toUpper", "toLower", "graphLink",
      "tableLink", "sortByLabel", "stripPort", "stripDomain", "humanize",
      "humanize1024", "humanizeDuration", "humanizePercentage",
      "humanizeTimestamp", "toTime", "toDuration", "now", "pathPrefix",
      "externalURL", "parseDuration", "urlQueryEscape", "tmpl"};
  return kNames;
}

bool IsIdentStart(char c) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsIdentChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
}

struct Token {
  enum Kind { kVar, kIdent, kField, kDeclare, kAssign, kOther } kind;
  std::string text;
  size_t offset;
};

}  // namespace

std::optional<TemplateProblem> CheckAlertTemplate(std::string_view text) {
  std::set<std::string> vars = {"$", "$labels", "$value", "$externalLabels",
                                "$externalURL"};
  std::vector<std::string> open;  // if/range/with/define/block awaiting end
  size_t i = 0;
  const size_t n = text.size();
  while (true) {
    size_t start = text.find("{{", i);
    if (start == std::string_view::npos) break;
    size_t j = start + 2;
    if (j + 1 < n && text[j] == '-' && absl::ascii_isspace(static_cast<unsigned char>(text[j + 1]))) ++j;
    while (j < n && absl::ascii_isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (text.substr(j, 2) == "/*") {
      size_t end = text.find("*/", j + 2);
      if (end == std::string_view::npos) return TemplateProblem{start, "unclosed comment"};
      size_t k = end + 2;
      while (k < n && (text[k] == ' ' || text[k] == '-')) ++k;
      if (text.substr(k, 2) != "}}") {
        return TemplateProblem{start, "comment ends before closing delimiter"};
      }
      i = k + 2;
      continue;
    }
    std::vector<Token> tokens;
    bool closed = false;
    while (j < n) {
      char c = text[j];
      if (c == '}' && j + 1 < n && text[j + 1] == '}') {
        closed = true;
        j += 2;
        break;
      }
      if (c == '-' && j + 2 < n && text[j + 1] == '}' && text[j + 2] == '}' &&
          j > 0 && absl::ascii_isspace(static_cast<unsigned char>(text[j - 1]))) {
        ++j;
        continue;
      }
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        ++j;
        continue;
      }
      if (c == '"' || c == '\'') {
        size_t k = j + 1;
        while (k < n && text[k] != c && text[k] != '\n') k += text[k] == '\\' ? 2 : 1;
        if (k >= n || text[k] != c) {
          return TemplateProblem{j, c == '"' ? "unterminated quoted string"
                                             : "unterminated character constant"};
        }
        tokens.push_back({Token::kOther, "", j});
        j = k + 1;
        continue;
      }
      if (c == '`') {
        size_t k = text.find('`', j + 1);
        if (k == std::string_view::npos) {
          return TemplateProblem{j, "unterminated raw quoted string"};
        }
        tokens.push_back({Token::kOther, "", j});
        j = k + 1;
        continue;
      }
      if (c == '$') {
        size_t k = j + 1;
        while (k < n && IsIdentChar(text[k])) ++k;
        tokens.push_back({Token::kVar, std::string(text.substr(j, k - j)), j});
        j = k;
        continue;
      }
      if (c == '.') {
        size_t k = j + 1;
        while (k < n && IsIdentChar(text[k])) ++k;
        tokens.push_back({Token::kField, "", j});
        j = k;
        continue;
      }
      if (c == ':' && j + 1 < n && text[j + 1] == '=') {
        tokens.push_back({Token::kDeclare, "", j});
        j += 2;
        continue;
      }
      if (c == '=' && !(j + 1 < n && text[j + 1] == '=')) {
        tokens.push_back({Token::kAssign, "", j});
        ++j;
        continue;
      }
      if (absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
          ((c == '-' || c == '+') && j + 1 < n &&
           absl::ascii_isdigit(static_cast<unsigned char>(text[j + 1])))) {
        size_t k = j + 1;
        while (k < n && (IsIdentChar(text[k]) || text[k] == '.')) ++k;
        tokens.push_back({Token::kOther, "", j});
        j = k;
        continue;
      }
      if (IsIdentStart(c)) {
        size_t k = j;
        while (k < n && IsIdentChar(text[k])) ++k;
        tokens.push_back({Token::kIdent, std::string(text.substr(j, k - j)), j});
        j = k;
        continue;
      }
      tokens.push_back({Token::kOther, std::string(1, c), j});
      ++j;
    }
    if (!closed) return TemplateProblem{start, "unclosed action"};
    i = j;
    if (tokens.empty()) return TemplateProblem{start, "missing value for command"};
    // Keywords.
    size_t first = 0;
    if (tokens[0].kind == Token::kIdent) {
      const std::string& w = tokens[0].text;
      if (w == "end") {
        if (open.empty()) return TemplateProblem{start, "unexpected {{end}}"};
        open.pop_back();
        continue;
      }
      if (w == "else") {
        if (open.empty()) return TemplateProblem{start, "unexpected {{else}}"};
        first = 1;
        if (tokens.size() > 1 && tokens[1].kind == Token::kIdent &&
            (tokens[1].text == "if" || tokens[1].text == "with")) {
          first = 2;
        }
      } else if (w == "if" || w == "range" || w == "with" || w == "define" ||
                 w == "block") {
        open.push_back(w);
        first = 1;
      } else if (w == "template" || w == "break" || w == "continue") {
        first = 1;
      }
    }
    // Variables declared in this action (`$x :=`, `range $i, $e :=`).
    size_t declare_at = first;  // variables before it are declared
    for (size_t t = first; t < tokens.size(); ++t) {
      if (tokens[t].kind == Token::kDeclare) {
        declare_at = t;
        break;
      }
    }
    for (size_t t = first; t < tokens.size(); ++t) {
      const Token& tok = tokens[t];
      if (tok.kind == Token::kVar) {
        if (t < declare_at) {
          vars.insert(tok.text);
        } else if (vars.count(tok.text) == 0) {
          return TemplateProblem{tok.offset,
                                 absl::StrCat("undefined variable \"", tok.text, "\"")};
        }
      } else if (tok.kind == Token::kIdent) {
        const std::string& w = tok.text;
        if (w == "nil" || w == "true" || w == "false") continue;
        if (KnownFunctions().count(w) == 0) {
          return TemplateProblem{tok.offset,
                                 absl::StrCat("function \"", w, "\" not defined")};
        }
      }
    }
  }
  if (!open.empty()) return TemplateProblem{n, "unexpected EOF"};
  return std::nullopt;
}

}  // namespace aurora
