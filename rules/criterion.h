// File: rules/criterion.h
// One threshold of a rule's pass/warn/fail list: an operator and a number
// ("<= 0.5"), or a bound relative to the baseline value of the same series:
// "<= +10%" (value <= baseline * 1.10), ">= -5%" (value >= baseline * 0.95),
// "<= +0.02" (value <= baseline + 0.02). A signed number means "relative";
// write a negative absolute threshold in parentheses: "> (-1)".
#ifndef AURORA_RULES_CRITERION_H_
#define AURORA_RULES_CRITERION_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/units.h"
#include "rules/expr.h"

namespace aurora {

struct Criterion {
  enum class Kind { kAbsolute, kRelativePercent, kRelativeDelta };
  CompareOp op = CompareOp::kLe;
  Kind kind = Kind::kAbsolute;
  double number = 0;  // threshold, percent (10 for +10%) or delta (signed)
  std::string text;   // as written, for reports

  bool relative() const { return kind != Kind::kAbsolute; }
  // The threshold for a series whose baseline value is `baseline`
  // (ignored for absolute criteria).
  double Threshold(double baseline) const;
};

// Parses one criterion. InvalidArgument "invalid criterion \"TEXT\": WHY,
// expected an operator (<, <=, >, >=, ==, !=) and a number, e.g. \">= 90\"
// or \"<= +10%\"". `offset` (may be null) receives where in TEXT the problem is.
absl::StatusOr<Criterion> ParseCriterion(std::string_view text,
                                         size_t* offset = nullptr);

// `c` as people read it, its number in `unit` (base/units.h): "<= 0.5" in
// seconds is "<= 500 ms", "<= +0.02" in ratio "<= +2 pp"; a percent bound
// ("<= +10%") and any criterion without a unit as written.
std::string CriterionShown(const Criterion& c, Unit unit);

// Whether `value` satisfies `c`; nullopt when c is relative and there is no
// baseline. NaN never satisfies a criterion.
std::optional<bool> Holds(const Criterion& c, double value,
                          std::optional<double> baseline);

}  // namespace aurora

#endif  // AURORA_RULES_CRITERION_H_
