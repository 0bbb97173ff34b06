#include "rules/criterion.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/number_format.h"
#include "base/strings.h"

namespace aurora {
namespace {

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid criterion \"", Sv(text), "\": ", Sv(why),
      "; expected an operator (<, <=, >, >=, ==, !=) and a number, e.g. "
      "\">= 90\" or \"<= +10%\""));
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

double Criterion::Threshold(double baseline) const {
  switch (kind) {
    case Kind::kAbsolute: return number;
    case Kind::kRelativePercent: return baseline * (1.0 + number / 100.0);
    case Kind::kRelativeDelta: return baseline + number;
  }
  return number;
}

absl::StatusOr<Criterion> ParseCriterion(std::string_view text,
                                         size_t* offset) {
  size_t dummy;
  if (offset == nullptr) offset = &dummy;
  *offset = 0;
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  Criterion c;
  c.text = std::string(text.substr(i));
  while (!c.text.empty() && IsSpace(c.text.back())) c.text.pop_back();
  struct OpText {
    std::string_view s;
    CompareOp op;
  };
  static constexpr OpText kOps[] = {
      {"<=", CompareOp::kLe}, {">=", CompareOp::kGe}, {"==", CompareOp::kEq},
      {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},  {">", CompareOp::kGt},
  };
  bool have_op = false;
  for (const auto& o : kOps) {
    if (text.substr(i, o.s.size()) == o.s) {
      c.op = o.op;
      i += o.s.size();
      have_op = true;
      break;
    }
  }
  if (!have_op) {
    *offset = i;
    if (i < text.size() && text[i] == '=') {
      return Invalid(text, "\"=\" is not an operator (use ==)");
    }
    return Invalid(text, "missing operator");
  }
  while (i < text.size() && IsSpace(text[i])) ++i;
  *offset = i;
  std::string_view rest = text.substr(i);
  while (!rest.empty() && IsSpace(rest.back())) rest.remove_suffix(1);
  if (rest.empty()) return Invalid(text, "missing number after the operator");
  bool parenthesised = false;
  if (rest.front() == '(') {
    if (rest.back() != ')') return Invalid(text, "unbalanced parenthesis");
    rest = rest.substr(1, rest.size() - 2);
    parenthesised = true;
  }
  bool is_percent = !rest.empty() && rest.back() == '%';
  if (is_percent) rest.remove_suffix(1);
  bool is_signed = !rest.empty() && (rest.front() == '+' || rest.front() == '-');
  std::optional<double> n = ParseNumber(rest);
  if (!n.has_value()) {
    return Invalid(text, absl::StrCat("\"", Sv(rest), "\" is not a number"));
  }
  if (std::isnan(*n)) return Invalid(text, "NaN is not a threshold");
  // `< 1e400` would read as `< +Inf` and always hold: a threshold is a
  // finite double, written or overflowed.
  if (std::isinf(*n)) {
    return Invalid(text, absl::StrCat("\"", Sv(rest),
                                      "\" is not a finite number (a threshold "
                                      "must lie within ±1.8e308)"));
  }
  if (is_percent && (!is_signed || parenthesised)) {
    return Invalid(text,
                   "a percentage is relative to the baseline and needs a sign "
                   "(\"<= +10%\", \">= -5%\")");
  }
  if (is_signed && !parenthesised) {
    c.kind = is_percent ? Criterion::Kind::kRelativePercent
                        : Criterion::Kind::kRelativeDelta;
  }
  c.number = *n;
  return c;
}

std::optional<bool> Holds(const Criterion& c, double value,
                          std::optional<double> baseline) {
  if (c.relative() && !baseline.has_value()) return std::nullopt;
  double threshold = c.Threshold(baseline.value_or(0));
  return Compare(value, c.op, threshold);
}

std::string CriterionShown(const Criterion& c, Unit unit) {
  if (unit == Unit::kNone) return c.text;
  switch (c.kind) {
    case Criterion::Kind::kAbsolute:
      return absl::StrCat(Sv(CompareOpText(c.op)), " ", FormatValue(c.number, unit));
    case Criterion::Kind::kRelativeDelta: {
      std::string delta = FormatDelta(c.number, unit);
      if (c.number == 0) delta = "+" + delta;  // a relative bound is signed
      return absl::StrCat(Sv(CompareOpText(c.op)), " ", delta);
    }
    case Criterion::Kind::kRelativePercent:
      break;
  }
  return c.text;
}

}  // namespace aurora
