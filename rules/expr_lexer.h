// File: rules/expr_lexer.h
// The lexer of the artifact-expression language (rules/expr.h): PromQL's
// lexical rules (numbers, durations, strings with Go escapes, identifiers,
// operators, # comments), and the small lexical predicates the parser and
// the printer share. Internal to rules/.
#ifndef AURORA_RULES_EXPR_LEXER_H_
#define AURORA_RULES_EXPR_LEXER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "rules/expr.h"

namespace aurora::expr_syntax {


// Deepest nesting of parentheses, aggregations, unary operators and binary
// operators accepted; deeper input is rejected before recursion can hurt.
constexpr int kMaxDepth = 256;

constexpr std::string_view kOperandExpected =
    "a metric selector, number, aggregation or '('";
constexpr std::string_view kSupportedAggregations =
    "artifact expressions support sum, min, max, avg, count";

enum class Tok {
  kEof,
  kError,  // a lexical error; `text` holds the message
  kIdent,
  kNumber,
  kString,
  kLParen,
  kRParen,
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kComma,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlEql,  // ==
  kNeq,     // !=
  kLss,
  kLte,
  kGtr,
  kGte,
  kAssign,  // =
  kRegex,   // =~
  kNRegex,  // !~
  kAt,
};

struct Token {
  Tok kind = Tok::kEof;
  size_t offset = 0;
  std::string_view raw;     // the token's text in the input
  std::string text;         // kString: unescaped value; kError: the message
  double number = 0;        // kNumber
  size_t error_offset = 0;  // kError: where exactly the problem is
};

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Writes `s` between double quotes with PromQL/Go escapes, so that the lexer
// reads back exactly the same bytes (invalid UTF-8 as \xNN).
inline std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default:
        break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02x", u);
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", u);
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  out += '"';
  return out;
}

// A token as an error message shows it: quoted, shortened, non-printable
// bytes escaped.
inline std::string Describe(const Token& tok) {
  if (tok.kind == Tok::kEof) return "end of expression";
  std::string_view raw = tok.raw;
  constexpr size_t kMax = 40;
  bool cut = false;
  if (raw.size() > kMax) {
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(raw[n]) & 0xC0) == 0x80) --n;
    raw = raw.substr(0, n);
    cut = true;
  }
  std::string quoted = Quote(raw);
  if (cut) quoted.insert(quoted.size() - 1, "...");
  if (tok.kind == Tok::kString) return absl::StrCat("string ", quoted);
  if (tok.kind == Tok::kNumber) return absl::StrCat("number ", quoted);
  return quoted;
}

inline std::string Lower(std::string_view s) { return absl::AsciiStrToLower(Sv(s)); }

inline bool IsAggregation(std::string_view lower, AggregateOp* op) {
  static constexpr std::pair<std::string_view, AggregateOp> kOps[] = {
      {"sum", AggregateOp::kSum},     {"min", AggregateOp::kMin},
      {"max", AggregateOp::kMax},     {"avg", AggregateOp::kAvg},
      {"count", AggregateOp::kCount},
  };
  for (const auto& [name, o] : kOps) {
    if (lower == name) {
      *op = o;
      return true;
    }
  }
  return false;
}

inline bool IsUnsupportedAggregation(std::string_view lower) {
  static constexpr std::string_view kNames[] = {
      "stddev",   "stdvar", "topk",   "bottomk",    "count_values",
      "quantile", "group",  "limitk", "limit_ratio"};
  return std::find(std::begin(kNames), std::end(kNames), lower) !=
         std::end(kNames);
}

// PromQL keywords that can never start or continue an artifact expression.
inline bool IsReservedKeyword(std::string_view lower) {
  static constexpr std::string_view kNames[] = {
      "and", "or",       "unless",     "atan2",       "by",   "without",
      "on",  "ignoring", "group_left", "group_right", "bool", "offset"};
  return std::find(std::begin(kNames), std::end(kNames), lower) !=
         std::end(kNames);
}

inline bool IsComparison(Tok t) {
  return t == Tok::kEqlEql || t == Tok::kNeq || t == Tok::kLss ||
         t == Tok::kLte || t == Tok::kGtr || t == Tok::kGte;
}

inline CompareOp ToCompareOp(Tok t) {
  switch (t) {
    case Tok::kLss:
      return CompareOp::kLt;
    case Tok::kLte:
      return CompareOp::kLe;
    case Tok::kGtr:
      return CompareOp::kGt;
    case Tok::kGte:
      return CompareOp::kGe;
    case Tok::kEqlEql:
      return CompareOp::kEq;
    default:
      return CompareOp::kNe;
  }
}

inline bool IsLabelName(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), IsAlnum);
}


class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token Next();

 private:
  Token Error(size_t offset, std::string message);

  void SkipSpaceAndComments();

  // As PromQL's scanNumber: [0x]digits[.digits][e[+-]digits], which must not
  // run into a letter; then the value as PromQL's parseNumber computes it
  // (Go's ParseInt with base prefix first, so 0x1F is 31 and 010 is 8).
  Token LexNumber();

  // Strings as PromQL's lexer and Go's strconv.Unquote read them: "..." and
  // '...' with Go escapes (only the enclosing quote may be escaped), `...`
  // raw. Unescaped newlines end nothing but a raw string.
  Token LexString();

  std::string_view text_;
  size_t pos_ = 0;
};

// A node under construction plus the height of its subtree (for the depth
// bound on left-deep operator chains, which the parser builds in loops).

}  // namespace aurora::expr_syntax

#endif  // AURORA_RULES_EXPR_LEXER_H_
