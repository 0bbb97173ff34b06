// File: rules/expr_parser.cc
// Hand-written lexer and recursive-descent parser for the artifact-expression
// language (rules/expr.h): PromQL's lexical rules and precedence for the
// instant-vector subset. Every error names the offending token's byte offset;
// nesting is bounded (kMaxDepth) so hostile input cannot exhaust the stack.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/number_format.h"
#include "base/strings.h"
#include "re2/re2.h"
#include "rules/expr.h"

namespace aurora {
namespace {

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

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Writes `s` between double quotes with PromQL/Go escapes, so that the lexer
// reads back exactly the same bytes (invalid UTF-8 as \xNN).
std::string Quote(std::string_view s) {
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
std::string Describe(const Token& tok) {
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

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(Sv(s)); }

bool IsAggregation(std::string_view lower, AggregateOp* op) {
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

bool IsUnsupportedAggregation(std::string_view lower) {
  static constexpr std::string_view kNames[] = {
      "stddev",   "stdvar", "topk",   "bottomk",    "count_values",
      "quantile", "group",  "limitk", "limit_ratio"};
  return std::find(std::begin(kNames), std::end(kNames), lower) !=
         std::end(kNames);
}

// PromQL keywords that can never start or continue an artifact expression.
bool IsReservedKeyword(std::string_view lower) {
  static constexpr std::string_view kNames[] = {
      "and", "or",       "unless",     "atan2",       "by",   "without",
      "on",  "ignoring", "group_left", "group_right", "bool", "offset"};
  return std::find(std::begin(kNames), std::end(kNames), lower) !=
         std::end(kNames);
}

bool IsComparison(Tok t) {
  return t == Tok::kEqlEql || t == Tok::kNeq || t == Tok::kLss ||
         t == Tok::kLte || t == Tok::kGtr || t == Tok::kGte;
}

CompareOp ToCompareOp(Tok t) {
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

bool IsLabelName(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), IsAlnum);
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token Next() {
    SkipSpaceAndComments();
    Token tok;
    tok.offset = pos_;
    if (pos_ >= text_.size()) {
      tok.kind = Tok::kEof;
      return tok;
    }
    char c = text_[pos_];
    auto single = [&](Tok kind, size_t len = 1) {
      tok.kind = kind;
      tok.raw = text_.substr(pos_, len);
      pos_ += len;
      return tok;
    };
    char n = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    switch (c) {
      case '(':
        return single(Tok::kLParen);
      case ')':
        return single(Tok::kRParen);
      case '{':
        return single(Tok::kLBrace);
      case '}':
        return single(Tok::kRBrace);
      case '[':
        return single(Tok::kLBracket);
      case ']':
        return single(Tok::kRBracket);
      case ',':
        return single(Tok::kComma);
      case '+':
        return single(Tok::kAdd);
      case '-':
        return single(Tok::kSub);
      case '*':
        return single(Tok::kMul);
      case '/':
        return single(Tok::kDiv);
      case '%':
        return single(Tok::kMod);
      case '^':
        return single(Tok::kPow);
      case '@':
        return single(Tok::kAt);
      case '=':
        if (n == '=') return single(Tok::kEqlEql, 2);
        if (n == '~') return single(Tok::kRegex, 2);
        return single(Tok::kAssign);
      case '!':
        if (n == '=') return single(Tok::kNeq, 2);
        if (n == '~') return single(Tok::kNRegex, 2);
        break;
      case '<':
        if (n == '=') return single(Tok::kLte, 2);
        return single(Tok::kLss);
      case '>':
        if (n == '=') return single(Tok::kGte, 2);
        return single(Tok::kGtr);
      case '"':
      case '\'':
      case '`':
        return LexString();
      default:
        break;
    }
    if (IsDigit(c) || (c == '.' && IsDigit(n))) return LexNumber();
    if (IsAlpha(c) || c == ':') {
      size_t start = pos_;
      while (pos_ < text_.size() &&
             (IsAlnum(text_[pos_]) || text_[pos_] == ':')) {
        ++pos_;
      }
      tok.kind = Tok::kIdent;
      tok.raw = text_.substr(start, pos_ - start);
      return tok;
    }
    size_t len = Utf8SequenceLength(text_, pos_);
    if (len == 0) len = 1;
    tok.raw = text_.substr(pos_, len);
    return Error(tok.offset,
                 absl::StrCat("unexpected character ", Quote(tok.raw)));
  }

 private:
  Token Error(size_t offset, std::string message) {
    Token tok;
    tok.kind = Tok::kError;
    tok.offset = offset;
    tok.error_offset = offset;
    tok.text = std::move(message);
    pos_ = text_.size();  // stop lexing
    return tok;
  }

  void SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  // As PromQL's scanNumber: [0x]digits[.digits][e[+-]digits], which must not
  // run into a letter; then the value as PromQL's parseNumber computes it
  // (Go's ParseInt with base prefix first, so 0x1F is 31 and 010 is 8).
  Token LexNumber() {
    size_t start = pos_;
    auto accept_run = [&](bool hex) {
      while (pos_ < text_.size() &&
             (hex ? HexValue(text_[pos_]) >= 0 : IsDigit(text_[pos_]))) {
        ++pos_;
      }
    };
    bool hex = false;
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() &&
        (text_[pos_ + 1] == 'x' || text_[pos_ + 1] == 'X')) {
      hex = true;
      pos_ += 2;
    }
    accept_run(hex);
    if (!hex && pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      accept_run(false);
    }
    if (!hex && pos_ < text_.size() &&
        (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      accept_run(false);
    }
    size_t end = pos_;
    while (pos_ < text_.size() &&
           (IsAlnum(text_[pos_]) || text_[pos_] == '.')) {
      ++pos_;
    }
    std::string_view full = text_.substr(start, pos_ - start);
    if (pos_ != end) {
      // Like PromQL's duration syntax: digits then a unit (5m, 1h30m, 100ms).
      bool duration = IsDigit(full[0]);
      for (size_t i = 0; duration && i < full.size();) {
        size_t d = i;
        while (i < full.size() && IsDigit(full[i])) ++i;
        size_t u = i;
        while (i < full.size() && absl::ascii_isalpha(full[i])) ++i;
        std::string_view unit = full.substr(u, i - u);
        duration =
            d < u && (unit == "ms" || unit == "s" || unit == "m" ||
                      unit == "h" || unit == "d" || unit == "w" || unit == "y");
      }
      if (duration) {
        return Error(start, absl::StrCat("duration ", Quote(full),
                                         " is not supported in artifact "
                                         "expressions"));
      }
      return Error(start, absl::StrCat("bad number syntax ", Quote(full)));
    }
    Token tok;
    tok.kind = Tok::kNumber;
    tok.offset = start;
    tok.raw = full;
    if (hex) {
      std::string_view digits = full.substr(2);
      uint64_t v = 0;
      auto [p, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), v, 16);
      if (digits.empty() || p != digits.data() + digits.size()) {
        return Error(start, absl::StrCat("bad number syntax ", Quote(full)));
      }
      if (ec == std::errc::result_out_of_range ||
          v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Error(start,
                     absl::StrCat("number ", Quote(full), " is out of range"));
      }
      tok.number = static_cast<double>(v);
      return tok;
    }
    // Go's ParseInt with base 0 reads a leading 0 as octal; when that fails
    // (a digit 8 or 9, or out of int64 range) PromQL falls back to decimal.
    bool octal = full.size() > 1 && full[0] == '0' &&
                 std::all_of(full.begin(), full.end(),
                             [](char ch) { return ch >= '0' && ch <= '7'; });
    if (octal) {
      int64_t v = 0;
      auto [p, ec] =
          std::from_chars(full.data() + 1, full.data() + full.size(), v, 8);
      if (ec == std::errc() && p == full.data() + full.size()) {
        tok.number = static_cast<double>(v);
        return tok;
      }
    }
    std::string s(full);
    if (s.back() == 'e' || s.back() == 'E' || s.back() == '+' ||
        s.back() == '-') {
      return Error(start, absl::StrCat("bad number syntax ", Quote(full)));
    }
    errno = 0;
    char* parse_end = nullptr;
    double v = std::strtod(s.c_str(), &parse_end);
    if (parse_end != s.c_str() + s.size()) {
      return Error(start, absl::StrCat("bad number syntax ", Quote(full)));
    }
    if (errno == ERANGE && std::isinf(v)) {
      return Error(start,
                   absl::StrCat("number ", Quote(full), " is out of range"));
    }
    tok.number = v;
    return tok;
  }

  // Strings as PromQL's lexer and Go's strconv.Unquote read them: "..." and
  // '...' with Go escapes (only the enclosing quote may be escaped), `...`
  // raw. Unescaped newlines end nothing but a raw string.
  Token LexString() {
    size_t start = pos_;
    char quote = text_[pos_++];
    Token tok;
    tok.kind = Tok::kString;
    tok.offset = start;
    std::string& value = tok.text;
    if (quote == '`') {
      size_t close = text_.find('`', pos_);
      if (close == std::string_view::npos) {
        return Error(start, "unterminated raw string");
      }
      value = std::string(text_.substr(pos_, close - pos_));
      pos_ = close + 1;
      tok.raw = text_.substr(start, pos_ - start);
      return tok;
    }
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') {
        return Error(start, "unterminated quoted string");
      }
      char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        break;
      }
      if (c != '\\') {
        value.push_back(c);
        ++pos_;
        continue;
      }
      size_t esc = pos_;
      ++pos_;
      if (pos_ >= text_.size())
        return Error(start, "unterminated quoted string");
      char e = text_[pos_++];
      auto bad = [&]() {
        size_t len = std::min<size_t>(pos_ - esc, text_.size() - esc);
        size_t n = Utf8SequenceLength(text_, pos_ - 1);
        if (n > 1) len += n - 1;  // show a whole multi-byte character
        return Error(esc,
                     absl::StrCat("unknown escape sequence ",
                                  Quote(text_.substr(esc, len)), " in string"));
      };
      auto read_hex = [&](int digits, uint32_t* out) {
        *out = 0;
        for (int k = 0; k < digits; ++k) {
          if (pos_ >= text_.size() || HexValue(text_[pos_]) < 0) return false;
          *out = *out * 16 + static_cast<uint32_t>(HexValue(text_[pos_++]));
        }
        return true;
      };
      switch (e) {
        case 'a':
          value.push_back('\a');
          break;
        case 'b':
          value.push_back('\b');
          break;
        case 'f':
          value.push_back('\f');
          break;
        case 'n':
          value.push_back('\n');
          break;
        case 'r':
          value.push_back('\r');
          break;
        case 't':
          value.push_back('\t');
          break;
        case 'v':
          value.push_back('\v');
          break;
        case '\\':
          value.push_back('\\');
          break;
        case 'x': {
          uint32_t v;
          if (!read_hex(2, &v)) return bad();
          value.push_back(static_cast<char>(v));
          break;
        }
        case 'u':
        case 'U': {
          uint32_t v;
          if (!read_hex(e == 'u' ? 4 : 8, &v) || v > 0x10FFFF ||
              (v >= 0xD800 && v <= 0xDFFF)) {
            return bad();
          }
          AppendUtf8(v, &value);
          break;
        }
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7': {
          uint32_t v = static_cast<uint32_t>(e - '0');
          for (int k = 0; k < 2; ++k) {
            if (pos_ >= text_.size() || text_[pos_] < '0' ||
                text_[pos_] > '7') {
              return bad();
            }
            v = v * 8 + static_cast<uint32_t>(text_[pos_++] - '0');
          }
          if (v > 255) return bad();
          value.push_back(static_cast<char>(v));
          break;
        }
        default:
          if (e != quote) return bad();
          value.push_back(e);
      }
    }
    tok.raw = text_.substr(start, pos_ - start);
    return tok;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// A node under construction plus the height of its subtree (for the depth
// bound on left-deep operator chains, which the parser builds in loops).
struct Built {
  std::shared_ptr<ExprNode> node;
  int height = 0;
  bool is_vector = false;  // PromQL type: instant vector (else scalar)
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexer_(text) {
    Advance();
  }

  bool Parse(ParsedExpr* out) {
    if (cur_.kind == Tok::kEof) return Fail(0, "empty expression");
    Built root = ParseAdditive();
    if (!root.node) return false;
    if (IsComparison(cur_.kind)) {
      ParsedExpr::Comparison cmp;
      cmp.op = ToCompareOp(cur_.kind);
      cmp.offset = cur_.offset;
      Advance();
      if (cur_.kind == Tok::kIdent && Lower(cur_.raw) == "bool") {
        return Unexpected(kOperandExpected);
      }
      size_t rhs_offset = cur_.offset;
      Built rhs = ParseAdditive();
      if (!rhs.node) return false;
      if (rhs.node->kind != ExprNode::Kind::kNumber) {
        Token span;
        span.kind = Tok::kIdent;
        span.raw = Sv(absl::StripTrailingAsciiWhitespace(
            Sv(text_.substr(rhs_offset, cur_.offset - rhs_offset))));
        return Fail(rhs_offset,
                    absl::StrCat("the right side of a top-level comparison "
                                 "must be a number, got ",
                                 Describe(span)));
      }
      cmp.threshold = rhs.node->number;
      out->comparison = cmp;
    }
    if (cur_.kind != Tok::kEof) {
      return Unexpected("an operator or the end of the expression");
    }
    out->root = std::move(root.node);
    return true;
  }

  const ExprError& error() const { return error_; }

 private:
  void Advance() { cur_ = lexer_.Next(); }

  bool Fail(size_t offset, std::string message) {
    if (!failed_) {
      failed_ = true;
      error_.offset = offset;
      error_.message = std::move(message);
    }
    return false;
  }

  // "expected X, got Y" for `cur_`, plain (inside selectors and groupings).
  bool Expected(std::string_view what) {
    if (cur_.kind == Tok::kError) return Fail(cur_.error_offset, cur_.text);
    if (cur_.kind == Tok::kEof) {
      return Fail(
          cur_.offset,
          absl::StrCat("unexpected end of expression, expected ", Sv(what)));
    }
    return Fail(cur_.offset,
                absl::StrCat("expected ", Sv(what), ", got ", Describe(cur_)));
  }

  // As Expected, but where an operator could stand: PromQL constructs outside
  // the subset get a message saying so.
  bool Unexpected(std::string_view what) {
    const size_t at = cur_.offset;
    switch (cur_.kind) {
      case Tok::kLBracket: {
        size_t close = text_.find(']', at);
        std::string_view inside;
        if (close != std::string_view::npos && close - at <= 40 &&
            text_.substr(at, close - at).find('\n') == std::string_view::npos) {
          inside = text_.substr(at, close - at + 1);
        }
        std::string construct = inside.find(':') != std::string_view::npos
                                    ? "subquery"
                                    : "range selector";
        if (!inside.empty()) absl::StrAppend(&construct, " ", Sv(inside));
        return Fail(at, absl::StrCat(construct,
                                     " is not supported in artifact "
                                     "expressions"));
      }
      case Tok::kAt:
        return Fail(at, "@ modifier is not supported in artifact expressions");
      case Tok::kMod:
      case Tok::kPow:
        return Fail(at, absl::StrCat("operator ", Quote(cur_.raw),
                                     " is not supported: artifact expressions "
                                     "support +, -, *, /"));
      case Tok::kIdent: {
        std::string w = Lower(cur_.raw);
        if (w == "offset") {
          return Fail(at,
                      "offset modifier is not supported in artifact "
                      "expressions");
        }
        if (w == "bool") {
          return Fail(at,
                      "bool modifier is not supported in artifact "
                      "expressions");
        }
        if (w == "on" || w == "ignoring" || w == "group_left" ||
            w == "group_right") {
          return Fail(at,
                      absl::StrCat("vector matching modifier ", Quote(cur_.raw),
                                   " is not supported: artifact "
                                   "expressions match vectors on all "
                                   "their labels"));
        }
        if (w == "and" || w == "or" || w == "unless" || w == "atan2") {
          return Fail(at, absl::StrCat("operator ", Quote(cur_.raw),
                                       " is not supported: artifact "
                                       "expressions support +, -, *, /"));
        }
        break;
      }
      default:
        if (IsComparison(cur_.kind)) {
          return Fail(at, absl::StrCat("comparison ", Quote(cur_.raw),
                                       " is only allowed once, at the top "
                                       "level of an artifact expression, "
                                       "with a number on the right"));
        }
        break;
    }
    return Expected(what);
  }

  bool Enter() {
    if (++depth_ > kMaxDepth) {
      return Fail(cur_.offset,
                  absl::StrCat("expression is nested too deeply (more than ",
                               kMaxDepth, " levels)"));
    }
    return true;
  }
  void Leave() { --depth_; }

  bool CheckHeight(const Built& b, size_t offset) {
    if (b.height > kMaxDepth) {
      return Fail(offset,
                  absl::StrCat("expression is nested too deeply (more than ",
                               kMaxDepth, " levels)"));
    }
    return true;
  }

  Built ParseAdditive() {
    Built lhs = ParseMultiplicative();
    while (lhs.node && (cur_.kind == Tok::kAdd || cur_.kind == Tok::kSub)) {
      lhs = ParseBinaryRhs(std::move(lhs), &Parser::ParseMultiplicative);
    }
    return lhs;
  }

  Built ParseMultiplicative() {
    Built lhs = ParseUnary();
    while (lhs.node && (cur_.kind == Tok::kMul || cur_.kind == Tok::kDiv)) {
      lhs = ParseBinaryRhs(std::move(lhs), &Parser::ParseUnary);
    }
    return lhs;
  }

  Built ParseBinaryRhs(Built lhs, Built (Parser::*operand)()) {
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kBinary;
    switch (cur_.kind) {
      case Tok::kAdd:
        node->binary = BinaryOp::kAdd;
        break;
      case Tok::kSub:
        node->binary = BinaryOp::kSub;
        break;
      case Tok::kMul:
        node->binary = BinaryOp::kMul;
        break;
      default:
        node->binary = BinaryOp::kDiv;
        break;
    }
    size_t op_offset = cur_.offset;
    Advance();
    Built rhs = (this->*operand)();
    if (!rhs.node) return {};
    node->offset = lhs.node->offset;
    Built out;
    out.height = 1 + std::max(lhs.height, rhs.height);
    out.is_vector = lhs.is_vector || rhs.is_vector;
    node->lhs = std::move(lhs.node);
    node->rhs = std::move(rhs.node);
    out.node = std::move(node);
    if (!CheckHeight(out, op_offset)) return {};
    return out;
  }

  Built ParseUnary() {
    if (cur_.kind != Tok::kAdd && cur_.kind != Tok::kSub) {
      return ParsePrimary();
    }
    bool negate = cur_.kind == Tok::kSub;
    size_t offset = cur_.offset;
    if (!Enter()) return {};
    Advance();
    Built operand = ParseUnary();
    Leave();
    if (!operand.node) return {};
    if (!negate) return operand;  // unary plus changes nothing (as PromQL)
    if (operand.node->kind == ExprNode::Kind::kNumber) {
      // PromQL folds a sign into a number literal.
      operand.node->number = -operand.node->number;
      operand.node->offset = offset;
      return operand;
    }
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kNegate;
    node->offset = offset;
    node->lhs = std::move(operand.node);
    Built out{std::move(node), operand.height + 1, operand.is_vector};
    if (!CheckHeight(out, offset)) return {};
    return out;
  }

  Built ParsePrimary() {
    switch (cur_.kind) {
      case Tok::kLParen: {
        if (!Enter()) return {};
        Advance();
        Built inner = ParseAdditive();
        if (!inner.node) return {};
        if (cur_.kind != Tok::kRParen) {
          Unexpected("')'");
          return {};
        }
        Advance();
        Leave();
        return inner;
      }
      case Tok::kNumber: {
        auto node = std::make_shared<ExprNode>();
        node->kind = ExprNode::Kind::kNumber;
        node->offset = cur_.offset;
        node->number = cur_.number;
        Advance();
        return {std::move(node), 1, false};
      }
      case Tok::kLBrace:
        return ParseSelector("", cur_.offset);
      case Tok::kIdent:
        break;
      default:
        Unexpected(kOperandExpected);
        return {};
    }
    // An identifier: number word, aggregation, function, keyword or metric.
    std::string lower = Lower(cur_.raw);
    if (lower == "inf" || lower == "nan") {
      auto node = std::make_shared<ExprNode>();
      node->kind = ExprNode::Kind::kNumber;
      node->offset = cur_.offset;
      node->number = lower == "inf" ? std::numeric_limits<double>::infinity()
                                    : std::numeric_limits<double>::quiet_NaN();
      Advance();
      return {std::move(node), 1, false};
    }
    AggregateOp agg;
    if (IsAggregation(lower, &agg)) return ParseAggregation(agg);
    if (IsUnsupportedAggregation(lower)) {
      Fail(cur_.offset,
           absl::StrCat("aggregation ", Quote(cur_.raw),
                        " is not supported: ", Sv(kSupportedAggregations)));
      return {};
    }
    if (IsReservedKeyword(lower)) {
      Unexpected(kOperandExpected);
      return {};
    }
    Token ident = cur_;
    Advance();
    if (cur_.kind == Tok::kLParen) {
      Fail(ident.offset, absl::StrCat("unknown function ", Quote(ident.raw),
                                      ": ", Sv(kSupportedAggregations)));
      return {};
    }
    return ParseSelector(std::string(ident.raw), ident.offset);
  }

  // `metric`, `metric{...}` or `{...}`; cur_ is just after the metric name
  // (or at the '{').
  Built ParseSelector(std::string metric, size_t offset) {
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kSelector;
    node->offset = offset;
    node->metric = std::move(metric);
    if (cur_.kind == Tok::kLBrace) {
      size_t brace = cur_.offset;
      Advance();
      while (cur_.kind != Tok::kRBrace) {
        LabelMatcher m;
        if (!ParseMatcher(&m)) return {};
        if (m.name == kMetricNameLabelText && !node->metric.empty()) {
          Fail(m.offset,
               absl::StrCat("metric name must not be set twice: ",
                            Quote(node->metric), " or ", Quote(m.value)));
          return {};
        }
        node->matchers.push_back(std::move(m));
        if (cur_.kind == Tok::kComma) {
          Advance();
        } else if (cur_.kind != Tok::kRBrace) {
          Expected("',' or '}'");
          return {};
        }
      }
      Advance();
      if (node->metric.empty() &&
          std::all_of(node->matchers.begin(), node->matchers.end(),
                      MatchesEmpty)) {
        Fail(brace,
             "vector selector must contain at least one non-empty matcher");
        return {};
      }
    }
    return {std::move(node), 1, true};
  }

  static constexpr std::string_view kMetricNameLabelText = "__name__";

  static bool MatchesEmpty(const LabelMatcher& m) {
    switch (m.op) {
      case MatchOp::kEqual:
        return m.value.empty();
      case MatchOp::kNotEqual:
        return !m.value.empty();
      case MatchOp::kRegexMatch:
      case MatchOp::kRegexNoMatch: {
        RE2::Options opts;
        opts.set_log_errors(false);
        RE2 re(absl::StrCat("^(?:", m.value, ")$"), opts);
        bool matches = re.ok() && RE2::FullMatch("", re);
        return m.op == MatchOp::kRegexMatch ? matches : !matches;
      }
    }
    return false;
  }

  bool ParseMatcher(LabelMatcher* m) {
    if (cur_.kind != Tok::kIdent || !IsLabelName(cur_.raw)) {
      return Expected("a label name");
    }
    m->name = std::string(cur_.raw);
    m->offset = cur_.offset;
    Advance();
    switch (cur_.kind) {
      case Tok::kAssign:
        m->op = MatchOp::kEqual;
        break;
      case Tok::kNeq:
        m->op = MatchOp::kNotEqual;
        break;
      case Tok::kRegex:
        m->op = MatchOp::kRegexMatch;
        break;
      case Tok::kNRegex:
        m->op = MatchOp::kRegexNoMatch;
        break;
      default:
        return Expected("a label matcher operator (=, !=, =~, !~)");
    }
    Advance();
    if (cur_.kind != Tok::kString) return Expected("a quoted label value");
    m->value = cur_.text;
    if (m->op == MatchOp::kRegexMatch || m->op == MatchOp::kRegexNoMatch) {
      RE2::Options opts;
      opts.set_log_errors(false);
      // Checked alone first so that an unbalanced pattern like `a)|(b` is an
      // error rather than quietly balanced by the anchoring parentheses.
      RE2 plain(m->value, opts);
      RE2 anchored(absl::StrCat("^(?:", m->value, ")$"), opts);
      const RE2& bad = plain.ok() ? anchored : plain;
      if (!bad.ok()) {
        return Fail(cur_.offset,
                    absl::StrCat("invalid regular expression ", Quote(m->value),
                                 ": ", bad.error()));
      }
    }
    Advance();
    return true;
  }

  Built ParseAggregation(AggregateOp op) {
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kAggregate;
    node->aggregate = op;
    node->offset = cur_.offset;
    std::string name(cur_.raw);
    Advance();
    bool grouped = false;
    if (!MaybeParseGrouping(node.get(), &grouped)) return {};
    if (cur_.kind != Tok::kLParen) {
      Expected(absl::StrCat("'(' after ", Quote(name)));
      return {};
    }
    if (!Enter()) return {};
    Advance();
    Token arg_tok = cur_;
    Built arg = ParseAdditive();
    if (!arg.node) return {};
    if (cur_.kind == Tok::kComma) {
      Fail(cur_.offset,
           absl::StrCat(Quote(name), " takes exactly one argument"));
      return {};
    }
    if (cur_.kind != Tok::kRParen) {
      Unexpected("')'");
      return {};
    }
    Advance();
    Leave();
    if (!arg.is_vector) {
      Fail(arg_tok.offset,
           "expected type instant vector in aggregation expression, got "
           "scalar");
      return {};
    }
    if (!grouped && !MaybeParseGrouping(node.get(), &grouped)) return {};
    node->lhs = std::move(arg.node);
    Built out{std::move(node), arg.height + 1, true};
    if (!CheckHeight(out, out.node->offset)) return {};
    return out;
  }

  // `by (a, b)` / `without (a,)`; sets *grouped when one was there.
  bool MaybeParseGrouping(ExprNode* node, bool* grouped) {
    if (cur_.kind != Tok::kIdent) return true;
    std::string w = Lower(cur_.raw);
    if (w != "by" && w != "without") return true;
    *grouped = true;
    node->without = w == "without";
    std::string keyword(cur_.raw);
    Advance();
    if (cur_.kind != Tok::kLParen) {
      return Expected(absl::StrCat("'(' after ", Quote(keyword)));
    }
    Advance();
    while (cur_.kind != Tok::kRParen) {
      if (cur_.kind != Tok::kIdent || !IsLabelName(cur_.raw)) {
        return Expected("a label name");
      }
      node->grouping.emplace_back(cur_.raw);
      Advance();
      if (cur_.kind == Tok::kComma) {
        Advance();
      } else if (cur_.kind != Tok::kRParen) {
        return Expected("',' or ')'");
      }
    }
    Advance();
    return true;
  }

  std::string_view text_;
  Lexer lexer_;
  Token cur_;
  int depth_ = 0;
  bool failed_ = false;
  ExprError error_;
};

int Precedence(const ExprNode& e) {
  switch (e.kind) {
    case ExprNode::Kind::kBinary:
      return e.binary == BinaryOp::kAdd || e.binary == BinaryOp::kSub ? 1 : 2;
    case ExprNode::Kind::kNegate:
      return 3;
    case ExprNode::Kind::kNumber:
      return std::signbit(e.number) ? 3 : 4;
    default:
      return 4;
  }
}

void AppendExpr(const ExprNode& e, std::string* out);

void AppendOperand(const ExprNode* e, bool parens, std::string* out) {
  if (e == nullptr) {
    out->append("<missing>");
    return;
  }
  if (parens) out->push_back('(');
  AppendExpr(*e, out);
  if (parens) out->push_back(')');
}

std::string_view AggregateName(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
      return "sum";
    case AggregateOp::kMin:
      return "min";
    case AggregateOp::kMax:
      return "max";
    case AggregateOp::kAvg:
      return "avg";
    case AggregateOp::kCount:
      return "count";
  }
  return "?";
}

std::string_view MatchOpText(MatchOp op) {
  switch (op) {
    case MatchOp::kEqual:
      return "=";
    case MatchOp::kNotEqual:
      return "!=";
    case MatchOp::kRegexMatch:
      return "=~";
    case MatchOp::kRegexNoMatch:
      return "!~";
  }
  return "?";
}

void AppendExpr(const ExprNode& e, std::string* out) {
  switch (e.kind) {
    case ExprNode::Kind::kNumber:
      out->append(FormatNumber(e.number));
      return;
    case ExprNode::Kind::kSelector: {
      out->append(e.metric);
      if (!e.matchers.empty() || e.metric.empty()) {
        out->push_back('{');
        for (size_t i = 0; i < e.matchers.size(); ++i) {
          const LabelMatcher& m = e.matchers[i];
          if (i > 0) out->append(", ");
          absl::StrAppend(out, m.name, Sv(MatchOpText(m.op)), Quote(m.value));
        }
        out->push_back('}');
      }
      return;
    }
    case ExprNode::Kind::kAggregate:
      out->append(AggregateName(e.aggregate));
      if (e.without || !e.grouping.empty()) {
        absl::StrAppend(out, e.without ? " without (" : " by (",
                        absl::StrJoin(e.grouping, ", "), ") ");
      }
      out->push_back('(');
      AppendOperand(e.lhs.get(), false, out);
      out->push_back(')');
      return;
    case ExprNode::Kind::kNegate:
      out->push_back('-');
      // `--x` needs no parentheses (there is no `--` token); keeping them
      // out keeps printed nesting no deeper than the parsed text's.
      AppendOperand(e.lhs.get(), e.lhs && Precedence(*e.lhs) < 3, out);
      return;
    case ExprNode::Kind::kBinary: {
      static constexpr std::string_view kOps[] = {" + ", " - ", " * ", " / "};
      int p = Precedence(e);
      AppendOperand(e.lhs.get(), e.lhs && Precedence(*e.lhs) < p, out);
      out->append(kOps[static_cast<int>(e.binary)]);
      AppendOperand(e.rhs.get(), e.rhs && Precedence(*e.rhs) <= p, out);
      return;
    }
  }
}

void AppendMetrics(const ExprNode& e,
                   std::vector<std::pair<std::string, size_t>>* out) {
  if (e.kind == ExprNode::Kind::kSelector) {
    if (!e.metric.empty()) {
      out->emplace_back(e.metric, e.offset);
    } else {
      for (const LabelMatcher& m : e.matchers) {
        if (m.name == "__name__" && m.op == MatchOp::kEqual) {
          out->emplace_back(m.value, m.offset);
        }
      }
    }
  }
  if (e.lhs) AppendMetrics(*e.lhs, out);
  if (e.rhs) AppendMetrics(*e.rhs, out);
}

}  // namespace

std::string_view CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
    case CompareOp::kEq:
      return "==";
    case CompareOp::kNe:
      return "!=";
  }
  return "?";
}

bool Compare(double lhs, CompareOp op, double rhs) {
  if (std::isnan(lhs) || std::isnan(rhs)) return false;
  switch (op) {
    case CompareOp::kLt:
      return lhs < rhs;
    case CompareOp::kLe:
      return lhs <= rhs;
    case CompareOp::kGt:
      return lhs > rhs;
    case CompareOp::kGe:
      return lhs >= rhs;
    case CompareOp::kEq:
      return lhs == rhs;
    case CompareOp::kNe:
      return lhs != rhs;
  }
  return false;
}

absl::StatusOr<ParsedExpr> ParseExpr(std::string_view text, ExprError* error) {
  ExprError local;
  ExprError& err = error != nullptr ? *error : local;
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      err.offset = i;
      err.message = absl::StrFormat("invalid UTF-8 byte 0x%02x",
                                    static_cast<unsigned char>(text[i]));
      return absl::InvalidArgumentError(err.message);
    }
    i += n;
  }
  Parser parser(text);
  ParsedExpr out;
  if (!parser.Parse(&out)) {
    err = parser.error();
    return absl::InvalidArgumentError(err.message);
  }
  return out;
}

std::vector<std::pair<std::string, size_t>> ReferencedMetrics(
    const ExprNode& expr) {
  std::vector<std::pair<std::string, size_t>> out;
  AppendMetrics(expr, &out);
  return out;
}

std::string ExprToString(const ExprNode& expr) {
  std::string out;
  AppendExpr(expr, &out);
  return out;
}

std::string ExprToString(const ParsedExpr& expr) {
  std::string out = expr.root ? ExprToString(*expr.root) : "";
  if (expr.comparison) {
    absl::StrAppend(&out, " ", Sv(CompareOpText(expr.comparison->op)), " ",
                    FormatNumber(expr.comparison->threshold));
  }
  return out;
}

}  // namespace aurora
