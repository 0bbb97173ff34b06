// libFuzzer entry point for the artifact-expression parser and evaluator.
// Any input must parse or fail cleanly (offset within the input, a message);
// a parsed expression must print (ExprToString) to text that parses back to
// the same tree and the same text, and must evaluate without crashing over a
// small fixed sample set. Violations abort, which libFuzzer reports.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "evaluator/expr_eval.h"
#include "evaluator/sample.h"
#include "rules/expr.h"

namespace {

using aurora::ExprNode;

bool SameTree(const ExprNode* a, const ExprNode* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case ExprNode::Kind::kNumber:
      if (std::isnan(a->number)) return std::isnan(b->number);
      return a->number == b->number &&
             std::signbit(a->number) == std::signbit(b->number);
    case ExprNode::Kind::kSelector:
      if (a->metric != b->metric || a->matchers.size() != b->matchers.size()) {
        return false;
      }
      for (size_t i = 0; i < a->matchers.size(); ++i) {
        if (a->matchers[i].name != b->matchers[i].name ||
            a->matchers[i].op != b->matchers[i].op ||
            a->matchers[i].value != b->matchers[i].value) {
          return false;
        }
      }
      return true;
    case ExprNode::Kind::kAggregate:
      return a->aggregate == b->aggregate && a->grouping == b->grouping &&
             a->without == b->without && SameTree(a->lhs.get(), b->lhs.get());
    case ExprNode::Kind::kNegate:
      return SameTree(a->lhs.get(), b->lhs.get());
    case ExprNode::Kind::kBinary:
      return a->binary == b->binary && SameTree(a->lhs.get(), b->lhs.get()) &&
             SameTree(a->rhs.get(), b->rhs.get());
  }
  return false;
}

const aurora::SampleSet& Samples() {
  static const aurora::SampleSet* set = [] {
    auto* s = new aurora::SampleSet;
    s->detail_labels = {"suite", "file"};
    s->samples = {
        aurora::MakeSample("tests", {{"result", "passed"}}, 90),
        aurora::MakeSample("tests", {{"result", "failed"}}, 3),
        aurora::MakeSample("tests", {{"result", "failed"}, {"suite", "a"}}, 2),
        aurora::MakeSample("x", {{"a", "1"}}, 1),
        aurora::MakeSample("x", {{"a", "2"}}, NAN),
        aurora::MakeSample("y", {{"a", "1"}}, 0),
        aurora::MakeSample("y", {{"a", "2"}}, -INFINITY),
        aurora::MakeSample("z", {}, 1e308),
        aurora::MakeSample("cov", {{"file", "f.py"}, {"package", "p"}}, 50),
    };
    return s;
  }();
  return *set;
}

[[noreturn]] void Die(const char* what, std::string_view input,
                      const std::string& detail) {
  std::fprintf(stderr, "%s\ninput: %.*s\ndetail: %s\n", what,
               static_cast<int>(input.size()), input.data(), detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  aurora::ExprError error;
  absl::StatusOr<aurora::ParsedExpr> parsed = aurora::ParseExpr(text, &error);
  if (!parsed.ok()) {
    if (error.offset > size)
      Die("error offset past the input", text, error.message);
    if (error.message.empty()) Die("empty error message", text, "");
    if (std::string(parsed.status().message()) != error.message) {
      Die("status and ExprError disagree", text, error.message);
    }
    return 0;
  }
  if (parsed->root == nullptr) Die("parsed without a root", text, "");
  const std::string canonical = aurora::ExprToString(*parsed);
  aurora::ExprError again_error;
  absl::StatusOr<aurora::ParsedExpr> again =
      aurora::ParseExpr(canonical, &again_error);
  if (!again.ok())
    Die("canonical text does not parse", text,
        canonical + " -> " + again_error.message);
  if (!SameTree(parsed->root.get(), again->root.get())) {
    Die("round trip changed the tree", text, canonical);
  }
  if (parsed->comparison.has_value() != again->comparison.has_value()) {
    Die("round trip changed the comparison", text, canonical);
  }
  if (aurora::ExprToString(*again) != canonical) {
    Die("printing is not idempotent", text, canonical);
  }
  (void)aurora::ReferencedMetrics(*parsed->root);
  absl::StatusOr<aurora::ExprValue> value =
      aurora::EvaluateExpr(*parsed->root, Samples());
  if (value.ok() && !value->is_scalar) {
    for (const aurora::Sample& s : value->vector) (void)s.labels.ToString();
  }
  return 0;
}
