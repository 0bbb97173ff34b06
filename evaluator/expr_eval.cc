// File: evaluator/expr_eval.cc
// PromQL instant-vector semantics for the artifact subset (see expr_eval.h):
// selection with the detail-label rule, aggregation, one-to-one vector
// matching, scalar arithmetic. Regexes are compiled once per evaluation.
#include "evaluator/expr_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "re2/re2.h"

namespace aurora {
namespace {

class Evaluator {
 public:
  explicit Evaluator(const SampleSet& input) : input_(input) {}

  absl::StatusOr<ExprValue> Eval(const ExprNode& e) {
    switch (e.kind) {
      case ExprNode::Kind::kNumber: {
        ExprValue v;
        v.is_scalar = true;
        v.scalar = e.number;
        return v;
      }
      case ExprNode::Kind::kSelector:
        return Select(e);
      case ExprNode::Kind::kAggregate:
        return Aggregate(e);
      case ExprNode::Kind::kNegate:
        return Negate(e);
      case ExprNode::Kind::kBinary:
        return Binary(e);
    }
    return absl::InternalError("unknown expression node");
  }

 private:
  absl::StatusOr<const RE2*> Regex(const std::string& pattern) {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) {
      RE2::Options opts;
      opts.set_log_errors(false);
      // The pattern alone first, as the parser checks it, so that errors
      // read the same and `a)|(b` is not balanced by the anchoring.
      RE2 plain(pattern, opts);
      auto re =
          std::make_unique<RE2>(absl::StrCat("^(?:", pattern, ")$"), opts);
      const RE2& bad = plain.ok() ? *re : plain;
      if (!bad.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "invalid regular expression \"", pattern, "\": ", bad.error()));
      }
      it = regexes_.emplace(pattern, std::move(re)).first;
    }
    return it->second.get();
  }

  // PromQL: an absent label reads as "", so `{a=""}` selects samples
  // without `a` and `{a!=""}` those with it.
  absl::StatusOr<bool> Matches(const LabelMatcher& m, const Labels& labels) {
    std::string_view v = labels.Get(m.name);
    switch (m.op) {
      case MatchOp::kEqual:
        return v == m.value;
      case MatchOp::kNotEqual:
        return v != m.value;
      case MatchOp::kRegexMatch:
      case MatchOp::kRegexNoMatch: {
        ASSIGN_OR_RETURN(const RE2* re, Regex(m.value));
        bool match = RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re);
        return m.op == MatchOp::kRegexMatch ? match : !match;
      }
    }
    return false;
  }

  // The breakdown level of a label set: 1 + the index of the finest detail
  // label it carries (0 = headline sample).
  size_t LevelOf(const Labels& labels) const {
    size_t level = 0;
    for (size_t i = 0; i < input_.detail_labels.size(); ++i) {
      if (labels.Has(input_.detail_labels[i])) level = i + 1;
    }
    return level;
  }

  absl::StatusOr<ExprValue> Select(const ExprNode& e) {
    // Detail-label rule (see SampleSet): a selector selects the level of the
    // finest detail label it names; naming none selects headline samples.
    size_t want_level = 0;
    for (const LabelMatcher& m : e.matchers) {
      // `label=""` asks for the label's absence: it names no level.
      if (m.op == MatchOp::kEqual && m.value.empty()) continue;
      auto it = std::find(input_.detail_labels.begin(),
                          input_.detail_labels.end(), m.name);
      if (it != input_.detail_labels.end()) {
        want_level = std::max(
            want_level,
            static_cast<size_t>(it - input_.detail_labels.begin()) + 1);
      }
    }
    ExprValue out;
    for (const Sample& s : input_.samples) {
      if (!e.metric.empty() && s.labels.MetricName() != e.metric) continue;
      if (LevelOf(s.labels) != want_level) continue;
      bool all = true;
      for (const LabelMatcher& m : e.matchers) {
        ASSIGN_OR_RETURN(bool ok, Matches(m, s.labels));
        if (!ok) {
          all = false;
          break;
        }
      }
      if (all) out.vector.push_back(s);
    }
    return out;
  }

  absl::StatusOr<ExprValue> Aggregate(const ExprNode& e) {
    if (!e.lhs)
      return absl::InvalidArgumentError("aggregation has no argument");
    ASSIGN_OR_RETURN(ExprValue arg, Eval(*e.lhs));
    if (arg.is_scalar) {
      return absl::InvalidArgumentError(
          "expected type instant vector in aggregation expression, got "
          "scalar");
    }
    struct Group {
      double value = 0;
      double compensation = 0;  // Kahan, as PromQL's sum and avg
      double count = 0;
      absl::Time timestamp = absl::InfinitePast();
    };
    std::map<Labels, Group> groups;
    for (const Sample& s : arg.vector) {
      // by keeps only the listed labels (even __name__, as PromQL does);
      // without drops them and the metric name.
      Labels key = e.without ? s.labels.Drop(e.grouping).WithoutMetricName()
                             : s.labels.Keep(e.grouping);
      auto [it, fresh] = groups.try_emplace(std::move(key));
      Group& g = it->second;
      g.timestamp = std::max(g.timestamp, s.timestamp);
      g.count += 1;
      const double v = s.value;
      if (fresh) {
        g.value = v;
        continue;
      }
      switch (e.aggregate) {
        case AggregateOp::kSum:
        case AggregateOp::kAvg:
          KahanAdd(v, &g.value, &g.compensation);
          break;
        case AggregateOp::kMin:
          // PromQL replaces a NaN by any number: NaN only if all are NaN.
          if (g.value > v || std::isnan(g.value)) g.value = v;
          break;
        case AggregateOp::kMax:
          if (g.value < v || std::isnan(g.value)) g.value = v;
          break;
        case AggregateOp::kCount:
          break;
      }
    }
    ExprValue out;
    for (auto& [labels, g] : groups) {
      double v = g.value;
      switch (e.aggregate) {
        case AggregateOp::kSum:
          v = g.value + g.compensation;
          break;
        case AggregateOp::kAvg:
          v = (g.value + g.compensation) / g.count;
          break;
        case AggregateOp::kCount:
          v = g.count;
          break;
        default:
          break;
      }
      out.vector.push_back(Sample{labels, v, g.timestamp});
    }
    if (e.aggregate == AggregateOp::kAvg) {
      // A sum that overflowed although the inputs are finite: PromQL then
      // averages incrementally; recompute those groups that way.
      RecomputeOverflowedAverages(e, arg.vector, &out.vector);
    }
    return out;
  }

  static void KahanAdd(double v, double* sum, double* c) {
    double t = *sum + v;
    if (std::isinf(t)) {
      *c = 0;
    } else if (std::fabs(*sum) >= std::fabs(v)) {
      *c += (*sum - t) + v;
    } else {
      *c += (v - t) + *sum;
    }
    *sum = t;
  }

  static void RecomputeOverflowedAverages(const ExprNode& e,
                                          const std::vector<Sample>& in,
                                          std::vector<Sample>* out) {
    for (Sample& r : *out) {
      if (!std::isinf(r.value)) continue;
      double mean = 0;
      double n = 0;
      bool finite = true;
      for (const Sample& s : in) {
        Labels key = e.without ? s.labels.Drop(e.grouping).WithoutMetricName()
                               : s.labels.Keep(e.grouping);
        if (key != r.labels) continue;
        if (!std::isfinite(s.value)) finite = false;
        n += 1;
        mean += s.value / n - mean / n;
      }
      if (finite) r.value = mean;
    }
  }

  absl::StatusOr<ExprValue> Negate(const ExprNode& e) {
    if (!e.lhs) return absl::InvalidArgumentError("negation has no operand");
    ASSIGN_OR_RETURN(ExprValue v, Eval(*e.lhs));
    if (v.is_scalar) {
      v.scalar = -v.scalar;
      return v;
    }
    for (Sample& s : v.vector) {
      s.value = -s.value;
      s.labels.Remove(kMetricNameLabel);
    }
    RETURN_IF_ERROR(CheckUniqueLabelSets(v.vector));
    return v;
  }

  static double Apply(BinaryOp op, double a, double b) {
    switch (op) {
      case BinaryOp::kAdd:
        return a + b;
      case BinaryOp::kSub:
        return a - b;
      case BinaryOp::kMul:
        return a * b;
      case BinaryOp::kDiv:
        return a / b;  // IEEE: x/0 = ±Inf, 0/0 = NaN
    }
    return std::numeric_limits<double>::quiet_NaN();
  }

  absl::StatusOr<ExprValue> Binary(const ExprNode& e) {
    if (!e.lhs || !e.rhs) {
      return absl::InvalidArgumentError("binary operation lacks an operand");
    }
    ASSIGN_OR_RETURN(ExprValue lhs, Eval(*e.lhs));
    ASSIGN_OR_RETURN(ExprValue rhs, Eval(*e.rhs));
    ExprValue out;
    if (lhs.is_scalar && rhs.is_scalar) {
      out.is_scalar = true;
      out.scalar = Apply(e.binary, lhs.scalar, rhs.scalar);
      return out;
    }
    if (lhs.is_scalar || rhs.is_scalar) {
      // Scalar-vector: each sample keeps its labels but loses __name__.
      ExprValue& vec = lhs.is_scalar ? rhs : lhs;
      for (Sample& s : vec.vector) {
        s.value = lhs.is_scalar ? Apply(e.binary, lhs.scalar, s.value)
                                : Apply(e.binary, s.value, rhs.scalar);
        s.labels.Remove(kMetricNameLabel);
      }
      RETURN_IF_ERROR(CheckUniqueLabelSets(vec.vector));
      return std::move(vec);
    }
    // Vector-vector, one-to-one on all labels but __name__. The right side
    // must be unique per match group; a left sample without a partner is
    // dropped; two left samples matching one right sample is an error.
    std::map<Labels, const Sample*> right;
    for (const Sample& r : rhs.vector) {
      Labels sig = r.labels.WithoutMetricName();
      auto [it, fresh] = right.try_emplace(sig, &r);
      if (!fresh) {
        return DuplicateSeries(sig, "right", r, *it->second);
      }
    }
    std::map<Labels, const Sample*> matched;
    for (const Sample& l : lhs.vector) {
      Labels sig = l.labels.WithoutMetricName();
      auto it = right.find(sig);
      if (it == right.end()) continue;
      auto [m, fresh] = matched.try_emplace(sig, &l);
      if (!fresh) return DuplicateSeries(sig, "left", l, *m->second);
      out.vector.push_back(Sample{
          sig, Apply(e.binary, l.value, it->second->value), l.timestamp});
    }
    return out;
  }

  // PromQL's message for a match group that is not unique on one side (the
  // right side: many-to-many; the left side: many-to-one).
  static absl::Status DuplicateSeries(const Labels& group,
                                      std::string_view side, const Sample& a,
                                      const Sample& b) {
    return absl::InvalidArgumentError(absl::StrCat(
        "found duplicate series for the match group ", group.ToString(),
        " on the ", Sv(side), " hand-side of the operation: [",
        a.labels.ToString(), ", ", b.labels.ToString(), "];",
        side == "right"
            ? "many-to-many matching not allowed: matching labels must be "
              "unique on one side"
            : "many-to-one matching must be explicit (group_left/group_right), "
              "which artifact expressions do not support"));
  }

  // PromQL refuses a result whose samples share a label set (e.g.
  // `{__name__=~"a|b"} * 2` once the names are gone).
  static absl::Status CheckUniqueLabelSets(const std::vector<Sample>& v) {
    std::map<Labels, int> seen;
    for (const Sample& s : v) {
      if (++seen[s.labels] == 2) {
        return absl::InvalidArgumentError(
            absl::StrCat("vector cannot contain metrics with the same label "
                         "set ",
                         s.labels.ToString()));
      }
    }
    return absl::OkStatus();
  }

  const SampleSet& input_;
  std::map<std::string, std::unique_ptr<RE2>> regexes_;
};

}  // namespace

absl::StatusOr<ExprValue> EvaluateExpr(const ExprNode& expr,
                                       const SampleSet& input) {
  Evaluator evaluator(input);
  return evaluator.Eval(expr);
}

}  // namespace aurora
