// File: rules/expr_parser.cc
// Recursive-descent parser for the artifact-expression language
// (rules/expr.h): PromQL's precedence for the instant-vector subset, tokens
// from rules/expr_lexer.h. Every error names the offending token's byte
// offset; nesting is bounded (kMaxDepth) so hostile input cannot exhaust the
// stack.
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
#include "rules/expr_lexer.h"

namespace aurora {
namespace {

using namespace expr_syntax;  // NOLINT: the lexer's tokens and predicates

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

}  // namespace aurora
