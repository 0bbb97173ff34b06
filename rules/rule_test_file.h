// File: rules/rule_test_file.h
// promtool's rule unit-test file (docs/configuration/unit_testing_rules.md),
// read unchanged: rule_files, evaluation_interval, group_eval_order, tests
// with interval, input_series, alert_rule_test, promql_expr_test,
// external_labels, external_url, name. aurora-gate adds, per test,
// input_artifacts (artifact source name -> file or inline content) and
// outcome_test (eval_time + exp_outcomes: rule -> outcome [and value]) for
// gate files. ParseRuleTestFile is pure: text in, model and every error
// (file:line:col) out; unknown keys are errors, as promtool's strict YAML.
#ifndef AURORA_RULES_RULE_TEST_FILE_H_
#define AURORA_RULES_RULE_TEST_FILE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "rules/gate.h"
#include "rules/gate_loader.h"
#include "rules/series_notation.h"

namespace aurora {

struct TestInputSeries {
  SeriesLabels series;
  std::string series_text;  // as written
  std::vector<SeriesStep> steps;
  FilePos pos;
};

struct TestExpAlert {
  std::map<std::string, std::string> labels;       // exp_labels
  std::map<std::string, std::string> annotations;  // exp_annotations
};

struct AlertRuleTest {
  absl::Duration eval_time = absl::ZeroDuration();
  std::string eval_time_text;  // promtool prints model.Duration: "5m"
  std::string alertname;
  std::vector<TestExpAlert> exp_alerts;
  FilePos pos;
};

struct TestExpSample {
  SeriesLabels labels;
  double value = 0;
};

struct PromqlExprTest {
  std::string expr;
  absl::Duration eval_time = absl::ZeroDuration();
  std::vector<TestExpSample> exp_samples;
  FilePos pos;
};

// aurora-gate: a rule's expected outcome (pass, warn, fail, pending,
// inconclusive, error) and, optionally, its (first series') value.
struct ExpOutcome {
  std::string rule;  // "name" or "group/name"
  Outcome outcome = Outcome::kPass;
  std::optional<double> value;
  FilePos pos;
};

struct OutcomeTest {
  absl::Duration eval_time = absl::ZeroDuration();
  std::vector<ExpOutcome> exp_outcomes;
  FilePos pos;
};

// aurora-gate: what an artifact source reads in this test: a file (relative
// to the test file) or inline content.
struct TestArtifact {
  std::string source;
  std::string file;     // resolved path, empty with content
  std::string content;  // inline
  bool inline_content = false;
  FilePos pos;
};

struct RuleTestGroup {
  std::string name;  // may be empty
  absl::Duration interval = absl::ZeroDuration();  // 0: evaluation_interval
  std::vector<TestInputSeries> input_series;
  std::vector<AlertRuleTest> alert_rule_tests;
  std::vector<PromqlExprTest> promql_expr_tests;
  std::vector<OutcomeTest> outcome_tests;
  std::vector<TestArtifact> input_artifacts;
  std::map<std::string, std::string> external_labels;
  std::string external_url;
  FilePos pos;

  // The largest eval_time of its tests (promtool's maxEvalTime).
  absl::Duration MaxEvalTime() const;
};

struct RuleTestFile {
  std::string path;
  // Paths as written, joined with the test file's directory when relative
  // (globs are expanded by the caller); positions for errors.
  std::vector<std::string> rule_files;
  std::vector<FilePos> rule_file_pos;
  absl::Duration evaluation_interval = absl::Minutes(1);
  std::vector<std::string> group_eval_order;
  std::vector<RuleTestGroup> tests;
};

struct LoadedRuleTestFile {
  RuleTestFile file;
  std::vector<GateError> errors;  // empty when usable
  bool ok() const { return errors.empty(); }
};

// Parses test-file text; `path` names the file in errors and resolves
// relative rule_files and input_artifacts files.
LoadedRuleTestFile ParseRuleTestFile(std::string_view path,
                                     std::string_view text);

}  // namespace aurora

#endif  // AURORA_RULES_RULE_TEST_FILE_H_
