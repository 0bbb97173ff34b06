#include "rules/promql_split.h"

#include <cctype>
#include <vector>

#include "base/number_format.h"

namespace aurora {
namespace {

struct OpAt {
  size_t offset;
  size_t length;
  CompareOp op;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

}  // namespace

SplitExpr SplitTopLevelComparison(std::string_view promql) {
  SplitExpr out;
  out.query = std::string(Trim(promql));
  std::vector<OpAt> ops;
  int depth = 0;
  bool set_op = false;
  for (size_t i = 0; i < promql.size(); ++i) {
    char c = promql[i];
    if (c == '"' || c == '\'' || c == '`') {
      char quote = c;
      for (++i; i < promql.size() && promql[i] != quote; ++i) {
        if (promql[i] == '\\' && quote != '`') ++i;
      }
      continue;
    }
    if (c == '#') {  // comment to end of line
      while (i < promql.size() && promql[i] != '\n') ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (depth != 0) continue;
    if (IsIdentChar(c) && (i == 0 || !IsIdentChar(promql[i - 1]))) {
      size_t j = i;
      while (j < promql.size() && IsIdentChar(promql[j])) ++j;
      std::string_view word = promql.substr(i, j - i);
      if (word == "and" || word == "or" || word == "unless") set_op = true;
      i = j - 1;
      continue;
    }
    std::string_view two = promql.substr(i, 2);
    if (two == "==" || two == "!=" || two == ">=" || two == "<=") {
      CompareOp op = two == "==" ? CompareOp::kEq
                     : two == "!=" ? CompareOp::kNe
                     : two == ">=" ? CompareOp::kGe
                                   : CompareOp::kLe;
      ops.push_back({i, 2, op});
      ++i;
    } else if (c == '>' || c == '<') {
      ops.push_back({i, 1, c == '>' ? CompareOp::kGt : CompareOp::kLt});
    }
  }
  if (ops.size() != 1 || set_op) return out;
  const OpAt& op = ops.front();
  std::string_view right = Trim(promql.substr(op.offset + op.length));
  std::optional<double> n = ParseNumber(right);
  if (!n.has_value()) return out;  // e.g. `bool 0.5`, or a vector on the right
  std::string_view left = Trim(promql.substr(0, op.offset));
  if (left.empty()) return out;
  out.query = std::string(left);
  out.comparison = ParsedExpr::Comparison{op.op, *n, op.offset};
  return out;
}

}  // namespace aurora
