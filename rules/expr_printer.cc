// File: rules/expr_printer.cc
// Prints an expression back as text that parses to the same tree
// (ExprToString): minimal parentheses by precedence, strings quoted so they
// read back byte for byte.
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

using namespace expr_syntax;  // NOLINT: Quote and the lexical predicates

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
