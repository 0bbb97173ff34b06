// Issues 11.7 and 12 (loading): `aurora-gate lint --offline` accepts exactly
// the rule files `promtool check rules` accepts — on a corpus of real public
// rule files (tests/testdata/rule-corpus, provenance and licences in its
// SOURCES.md) and on probes written for the edge cases of issue 12. The
// differences that are decided, not accidental, are listed with their reason
// and checked to be exactly those.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

const std::string kCorpus = std::string(AURORA_TESTDATA_DIR) + "/rule-corpus";

bool PromtoolAccepts(const std::string& path) {
  return testing::PromtoolCheckRules(path).exit_code == 0;
}

testing::ProcessResult Lint(const std::string& path) {
  return testing::RunProcess({AURORA_GATE_BIN, "lint", "--offline", path},
                             {{"PROMETHEUS_URL", "\x01unset"}});
}

int PromtoolMajorVersion() {
  testing::ProcessResult r = testing::RunProcess({"promtool", "--version"});
  std::smatch m;
  const std::string text = r.out + r.err;
  if (std::regex_search(text, m, std::regex("version ([0-9]+)\\."))) {
    return std::stoi(m[1]);
  }
  return 0;
}

// Every line lint prints on stdout names file:line:col (issue 12.11).
void ExpectEveryLineLocated(const std::string& path, const std::string& out) {
  std::istringstream lines(out);
  std::string line;
  const std::regex located("^" + std::regex_replace(path, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                           ":[0-9]+:[0-9]+: .+");
  while (std::getline(lines, line)) {
    EXPECT_TRUE(std::regex_match(line, located)) << line;
  }
}

// Decided differences, by file (relative to the corpus).
struct Difference {
  bool lint_accepts;
  const char* reason;
  const char* lint_says;  // part of lint's message when it rejects
};

std::map<std::string, Difference> KnownDifferences(int promtool_major) {
  std::map<std::string, Difference> d;
  // Documented in README (Gate files): a second document is an error here.
  d["prometheus/rules-fixtures/rules_multi_doc.yaml"] = {
      false, "Prometheus ignores a second YAML document; a gate never drops "
             "rules silently", "a second YAML document"};
  if (promtool_major == 2) {
    // aurora-gate follows Prometheus 3: UTF-8 label and annotation names are
    // valid (promtool 2.x checks the legacy [a-zA-Z_][a-zA-Z0-9_]* syntax).
    for (const char* f : {"prometheus/rulefmt/utf-8_annotation.good.yaml",
                          "prometheus/rulefmt/utf-8_lname.good.yaml",
                          "prometheus/rulefmt/legacy_validation_annotation.bad.yaml"}) {
      d[f] = {true, "UTF-8 names are valid in Prometheus 3", ""};
    }
  }
  return d;
}

TEST(RuleCorpusDifferentialTest, LintAcceptsExactlyWhatPromtoolAccepts) {
  const std::map<std::string, Difference> known =
      KnownDifferences(PromtoolMajorVersion());
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(kCorpus)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yml" || ext == ".yaml")) {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 150u) << "the corpus is in " << kCorpus;
  int accepted = 0, rejected = 0, rules = 0;
  const std::regex summary("([0-9]+) rules?: OK");
  for (const std::string& path : files) {
    const std::string rel = path.substr(kCorpus.size() + 1);
    const bool promtool = PromtoolAccepts(path);
    testing::ProcessResult lint = Lint(path);
    ASSERT_TRUE(lint.exit_code == 0 || lint.exit_code == 2)
        << rel << ": " << lint.out << lint.err;
    const bool lint_accepts = lint.exit_code == 0;
    ExpectEveryLineLocated(path, lint.out);
    EXPECT_THAT(lint.out, ::testing::Not(HasSubstr("PromQL not checked"))) << rel;
    auto k = known.find(rel);
    if (k != known.end()) {
      EXPECT_EQ(lint_accepts, k->second.lint_accepts) << rel << lint.out;
      EXPECT_NE(promtool, k->second.lint_accepts)
          << rel << ": listed as a difference (" << k->second.reason
          << ") but promtool agrees now; remove it from the list";
      if (!k->second.lint_accepts) {
        EXPECT_THAT(lint.out, HasSubstr(k->second.lint_says)) << rel;
      }
      continue;
    }
    EXPECT_EQ(lint_accepts, promtool)
        << rel << ": promtool " << (promtool ? "accepts" : "rejects")
        << ", lint " << (lint_accepts ? "accepts" : "rejects") << ":\n"
        << lint.out << lint.err;
    (lint_accepts ? accepted : rejected)++;
    std::smatch m;
    if (std::regex_search(lint.err, m, summary)) rules += std::stoi(m[1]);
  }
  // The corpus holds real files of both kinds, and many rules.
  EXPECT_GE(accepted, 120);
  EXPECT_GE(rejected, 10);
  EXPECT_GE(rules, 3000);
}

// Issue 12's probes: each is a rule file on its own.
TEST(RuleCorpusDifferentialTest, ProbesAgreeWithPromtool) {
  const std::map<std::string, std::string> probes = {
      {"empty", ""},
      {"comment-only", "# nothing here\n"},
      {"empty-mapping", "{}\n"},
      {"group-without-rules", "groups:\n  - name: g\n"},
      {"group-with-empty-rules", "groups:\n  - name: g\n    rules: []\n"},
      {"merge-keys",
       "groups:\n  - name: g\n    rules:\n      - &a\n        alert: A\n"
       "        expr: up == 0\n        for: 5m\n      - <<: *a\n        alert: B\n"},
      {"for-on-recording-rule",
       "groups:\n  - name: g\n    rules:\n      - record: r:up\n        expr: up\n"
       "        for: 5m\n"},
      {"keep-firing-for-on-recording-rule",
       "groups:\n  - name: g\n    rules:\n      - record: r:up\n        expr: up\n"
       "        keep_firing_for: 5m\n"},
      {"label-dunder-name",
       "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"
       "        labels: { __name__: x }\n"},
      {"record-name-braces",
       "groups:\n  - name: g\n    rules:\n      - record: 'up{job=\"a\"}'\n"
       "        expr: up\n"},
      {"record-name-leading-digit",
       "groups:\n  - name: g\n    rules:\n      - record: 1up\n        expr: up\n"},
      {"template-undefined-variable",
       "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"
       "        annotations: { s: '{{ $label.instance }}' }\n"},
      {"template-unclosed-action",
       "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"
       "        annotations: { s: '{{ .Broken' }\n"},
      {"template-unknown-function",
       "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"
       "        labels: { s: '{{ nosuch 1 }}' }\n"},
      {"template-good",
       "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"
       "        annotations: { s: '{{ $labels.instance }} {{ $value | humanize }}'"
       ", d: '{{ range query \"up\" }}{{ . | value }}{{ end }}' }\n"},
      {"duplicate-group-names",
       "groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n"},
      {"duplicate-alert-names",
       "groups:\n  - name: g\n    rules:\n      - { alert: A, expr: up < 1 }\n"
       "      - { alert: A, expr: up < 0.5 }\n"},
      {"bad-promql",
       "groups:\n  - name: g\n    rules:\n      - alert: A\n"
       "        expr: sum(rate(x[5m]) by\n"},
  };
  std::string dir = testing::MakeTempDir();
  for (const auto& [name, text] : probes) {
    const std::string path = absl::StrCat(dir, "/", name, ".yml");
    std::ofstream(path) << text;
    const bool promtool = PromtoolAccepts(path);
    testing::ProcessResult lint = Lint(path);
    EXPECT_EQ(lint.exit_code == 0, promtool)
        << name << ": promtool " << (promtool ? "accepts" : "rejects") << "\n"
        << lint.out << lint.err;
    ExpectEveryLineLocated(path, lint.out);
  }
  testing::RemoveDir(dir);
}

}  // namespace
}  // namespace aurora
