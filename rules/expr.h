// File: rules/expr.h
// The expression language for artifact sources: the instant-vector subset of
// PromQL. Selectors with = != =~ !~ matchers; sum/min/max/avg/count with
// by (...) / without (...); + - * / between numbers and vectors (one-to-one
// label matching, as PromQL without `on`/`ignoring`); parentheses; unary minus.
// A top-level comparison against a number (`x > 0.05`) is parsed and kept
// apart (see SplitTopLevelComparison) so the observed value can be reported.
// Nodes are immutable once parsed; positions are byte offsets into the text.
#ifndef AURORA_RULES_EXPR_H_
#define AURORA_RULES_EXPR_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace aurora {

enum class MatchOp { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

struct LabelMatcher {
  std::string name;
  MatchOp op = MatchOp::kEqual;
  std::string value;  // unescaped; for regex ops the (fully anchored) pattern
  size_t offset = 0;  // position of the label name in the text
};

enum class AggregateOp { kSum, kMin, kMax, kAvg, kCount };
enum class BinaryOp { kAdd, kSub, kMul, kDiv };
enum class CompareOp { kLt, kLe, kGt, kGe, kEq, kNe };

std::string_view CompareOpText(CompareOp op);  // "<", "<=", ...
bool Compare(double lhs, CompareOp op, double rhs);  // NaN compares false

struct ExprNode;
using ExprPtr = std::shared_ptr<const ExprNode>;

struct ExprNode {
  enum class Kind { kNumber, kSelector, kAggregate, kBinary, kNegate };
  Kind kind = Kind::kNumber;
  size_t offset = 0;  // where this node starts in the text

  // kNumber
  double number = 0;
  // kSelector: metric name may be empty when only matchers are given
  // ({__name__="x"} form); matchers exclude the metric name.
  std::string metric;
  std::vector<LabelMatcher> matchers;
  // kAggregate
  AggregateOp aggregate = AggregateOp::kSum;
  std::vector<std::string> grouping;  // labels of by/without
  bool without = false;
  // kAggregate (the argument), kNegate (the operand), kBinary (lhs, rhs)
  ExprPtr lhs;
  ExprPtr rhs;
  BinaryOp binary = BinaryOp::kAdd;
};

// A parse failure: where (byte offset into the text) and what was expected.
struct ExprError {
  size_t offset = 0;
  std::string message;  // e.g. "expected ')' to close the argument list, got '}'"
};

// A parsed expression plus an optional top-level comparison with a number
// (`left > 0.05`): `root` is the left side, `comparison` says the rest.
struct ParsedExpr {
  ExprPtr root;
  struct Comparison {
    CompareOp op;
    double threshold;
    size_t offset;  // of the operator
  };
  std::optional<Comparison> comparison;
};

// Parses the artifact-expression language. On failure returns an
// InvalidArgument status and, when `error` is non-null, fills it with the
// position and message. Unknown functions (rate, histogram_quantile, ...) are
// rejected naming the function. Pure; thread-safe.
absl::StatusOr<ParsedExpr> ParseExpr(std::string_view text,
                                     ExprError* error = nullptr);

// Every metric name referenced by selectors in `expr`, with its offset.
std::vector<std::pair<std::string, size_t>> ReferencedMetrics(
    const ExprNode& expr);

// Canonical text of an expression (for reports), e.g.
// `sum by (suite) (tests{result="failed"})`.
std::string ExprToString(const ExprNode& expr);
// The same for a parsed expression, with its top-level comparison if any:
// `sum(tests{result="failed"}) > 0`. ParseExpr reads it back unchanged.
std::string ExprToString(const ParsedExpr& expr);

}  // namespace aurora

#endif  // AURORA_RULES_EXPR_H_
