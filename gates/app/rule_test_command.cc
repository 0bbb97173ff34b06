// File: gates/app/rule_test_command.cc
// Over ~700 lines on purpose: `aurora-gate test` end to end in the order
// promtool runs it (read the test files, load their rule and gate files,
// feed the engine, step each group's evaluations, compare, print promtool's
// diff, write JUnit); the file reader, series notation and engine are apart
// (rules/rule_test_file, rules/series_notation, gates/app/rule_test_engine).
#include "gates/app/rule_test_command.h"

#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "base/curl_http_client.h"
#include "base/file_reader.h"
#include "base/output_file.h"
#include "base/strings.h"
#include "gates/app/rule_test_engine.h"
#include "gates/core/run_gate.h"
#include "gates/core/source_cache.h"
#include "queries/prometheus_querier.h"
#include "re2/re2.h"
#include "reports/report_text.h"
#include "rules/alert_template.h"
#include "rules/duration.h"
#include "rules/gate_loader.h"
#include "rules/interpolate.h"
#include "rules/rule_test_file.h"
#include "rules/series_notation.h"

namespace aurora {
namespace {

using StringMap = std::map<std::string, std::string>;

constexpr char kHelp[] =
    R"(Usage: aurora-gate test TESTS.yaml... [--junit FILE] [--prometheus-binary PATH]

Runs rule unit tests written in promtool's format (rule_files,
evaluation_interval, tests with input_series, alert_rule_test,
promql_expr_test, external_labels, external_url) against a real Prometheus:
one throw-away server on 127.0.0.1 for the whole run, the input series
backfilled with promtool, the rules evaluated as `aurora-gate check --at`
evaluates them. rule_files may be Prometheus alert files or gate files; for
gate files a test may add input_artifacts (source name: FILE or
{content: ...}) and outcome_test (eval_time, exp_outcomes: rule: OUTCOME or
{outcome: ..., value: N}).

Options:
  --junit FILE              write the results as JUnit XML (as promtool --junit)
  --prometheus-binary PATH  the prometheus to run (default: the one in PATH;
                            promtool beside it or in PATH)
  -h [ --help ]             this help

Exit: 0 all tests pass, 1 a test failed, 2 a bad test or rule file (nothing
run), 3 the engine could not run or a report could not be written.

Examples:
  $ aurora-gate test gates/runbook/tests/runbook-alerts.test.yml
  $ aurora-gate test tests/*.test.yml --junit rule-tests.xml
)";

// ---- Text as promtool prints it --------------------------------------------

// Go's strconv.FormatFloat(v, 'E', -1, 64).
std::string GoFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  for (char& c : s) {
    if (c == 'e') c = 'E';
  }
  return s;
}

// promtool's indentLines: every line but the first gets `indent`.
std::string IndentLines(const std::string& lines, const std::string& indent) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t nl = lines.find('\n', start);
    if (!first) out += indent;
    first = false;
    if (nl == std::string::npos) {
      out += lines.substr(start);
      break;
    }
    out += lines.substr(start, nl - start + 1);
    start = nl + 1;
  }
  return out;
}

struct AlertView {
  StringMap labels, annotations;
  friend bool operator<(const AlertView& a, const AlertView& b) {
    return std::tie(a.labels, a.annotations) < std::tie(b.labels, b.annotations);
  }
  friend bool operator==(const AlertView& a, const AlertView& b) {
    return a.labels == b.labels && a.annotations == b.annotations;
  }
};

std::string AlertsString(const std::vector<AlertView>& alerts) {
  if (alerts.empty()) return "[]";
  std::string s = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string one = absl::StrCat("\nLabels:", PromLabelsString(alerts[i].labels),
                                         "\nAnnotations:",
                                         PromLabelsString(alerts[i].annotations));
    absl::StrAppend(&s, i == 0 ? "\n" : ",\n", i, ":", IndentLines(one, "  "));
  }
  return s + "\n]";
}

struct SampleView {
  StringMap labels;  // __name__ included
  double value = 0;
};

std::string SamplesString(const std::vector<SampleView>& samples) {
  if (samples.empty()) return "nil";
  std::vector<std::string> parts;
  for (const SampleView& s : samples) {
    parts.push_back(absl::StrCat(PromLabelsString(s.labels), " ", GoFloatE(s.value)));
  }
  return absl::StrJoin(parts, ", ");
}

StringMap ToMap(const Labels& l) {
  StringMap out;
  for (const auto& [k, v] : l.pairs()) out[k] = v;
  return out;
}

StringMap WithName(const SeriesLabels& s) {
  StringMap out = s.labels;
  if (!s.name.empty()) out["__name__"] = s.name;
  return out;
}

// ---- Loading ---------------------------------------------------------------

// A test file with its rule files loaded.
struct LoadedTests {
  RuleTestFile file;
  std::vector<GateFile> gates;
  bool absolute_time = false;  // its rules read the absolute time
  absl::Duration reach = absl::ZeroDuration();  // longest range/offset read
};

// Whether PromQL `expr` reads the absolute time (time(), timestamp(), the
// date functions, an `@ <number>` modifier): such a test must run at
// promtool's own times, not shifted.
bool ReadsAbsoluteTime(const std::string& expr) {
  static const RE2 kAbsolute(
      R"((?:^|[^a-zA-Z0-9_:])(?:time|timestamp|minute|hour|day_of_week|day_of_month|)"
      R"(day_of_year|days_in_month|month|year)\s*\(|@\s*[-+0-9.])");
  return RE2::PartialMatch(expr, kAbsolute);
}

// The longest range, subquery or offset `expr` reads back.
absl::Duration Reach(const std::string& expr) {
  static const RE2 kRange(R"((?:\[\s*|offset\s+-?\s*)([0-9][0-9a-z]*))");
  absl::Duration out = absl::ZeroDuration();
  re2::StringPiece in(expr);
  std::string d;
  while (RE2::FindAndConsume(&in, kRange, &d)) {
    absl::StatusOr<absl::Duration> parsed = ParsePromDuration(d);
    if (parsed.ok()) out = std::max(out, *parsed);
  }
  return out;
}

std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  return out;
}

// Loads a test file and its rule files; every problem (and what aurora-gate
// test does not support) goes to `errors`.
LoadedTests LoadTests(const std::string& path, const CommandEnv& env,
                      std::vector<GateError>* errors) {
  LoadedTests out;
  absl::StatusOr<std::string> text = env.files->ReadFile(path);
  if (!text.ok()) {
    errors->push_back(GateError{path, {}, absl::StrCat("cannot read the test file: ",
                                                      text.status().message())});
    return out;
  }
  LoadedRuleTestFile parsed = ParseRuleTestFile(path, *text);
  errors->insert(errors->end(), parsed.errors.begin(), parsed.errors.end());
  out.file = std::move(parsed.file);
  const VarLookup vars = EnvironmentLookup();
  for (size_t i = 0; i < out.file.rule_files.size(); ++i) {
    std::vector<std::string> matched = Glob(out.file.rule_files[i]);
    if (matched.empty()) {
      errors->push_back(GateError{path, out.file.rule_file_pos[i],
                                  absl::StrCat("rule_files: no file matches \"",
                                               out.file.rule_files[i], "\"")});
    }
    for (const std::string& rf : matched) {
      LoadedGate g = LoadGateFile(rf, *env.files, vars);
      errors->insert(errors->end(), g.errors.begin(), g.errors.end());
      if (!g.ok()) continue;
      for (const RuleGroup& group : g.gate.groups) {
        for (const Rule& rule : group.rules) {
          if (rule.kind == Rule::Kind::kRecord) {
            errors->push_back(GateError{
                rf, rule.pos,
                absl::StrCat("group \"", group.name, "\": recording rule \"", rule.name,
                             "\": not supported by aurora-gate test (recording rules "
                             "are not evaluated; test the expressions that use them "
                             "with promtool)")});
          }
          out.absolute_time = out.absolute_time || ReadsAbsoluteTime(rule.expr);
          out.reach = std::max(out.reach, Reach(rule.expr));
        }
      }
      out.gates.push_back(std::move(g.gate));
    }
  }
  // What the rules and the tests need.
  for (size_t t = 0; t < out.file.tests.size(); ++t) {
    const RuleTestGroup& group = out.file.tests[t];
    const std::string where = absl::StrCat("tests[", t, "]: ");
    for (const TestInputSeries& s : group.input_series) {
      for (const SeriesStep& step : s.steps) {
        if (step.kind == SeriesStep::Kind::kStale) {
          errors->push_back(GateError{
              path, s.pos,
              absl::StrCat(where, "series \"", s.series_text,
                           "\": stale markers are not supported by aurora-gate test "
                           "(the input is backfilled as OpenMetrics, which has none)")});
          break;
        }
      }
    }
    static const RE2 kAlerts(R"((?:^|[^a-zA-Z0-9_:])ALERTS(?:_FOR_STATE)?(?:[^a-zA-Z0-9_:]|$))");
    for (const PromqlExprTest& p : group.promql_expr_tests) {
      if (RE2::PartialMatch(p.expr, kAlerts)) {
        errors->push_back(GateError{
            path, p.pos,
            absl::StrCat(where, "expr ", GoQuote(p.expr),
                         ": the ALERTS series are not supported by aurora-gate test "
                         "(test alerts with alert_rule_test)")});
      }
    }
    for (const TestArtifact& a : group.input_artifacts) {
      bool found = false;
      for (const GateFile& g : out.gates) {
        auto it = g.sources.find(a.source);
        if (it == g.sources.end()) continue;
        if (it->second.reads_file()) {
          found = true;
        } else {
          errors->push_back(GateError{
              path, a.pos,
              absl::StrCat(where, "input_artifacts: source \"", a.source, "\" of ",
                           g.path, " is a ", Sv(SourceTypeName(it->second.type)),
                           " source; only artifact files can be given")});
          found = true;
        }
      }
      if (!found) {
        errors->push_back(GateError{path, a.pos,
                                    absl::StrCat(where, "input_artifacts: no source \"",
                                                 a.source, "\" in the rule files")});
      }
    }
  }
  return out;
}

// ---- Planning: which test runs where ---------------------------------------

// One test group and where its time 0 lies in its engine.
struct Slot {
  const LoadedTests* tests;
  size_t index;  // into tests->file.tests
  absl::Time base;
};

absl::Duration IntervalOf(const LoadedTests& t, const RuleTestGroup& g) {
  return g.interval > absl::ZeroDuration() ? g.interval : t.file.evaluation_interval;
}

bool GroupReadsAbsoluteTime(const LoadedTests& t, const RuleTestGroup& g) {
  if (t.absolute_time) return true;
  for (const PromqlExprTest& p : g.promql_expr_tests) {
    if (ReadsAbsoluteTime(p.expr)) return true;
  }
  return false;
}

// How far a group's data and evaluations reach after its time 0.
absl::Duration Span(const LoadedTests& t, const RuleTestGroup& g) {
  absl::Duration last = g.MaxEvalTime();
  for (const TestInputSeries& s : g.input_series) {
    if (!s.steps.empty()) {
      last = std::max(last, static_cast<int64_t>(s.steps.size() - 1) * IntervalOf(t, g));
    }
  }
  return last;
}

// Engines and their slots. Tests share one engine, each at its own time
// offset (whole days apart, further than any range or offset reads back).
// A test whose expressions read the absolute time needs time 0 at the Unix
// epoch, as promtool has it: the first such test gets that in the shared
// engine, any further one an engine of its own.
std::vector<std::vector<Slot>> Plan(const std::vector<LoadedTests>& all) {
  std::vector<std::vector<Slot>> engines(1);
  std::vector<std::pair<const LoadedTests*, size_t>> shifted;
  bool epoch_taken = false;
  absl::Time cursor = absl::UnixEpoch();
  auto place = [&](const LoadedTests& t, size_t i) {
    const RuleTestGroup& g = t.file.tests[i];
    engines[0].push_back({&t, i, cursor});
    absl::Duration reach = std::max(t.reach, absl::Minutes(5));
    for (const PromqlExprTest& p : g.promql_expr_tests) reach = std::max(reach, Reach(p.expr));
    absl::Duration next = (cursor - absl::UnixEpoch()) + Span(t, g) + reach + absl::Hours(24);
    cursor = absl::UnixEpoch() + absl::Ceil(next, absl::Hours(24));
  };
  for (const LoadedTests& t : all) {
    for (size_t i = 0; i < t.file.tests.size(); ++i) {
      if (!GroupReadsAbsoluteTime(t, t.file.tests[i])) {
        shifted.emplace_back(&t, i);
      } else if (!epoch_taken) {
        epoch_taken = true;
        place(t, i);
      } else {
        engines.push_back({{&t, i, absl::UnixEpoch()}});
      }
    }
  }
  for (const auto& [t, i] : shifted) place(*t, i);
  return engines;
}

std::vector<EngineSample> SamplesOf(const std::vector<Slot>& slots) {
  std::vector<EngineSample> out;
  for (const Slot& slot : slots) {
    const RuleTestGroup& g = slot.tests->file.tests[slot.index];
    const absl::Duration interval = IntervalOf(*slot.tests, g);
    for (const TestInputSeries& s : g.input_series) {
      for (size_t i = 0; i < s.steps.size(); ++i) {
        if (s.steps[i].kind != SeriesStep::Kind::kValue) continue;
        const absl::Time at = slot.base + static_cast<int64_t>(i) * interval;
        out.push_back({s.series.name, s.series.labels, absl::ToUnixMillis(at),
                       s.steps[i].value});
      }
    }
  }
  return out;
}

// ---- Running one test group ------------------------------------------------

struct GroupRun {
  std::string name;                 // for JUnit: name or unnamed#i
  std::vector<std::string> errors;  // promtool-style blocks
};

// The file's gates as this test runs them: every Prometheus source asks the
// engine, every rule steps at the test file's evaluation_interval (promtool
// evaluates every group at it), artifact sources read the test's inputs.
std::vector<GateFile> GatesForTest(const LoadedTests& t, const RuleTestGroup& g,
                                   const std::string& engine_url,
                                   const std::string& scratch_dir, size_t test_index) {
  std::vector<GateFile> gates = t.gates;
  for (GateFile& gate : gates) {
    gate.evaluation_interval = t.file.evaluation_interval;
    gate.evaluation_interval_set = true;
    for (RuleGroup& group : gate.groups) group.interval = absl::ZeroDuration();
    for (auto& [name, source] : gate.sources) {
      if (source.type == SourceType::kPrometheus) {
        SourceSpec s;
        s.name = source.name;
        s.type = source.type;
        s.pos = source.pos;
        s.url = engine_url;
        s.url_display = engine_url;
        source = s;
      }
    }
    for (const TestArtifact& a : g.input_artifacts) {
      auto it = gate.sources.find(a.source);
      if (it == gate.sources.end()) continue;
      std::string file = a.file;
      if (a.inline_content) {
        file = absl::StrCat(scratch_dir, "/", test_index, "-", a.source);
        std::ofstream f(file, std::ios::binary | std::ios::trunc);
        f << a.content;
      }
      it->second.path = file;
      it->second.paths = {file};
    }
  }
  return gates;
}

// The firing alerts of the alerting rules named `alertname`, as Prometheus
// labels them: the series' labels, the rule's labels, alertname.
std::vector<AlertView> FiringAlerts(const std::vector<GateFile>& gates,
                                    const std::vector<GateResult>& results,
                                    const std::string& alertname) {
  std::vector<AlertView> out;
  for (size_t gi = 0; gi < gates.size(); ++gi) {
    std::vector<const Rule*> rules;
    for (const RuleGroup& group : gates[gi].groups) {
      for (const Rule& r : group.rules) {
        if (r.kind != Rule::Kind::kRecord) rules.push_back(&r);
      }
    }
    for (size_t ri = 0; ri < rules.size() && ri < results[gi].rules.size(); ++ri) {
      const Rule& rule = *rules[ri];
      if (rule.kind != Rule::Kind::kAlert || rule.name != alertname) continue;
      for (const SeriesResult& s : results[gi].rules[ri].series) {
        if (s.outcome != Outcome::kFail && s.outcome != Outcome::kWarn) continue;
        AlertView a;
        a.labels = ToMap(s.labels);
        for (const auto& [k, v] : rule.labels) {
          if (!IsTemplated(v)) a.labels[k] = v;
        }
        a.labels["alertname"] = rule.name;
        for (auto it = a.labels.begin(); it != a.labels.end();) {
          it = it->second.empty() ? a.labels.erase(it) : std::next(it);
        }
        for (const auto& [k, v] : s.annotations) a.annotations[k] = v;
        for (auto it = a.annotations.begin(); it != a.annotations.end();) {
          it = it->second.empty() ? a.annotations.erase(it) : std::next(it);
        }
        out.push_back(std::move(a));
      }
    }
  }
  return out;
}

// The result of rule `key` ("name" or "group/name"); null when none.
const RuleResult* FindRule(const std::vector<GateResult>& results, const std::string& key,
                           int* matches) {
  const RuleResult* found = nullptr;
  *matches = 0;
  for (const GateResult& g : results) {
    for (const RuleResult& r : g.rules) {
      if (r.name == key || absl::StrCat(r.group, "/", r.name) == key) {
        found = found == nullptr ? &r : found;
        ++*matches;
      }
    }
  }
  return found;
}

bool SameValue(double want, double got) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  if (want == got) return true;
  return std::fabs(want - got) <= 1e-9 * std::max(std::fabs(want), std::fabs(got));
}

class GroupRunner {
 public:
  GroupRunner(const Slot& slot, const std::string& engine_url,
              const std::string& scratch_dir, const CommandEnv& env)
      : slot_(slot),
        tests_(*slot.tests),
        group_(tests_.file.tests[slot.index]),
        engine_url_(engine_url),
        scratch_dir_(scratch_dir),
        env_(env) {}

  GroupRun Run() {
    GroupRun out;
    out.name = group_.name.empty() ? absl::StrCat("unnamed#", slot_.index) : group_.name;
    gates_ = GatesForTest(tests_, group_, engine_url_, scratch_dir_, slot_.index);
    live_.make_client = env_.make_http_client;
    live_.clock = env_.clock;
    live_.files = env_.files;
    live_.default_url = engine_url_;
    live_.retry.max_attempts = 1;
    live_.test_external_labels = group_.external_labels;
    live_.test_external_url = group_.external_url;
    live_.earliest_evaluation = slot_.base;
    // The engine evaluates no rules of its own: no need to ask it.
    live_.server_rules->emplace(engine_url_, std::vector<ServerAlertRule>{});
    cache_ = std::make_unique<SourceCache>(*env_.files, &live_);
    if (!RunRuleChecks(&out.errors)) return out;
    RunExprChecks(&out.errors);
    return out;
  }

 private:
  // promtool's evaluation at or before `eval_time`: the last step of the
  // evaluation_interval grid from time 0.
  absl::Time EvalSlot(absl::Duration eval_time) const {
    const absl::Duration every = tests_.file.evaluation_interval;
    return slot_.base + (eval_time / every) * every;
  }

  std::string NamePrefix() const {
    return group_.name.empty() ? "" : absl::StrCat("    name: ", group_.name, ",\n");
  }

  // Alert and outcome checks, one evaluation per distinct time. False when
  // an alerting rule could not be evaluated (promtool stops the test there).
  bool RunRuleChecks(std::vector<std::string>* errors) {
    std::map<absl::Duration, std::pair<std::vector<const AlertRuleTest*>,
                                       std::vector<const OutcomeTest*>>> by_time;
    for (const AlertRuleTest& a : group_.alert_rule_tests) {
      by_time[tests_.file.evaluation_interval * (a.eval_time / tests_.file.evaluation_interval)]
          .first.push_back(&a);
    }
    for (const OutcomeTest& o : group_.outcome_tests) {
      by_time[tests_.file.evaluation_interval * (o.eval_time / tests_.file.evaluation_interval)]
          .second.push_back(&o);
    }
    for (const auto& [slot_time, checks] : by_time) {
      // Only the alerting rules checked at this time (every rule when an
      // outcome is checked): one query each.
      std::set<std::string> names;
      for (const AlertRuleTest* a : checks.first) names.insert(a->alertname);
      std::vector<GateFile> gates = gates_;
      if (checks.second.empty()) {
        for (GateFile& gate : gates) {
          for (RuleGroup& group : gate.groups) {
            std::erase_if(group.rules, [&](const Rule& r) {
              return r.kind != Rule::Kind::kAlert || names.count(r.name) == 0;
            });
          }
        }
      }
      std::vector<GateResult> results =
          RunGates(gates, *cache_, &live_, slot_.base + slot_time);
      for (const GateResult& g : results) {
        for (const RuleResult& r : g.rules) {
          if (r.kind == "alert" && r.outcome == Outcome::kError) {
            errors->push_back(absl::StrCat("    rule: ", r.name, ", time: ",
                                           FormatPromDuration(slot_time), ", err: ", r.reason));
            return false;
          }
        }
      }
      for (const AlertRuleTest* a : checks.first) {
        std::vector<AlertView> got = FiringAlerts(gates, results, a->alertname);
        std::vector<AlertView> exp;
        for (const TestExpAlert& e : a->exp_alerts) {
          AlertView v{e.labels, e.annotations};
          v.labels["alertname"] = a->alertname;
          exp.push_back(std::move(v));
        }
        std::sort(got.begin(), got.end());
        std::sort(exp.begin(), exp.end());
        if (exp != got) {
          errors->push_back(absl::StrCat(
              NamePrefix(), "    alertname: ", a->alertname, ", time: ", a->eval_time_text,
              ", \n        exp:", IndentLines(AlertsString(exp), "            "),
              ", \n        got:", IndentLines(AlertsString(got), "            ")));
        }
      }
      for (const OutcomeTest* o : checks.second) {
        for (const ExpOutcome& e : o->exp_outcomes) {
          CheckOutcome(*o, e, results, errors);
        }
      }
    }
    return true;
  }

  void CheckOutcome(const OutcomeTest& o, const ExpOutcome& e,
                    const std::vector<GateResult>& results,
                    std::vector<std::string>* errors) {
    const std::string head = absl::StrCat(NamePrefix(), "    rule: ", e.rule, ", time: ",
                                          FormatPromDuration(o.eval_time), ",");
    int matches = 0;
    const RuleResult* r = FindRule(results, e.rule, &matches);
    if (r == nullptr || matches > 1) {
      errors->push_back(absl::StrCat(
          head, r == nullptr ? " err: no such rule in the rule files"
                             : " err: several rules have this name; write group/name"));
      return;
    }
    std::string exp = std::string(OutcomeName(e.outcome));
    std::string got = std::string(OutcomeName(r->outcome));
    bool same = e.outcome == r->outcome;
    if (e.value.has_value()) {
      absl::StrAppend(&exp, " (value ", GoFloatString(*e.value), ")");
      if (r->series.empty()) {
        absl::StrAppend(&got, " (no value)");
        same = false;
      } else {
        absl::StrAppend(&got, " (value ", GoFloatString(r->series.front().value), ")");
        same = same && SameValue(*e.value, r->series.front().value);
      }
    }
    if (!same) {
      errors->push_back(absl::StrCat(head, "\n        exp: ", exp, "\n        got: ", got,
                                     ": ", r->reason));
    }
  }

  void RunExprChecks(std::vector<std::string>* errors) {
    if (group_.promql_expr_tests.empty()) return;
    absl::StatusOr<std::unique_ptr<HttpClient>> client =
        env_.make_http_client(HttpClientOptions());
    std::vector<PromQuery> queries;
    for (const PromqlExprTest& p : group_.promql_expr_tests) {
      PromQuery q;
      q.endpoint.base_url = engine_url_;
      q.promql = p.expr;
      q.at = slot_.base + p.eval_time;
      queries.push_back(std::move(q));
    }
    std::vector<absl::StatusOr<PromResult>> answers;
    if (client.ok()) {
      RetryPolicy once;
      once.max_attempts = 1;
      answers = RunPromQueries(queries, **client, *env_.clock, once);
    } else {
      answers.assign(queries.size(), client.status());
    }
    for (size_t i = 0; i < group_.promql_expr_tests.size(); ++i) {
      const PromqlExprTest& p = group_.promql_expr_tests[i];
      const std::string head = absl::StrCat("    expr: ", GoQuote(p.expr), ", time: ",
                                            FormatPromDuration(p.eval_time));
      if (!answers[i].ok()) {
        errors->push_back(absl::StrCat(head, ", err: ", answers[i].status().message()));
        continue;
      }
      std::vector<SampleView> got;
      const PromResult& r = *answers[i];
      if (r.type == PromResult::Type::kScalar) {
        got.push_back({{}, r.scalar});
      } else if (r.type == PromResult::Type::kVector) {
        for (const Sample& s : r.vector) got.push_back({ToMap(s.labels), s.value});
      } else {
        errors->push_back(absl::StrCat(head, ", err: rule result is not a vector or scalar"));
        continue;
      }
      std::vector<SampleView> exp;
      for (const TestExpSample& e : p.exp_samples) exp.push_back({WithName(e.labels), e.value});
      auto by_labels = [](const SampleView& a, const SampleView& b) { return a.labels < b.labels; };
      std::stable_sort(got.begin(), got.end(), by_labels);
      std::stable_sort(exp.begin(), exp.end(), by_labels);
      bool same = got.size() == exp.size();
      for (size_t k = 0; same && k < got.size(); ++k) {
        // reflect.DeepEqual: NaN never equals NaN.
        same = got[k].labels == exp[k].labels && got[k].value == exp[k].value;
      }
      if (!same) {
        errors->push_back(absl::StrCat(head, ",\n        exp: ", SamplesString(exp),
                                       "\n        got: ", SamplesString(got)));
      }
    }
  }

  const Slot& slot_;
  const LoadedTests& tests_;
  const RuleTestGroup& group_;
  std::string engine_url_;
  std::string scratch_dir_;
  const CommandEnv& env_;
  std::vector<GateFile> gates_;
  LiveContext live_;
  std::unique_ptr<SourceCache> cache_;
};

// ---- JUnit -----------------------------------------------------------------

struct FileRun {
  std::string path;
  std::vector<GroupRun> groups;  // in file order
};

std::string JunitXml(const std::vector<FileRun>& files, absl::Time now) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const FileRun& f : files) {
    size_t failures = 0;
    for (const GroupRun& g : f.groups) failures += g.errors.size();
    absl::StrAppend(&out, "  <testsuite name=\"", ToHtmlText(f.path), "\" tests=\"",
                    f.groups.size(), "\" failures=\"", failures,
                    "\" errors=\"0\" skipped=\"0\" timestamp=\"",
                    absl::FormatTime("%Y-%m-%dT%H:%M:%S", now, absl::UTCTimeZone()),
                    "\">\n");
    for (const GroupRun& g : f.groups) {
      absl::StrAppend(&out, "    <testcase name=\"", ToHtmlText(g.name), "\"");
      if (g.errors.empty()) {
        out += "></testcase>\n";
        continue;
      }
      out += ">\n";
      for (const std::string& e : g.errors) {
        // The body is promtool's failure text; `message` (its first line) is
        // what CI test tabs show as the failure's summary.
        const absl::string_view first_line =
            absl::StripAsciiWhitespace(absl::string_view(e).substr(0, e.find('\n')));
        absl::StrAppend(&out, "      <failure message=\"",
                        ToHtmlText(std::string_view(first_line.data(), first_line.size())),
                        "\">",
                        ToHtmlText(e), "</failure>\n");
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

// Removes the run's scratch directory (inline artifacts) at the end.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    if (!path.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  }
};

}  // namespace

int RunRuleTests(const RuleTestOptions& options, const CommandEnv& env) {
  if (options.files.empty()) {
    *env.err << "aurora-gate test: no test file given (see aurora-gate test --help)\n";
    return kExitUsage;
  }
  std::vector<GateError> errors;
  std::vector<LoadedTests> all;
  all.reserve(options.files.size());
  for (const std::string& path : options.files) all.push_back(LoadTests(path, env, &errors));
  if (!errors.empty()) {
    for (const GateError& e : errors) *env.err << e.ToString() << "\n";
    *env.err << "aurora-gate test: test file errors; nothing was run\n";
    return kExitUsage;
  }
  absl::StatusOr<EngineBinaries> binaries = FindEngineBinaries(options.prometheus_binary);
  if (!binaries.ok()) {
    *env.err << "aurora-gate test: " << binaries.status().message() << "\n";
    return kExitUndecided;
  }
  ScratchDir scratch;
  {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string tmpl = absl::StrCat(tmpdir != nullptr && *tmpdir ? tmpdir : "/tmp",
                                    "/aurora-gate-inputs-XXXXXX");
    if (::mkdtemp(tmpl.data()) == nullptr) {
      *env.err << "aurora-gate test: cannot create a temporary directory\n";
      return kExitUndecided;
    }
    scratch.path = tmpl;
  }
  std::vector<FileRun> runs(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    runs[i].path = all[i].file.path;
    runs[i].groups.resize(all[i].file.tests.size());
  }
  for (const std::vector<Slot>& slots : Plan(all)) {
    if (slots.empty()) continue;
    RuleTestEngine::Options engine_options;
    engine_options.binaries = *binaries;
    engine_options.evaluation_interval = slots.front().tests->file.evaluation_interval;
    absl::StatusOr<std::unique_ptr<RuleTestEngine>> engine =
        RuleTestEngine::Start(engine_options, SamplesOf(slots));
    if (!engine.ok()) {
      *env.err << "aurora-gate test: cannot start the PromQL engine: "
               << engine.status().message() << "\n";
      return kExitUndecided;
    }
    for (const Slot& slot : slots) {
      const size_t file_index = static_cast<size_t>(slot.tests - all.data());
      runs[file_index].groups[slot.index] =
          GroupRunner(slot, (*engine)->url(), scratch.path, env).Run();
    }
  }
  bool failed = false;
  for (const FileRun& f : runs) {
    *env.out << "Unit Testing:  " << f.path << "\n";
    std::vector<std::string> errs;
    for (const GroupRun& g : f.groups) errs.insert(errs.end(), g.errors.begin(), g.errors.end());
    if (errs.empty()) {
      *env.out << "  SUCCESS\n";
    } else {
      failed = true;
      *env.out << "  FAILED:\n";
      for (const std::string& e : errs) *env.out << e << "\n\n";
    }
    *env.out << "\n";
  }
  const int code = failed ? kExitFail : kExitPass;
  if (!options.junit_path.empty()) {
    // Written as every report is (base/output_file.h): a regular file
    // atomically, a device or FIFO in place.
    if (absl::Status st = WriteOutputFile(options.junit_path, JunitXml(runs, env.clock->Now()));
        !st.ok()) {
      *env.err << "aurora-gate test: cannot write " << options.junit_path << ": "
               << st.message() << "\n";
      if (code == kExitPass) return kExitUndecided;
    }
  }
  return code;
}

int RuleTestMain(const std::vector<std::string>& args) {
  RuleTestOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& flag, std::string* out) {
      if (a.rfind(flag + "=", 0) == 0) {
        *out = a.substr(flag.size() + 1);
        return true;
      }
      if (a == flag) {
        if (i + 1 >= args.size()) return false;
        *out = args[++i];
        return true;
      }
      return false;
    };
    if (a == "-h" || a == "--help") {
      std::cout << kHelp;
      return kExitPass;
    }
    if (a.rfind("--junit", 0) == 0) {
      if (!value("--junit", &o.junit_path) || o.junit_path.empty()) {
        std::cerr << "aurora-gate test: --junit needs a file name\n";
        return kExitUsage;
      }
    } else if (a.rfind("--prometheus-binary", 0) == 0) {
      if (!value("--prometheus-binary", &o.prometheus_binary) || o.prometheus_binary.empty()) {
        std::cerr << "aurora-gate test: --prometheus-binary needs a path\n";
        return kExitUsage;
      }
    } else if (a.size() > 1 && a[0] == '-') {
      std::cerr << "aurora-gate test: unknown option " << a
                << " (see aurora-gate test --help)\n";
      return kExitUsage;
    } else {
      o.files.push_back(a);
    }
  }
  RealFileReader files;
  RealClock clock;
  return RunRuleTests(o, CommandEnv{&files, &clock, &std::cout, &std::cerr,
                                    NewCurlHttpClient});
}

}  // namespace aurora
