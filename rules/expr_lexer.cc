// File: rules/expr_lexer.cc
// Every error token names the byte offset of the problem.
#include "rules/expr_lexer.h"

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
#include "base/utf8.h"
#include "re2/re2.h"
#include "rules/expr.h"

namespace aurora::expr_syntax {

Token Lexer::Next() {
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

Token Lexer::Error(size_t offset, std::string message) {
  Token tok;
  tok.kind = Tok::kError;
  tok.offset = offset;
  tok.error_offset = offset;
  tok.text = std::move(message);
  pos_ = text_.size();  // stop lexing
  return tok;
}

void Lexer::SkipSpaceAndComments() {
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

Token Lexer::LexNumber() {
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

Token Lexer::LexString() {
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

}  // namespace aurora::expr_syntax
