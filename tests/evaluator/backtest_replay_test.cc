// The backtest replay (evaluator/backtest_replay.h): the watch's policies
// over per-step outcomes. Cases are named after the outcomes they feed, one
// per step, as vmalert's rule tests are.
#include "evaluator/backtest_replay.h"

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "evaluator/judge.h"
#include "evaluator/live_judging.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
constexpr Outcome P = Outcome::kPass, W = Outcome::kWarn, F = Outcome::kFail,
                  E = Outcome::kError, D = Outcome::kPending;

BacktestSpan SpanOf(size_t steps) {
  BacktestSpan s;
  s.from = kT0;
  s.step = absl::Seconds(15);
  s.steps = steps;
  return s;
}

RuleTrack Track(const std::string& name, const std::vector<Outcome>& outcomes,
                StopLimits limits = {}) {
  RuleTrack t;
  t.group = "live";
  t.name = name;
  t.limits = limits;
  t.outcomes = outcomes;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    t.values.push_back(outcomes[i] == F ? 0.07 : 0.01);
    t.reasons.push_back(outcomes[i] == P ? "" : "0.07 > 0.05");
    t.labels.emplace_back();
  }
  return t;
}

GateTrack Gate(std::vector<RuleTrack> rules) {
  GateTrack g;
  g.name = "stop";
  g.file = "stop.yaml";
  g.rules = std::move(rules);
  g.actions = {{"rollback", ActionTrigger::kFail},
               {"all-clear", ActionTrigger::kResolved},
               {"note", ActionTrigger::kWarn}};
  return g;
}

// "tripped@i..resolved@j" per incident, "-" for none.
std::string Incidents(const BacktestResult& r) {
  std::vector<std::string> out;
  for (const BacktestIncident& i : r.incidents) {
    const int from = static_cast<int>((i.tripped_at - kT0) / absl::Seconds(15));
    std::string s = absl::StrCat(i.on, "@", from);
    if (i.resolved_at != absl::InfiniteFuture()) {
      absl::StrAppend(&s, i.escalated ? "..escalated@" : "..resolved@",
                      (i.resolved_at - kT0) / absl::Seconds(15));
    }
    out.push_back(s);
  }
  return out.empty() ? "-" : absl::StrJoin(out, ",");
}

TEST(BacktestReplayTest, Table) {
  struct Case {
    const char* name;
    std::vector<Outcome> outcomes;
    StopLimits limits;
    std::string incidents;
  };
  const std::vector<Case> cases = {
      {"pass=>pass=>pass", {P, P, P}, {}, "-"},
      {"pass=>fail=>pass: tripped and resolved", {P, F, P}, {}, "fail@1..resolved@2"},
      {"pass=>fail=>fail=>fail: one incident, still open", {P, F, F, F}, {},
       "fail@1"},
      {"fail=>pass=>fail=>pass: a second incident (keep running)", {F, P, F, P}, {},
       "fail@0..resolved@1,fail@2..resolved@3"},
      {"pending=>pending=>fail: for elapsed", {D, D, F, P}, {}, "fail@2..resolved@3"},
      {"failure_limit 2: fail=>pass=>fail=>pass=>fail trips at the third",
       {F, P, F, P, F, F, P}, {2, -1, 4}, "fail@4..resolved@6"},
      {"consecutive_failure_limit 1: fail=>pass=>fail=>fail", {F, P, F, F, P},
       {-1, 1, 4}, "fail@3..resolved@4"},
      {"error x5=>pass: the default consecutive_error_limit", {E, E, E, E, E, P}, {},
       "error@4..resolved@5"},
      {"warn=>warn: no incident", {W, W}, {}, "-"},
      {"error x5=>fail=>pass: the trip escalates, the fail supersedes the error",
       {E, E, E, E, E, F, P}, {}, "error@4..escalated@5,fail@5..resolved@6"},
      {"error x5=>pass=>fail: resolved first, then a new fail incident",
       {E, E, E, E, E, P, F}, {}, "error@4..resolved@5,fail@6"},
      {"fail=>error x5: a fail trip is never lowered", {F, E, E, E, E, E}, {},
       "fail@0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    BacktestResult r =
        ReplayGates(SpanOf(c.outcomes.size()), {Gate({Track("error-rate", c.outcomes, c.limits)})});
    EXPECT_EQ(Incidents(r), c.incidents);
  }
}

// A rule trips on errors while its gate's verdict is fail (another rule
// fails below its failure_limit): that error incident is told without a
// gate transition, and is escalated too when the failing rule trips.
TEST(BacktestReplayTest, AToldErrorIncidentEscalatesWhenItsGateTripsOnFail) {
  const std::vector<Outcome> errors = {E, E, E, E, E, E, E, E, E, E, E, E};
  const std::vector<Outcome> fails = {F, F, F, F, F, F, F, F, F, F, F, P};
  BacktestResult r = ReplayGates(
      SpanOf(errors.size()),
      {Gate({Track("source-down", errors), Track("error-rate", fails, {10, -1, 4})})});
  EXPECT_EQ(Incidents(r), "error@4..escalated@10,fail@10");
}

// The exit code, as the watch's: a fail incident is 1 (a failure outranks
// what could not be decided, as in check), an error incident or a history
// not read is 3, nothing is 0 — over the span and every deploy window.
TEST(BacktestReplayTest, ExitCodeTable) {
  struct Case {
    const char* name;
    std::vector<Outcome> span;         // empty: no span (--deploys only)
    std::vector<Outcome> deploy;       // empty: no deploy window
    bool history_not_read;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {"pass=>pass", {P, P}, {}, false, 0},
      {"pass=>fail", {P, F}, {}, false, 1},
      {"error x5: an error incident is undecided", {E, E, E, E, E}, {}, false, 3},
      {"error x3: below the error limit, no incident", {E, E, E, P}, {}, false, 0},
      {"error x5=>fail: the trip escalates", {E, E, E, E, E, F}, {}, false, 1},
      {"pass=>pass, a history not read", {P, P}, {}, true, 3},
      {"pass=>fail, a history not read: fail outranks", {P, F}, {}, true, 1},
      {"span clean, deploy window pass=>fail", {P, P}, {P, F}, false, 1},
      {"deploys only, error x5", {}, {E, E, E, E, E}, false, 3},
      {"error incident in the span, fail in a deploy window", {E, E, E, E, E}, {F}, false,
       1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    BacktestRun run;
    if (!c.span.empty()) {
      run.span = ReplayGates(SpanOf(c.span.size()), {Gate({Track("error-rate", c.span)})});
    }
    if (!c.deploy.empty()) {
      DeployWindow w;
      w.result =
          ReplayGates(SpanOf(c.deploy.size()), {Gate({Track("error-rate", c.deploy)})});
      run.deploys.push_back(std::move(w));
    }
    if (c.history_not_read) run.errors = {"stop/live/latency: connection refused"};
    EXPECT_EQ(BacktestExitCode(run), c.exit_code);
  }
}

TEST(BacktestReplayTest, IncidentTellsRulesValuesWhyAndTheActionsThatWouldHaveFired) {
  BacktestResult r = ReplayGates(SpanOf(4), {Gate({Track("error-rate", {P, F, F, P}),
                                                   Track("latency", {P, P, P, P})})});
  ASSERT_EQ(r.incidents.size(), 1u);
  const BacktestIncident& i = r.incidents[0];
  EXPECT_EQ(i.gate, "stop");
  EXPECT_EQ(i.tripped_at, kT0 + absl::Seconds(15));
  EXPECT_EQ(i.resolved_at, kT0 + absl::Seconds(45));
  ASSERT_EQ(i.rules.size(), 1u);
  EXPECT_EQ(i.rules[0].name, "error-rate");
  EXPECT_EQ(i.rules[0].value, 0.07);
  EXPECT_EQ(i.why, "stop/live/error-rate failed 1 time (failure_limit 0): 0.07 > 0.05");
  ASSERT_EQ(i.actions.size(), 2u);
  EXPECT_EQ(i.actions[0].action, "rollback");
  EXPECT_EQ(i.actions[0].at, kT0 + absl::Seconds(15));
  EXPECT_EQ(i.actions[1].action, "all-clear");
  EXPECT_EQ(i.actions[1].at, kT0 + absl::Seconds(45));
  ASSERT_EQ(r.gates.size(), 1u);
  EXPECT_EQ(r.gates[0].first_trip, kT0 + absl::Seconds(15));
  EXPECT_DOUBLE_EQ(r.gates[0].fraction_failing, 0.5);
  ASSERT_EQ(r.gates[0].verdicts.size(), 3u);  // pass, fail, pass
  EXPECT_EQ(r.gates[0].verdicts[1].outcome, F);
  EXPECT_EQ(r.gates[0].verdicts[1].from, kT0 + absl::Seconds(15));
  EXPECT_EQ(r.gates[0].verdicts[1].to, kT0 + absl::Seconds(45));
}

TEST(BacktestReplayTest, DryRunRulesNeitherDecideNorTrip) {
  RuleTrack dry = Track("canary", {F, F});
  dry.dry_run = true;
  BacktestResult r = ReplayGates(SpanOf(2), {Gate({dry})});
  EXPECT_EQ(Incidents(r), "-");
  EXPECT_DOUBLE_EQ(r.gates[0].fraction_failing, 0);
  EXPECT_DOUBLE_EQ(r.gates[0].rules[0].fraction_failing, 1);
}

TEST(BacktestReplayTest, ArtifactRulesAreSaidToBeEvaluatedOnce) {
  RuleTrack coverage = Track("coverage", {P, P});
  coverage.artifact = true;
  BacktestResult r = ReplayGates(SpanOf(2), {Gate({coverage})});
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_THAT(r.notes[0], HasSubstr("stop/live/coverage: an artifact rule has no "
                                    "history; evaluated once"));
  EXPECT_TRUE(r.gates[0].rules[0].artifact);
}

TEST(BacktestReplayTest, JudgeOverSpanSettlesForFromTheHistoryBeforeTheSpan) {
  // for: 1m at 15 s steps; the condition holds from 2 minutes before the
  // span: the alert is already firing at its first step.
  Rule rule;
  rule.kind = Rule::Kind::kAlert;
  rule.name = "HighErrorRate";
  ParsedExpr::Comparison c;
  c.op = CompareOp::kGt;
  c.threshold = 0.05;
  rule.condition = c;
  rule.for_duration = absl::Minutes(1);
  RuleResult skeleton;
  skeleton.group = "live";
  skeleton.name = "HighErrorRate";
  skeleton.severity = "critical";
  const absl::Time history = kT0 - absl::Minutes(2);
  Series s;
  for (absl::Time t = history; t <= kT0 + absl::Seconds(45); t += absl::Seconds(15)) {
    s.points.push_back({t, t < kT0 + absl::Seconds(30) ? 0.07 : 0.01});
  }
  RuleTrack settled = JudgeOverSpan(rule, skeleton, {s}, history, SpanOf(4), 0);
  EXPECT_EQ(settled.outcomes, (std::vector<Outcome>{F, F, P, P}));
  EXPECT_EQ(settled.values[0], 0.07);
  // Read from the span's start only, the same data is pending first.
  RuleTrack unsettled = JudgeOverSpan(rule, skeleton, {s}, kT0, SpanOf(4), 0);
  EXPECT_EQ(unsettled.outcomes, (std::vector<Outcome>{D, D, P, P}));
}

// JudgeOverSpan judges most steps without building reasons; every step
// must still say what JudgeLiveAlerts says when it is stepped the long way
// (outcome, the first series' value and labels), and the steps that keep a
// reason (fail, error, inconclusive, the first warn and pending) its reason.
// Series that come and go, NaNs, equal label sets, `for` and
// `keep_firing_for`, severities, the group limit, values crossing the
// threshold often; a fixed seed.
TEST(BacktestReplayTest, JudgeOverSpanAgreesWithJudgingEveryStep) {
  std::mt19937 random(20261204);
  for (int round = 0; round < 64; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    Rule rule;
    rule.name = "Flappy";
    if (round % 4 == 3) {
      // A gate rule on a live source: pass/warn/fail criteria, no condition.
      rule.kind = Rule::Kind::kGate;
      rule.fail.push_back(*ParseCriterion("> 7"));
      rule.warn.push_back(*ParseCriterion("> 4"));
      rule.policies.nan = round % 8 == 3 ? Outcome::kError : Outcome::kInconclusive;
    } else {
      rule.kind = Rule::Kind::kAlert;
      ParsedExpr::Comparison c;
      c.op = round % 3 == 0 ? CompareOp::kLt : CompareOp::kGt;
      c.threshold = 5;
      rule.condition = c;
    }
    rule.for_duration = absl::Seconds(15 * (round % 4));
    if (round % 5 == 1) rule.keep_firing_for = absl::Seconds(30);
    if (round % 2 == 0) rule.annotations = {{"summary", "{{ $value }} on {{ $labels.pod }}"}};
    RuleResult skeleton;
    skeleton.group = "live";
    skeleton.name = rule.name;
    skeleton.severity = round % 7 == 3 ? "warning" : "critical";
    const size_t steps = 60;
    const absl::Time history = kT0 - absl::Minutes(2);
    const bool sparse = round % 8 == 1;
    std::vector<Series> matrix(4);
    for (size_t s = 0; s < matrix.size(); ++s) {
      // Series 3 has the label set of series 1 (the last one wins).
      matrix[s].labels = Labels({{"__name__", "errors"}, {"pod", absl::StrCat("p", s == 3 ? 1 : s)}});
      for (absl::Time t = history; t < kT0 + absl::Seconds(15) * steps; t += absl::Seconds(15)) {
        const int dice = static_cast<int>(random() % 20);
        if (dice == 0) continue;  // no point at this step
        if (sparse && dice < 10) continue;  // often no series at all
        const double v = dice == 1 ? std::nan("") : static_cast<double>(random() % 11);
        matrix[s].points.push_back({t, v});
      }
    }
    const int limit = round % 6 == 5 ? 1 : 0;
    RuleTrack fast = JudgeOverSpan(rule, skeleton, matrix, history, SpanOf(steps), limit);
    if (rule.kind == Rule::Kind::kAlert) {
      // The expression read as written (backtest's default): Prometheus'
      // comparison keeps only the points where the condition holds (NaN
      // never does). The same outcomes at every step; where it is not a
      // pass, the value kept (an incident's value) is one that holds the
      // condition. (Reasons count only the series read: "firing, value
      // 4 < 5" for "1 of 3 series fail; first: ...".)
      std::vector<Series> as_written = matrix;
      for (Series& series : as_written) {
        std::erase_if(series.points, [&](const Point& p) {
          return !(rule.condition->op == CompareOp::kLt ? p.value < 5 : p.value > 5);
        });
      }
      RuleTrack filtered =
          JudgeOverSpan(rule, skeleton, as_written, history, SpanOf(steps), limit);
      for (size_t k = 0; k < steps; ++k) {
        SCOPED_TRACE(absl::StrCat("as written, step ", k));
        EXPECT_EQ(filtered.outcomes[k], fast.outcomes[k]);
        if (fast.outcomes[k] == P || std::isnan(filtered.values[k])) continue;
        EXPECT_TRUE(rule.condition->op == CompareOp::kLt ? filtered.values[k] < 5
                                                         : filtered.values[k] > 5)
            << filtered.values[k];
      }
    }

    AlertTracker tracker(rule.for_duration, rule.keep_firing_for);
    std::set<Outcome> first_seen;  // warn and pending keep their first reason
    size_t i = 0;
    for (absl::Time t = history; i < steps; t += absl::Seconds(15)) {
      std::vector<Observed> current;
      for (const Series& series : matrix) {
        for (const Point& p : series.points) {
          if (p.timestamp == t) current.push_back({series.labels, p.value, std::nullopt});
        }
      }
      StepLiveAlerts(rule, current, t, &tracker);
      if (t < kT0) continue;
      RuleResult r;
      r.severity = skeleton.severity;
      if (!JudgeLiveAlerts(rule, current, tracker, history, t, limit, {}, "", &r)) {
        tracker = AlertTracker(rule.for_duration, rule.keep_firing_for);
      }
      ApplyNonBlockingSeverity(&r);
      SCOPED_TRACE(absl::StrCat("step ", i));
      EXPECT_EQ(fast.outcomes[i], r.outcome);
      const bool kept = r.outcome == F || r.outcome == E || r.outcome == Outcome::kInconclusive ||
                        ((r.outcome == W || r.outcome == D) && first_seen.insert(r.outcome).second);
      EXPECT_EQ(fast.reasons[i], kept ? r.reason : "");
      if (const SeriesResult* deciding = DecidingSeries(r); deciding == nullptr) {
        EXPECT_TRUE(std::isnan(fast.values[i]));
      } else {
        const double v = deciding->value;
        EXPECT_TRUE(std::isnan(v) ? std::isnan(fast.values[i]) : fast.values[i] == v);
        EXPECT_EQ(fast.labels[i], deciding->labels);
      }
      ++i;
    }
  }
}

TEST(BacktestReplayTest, OutcomeIntervalsMergeRuns) {
  std::vector<OutcomeInterval> iv = OutcomeIntervals(SpanOf(5), {P, P, F, F, P});
  ASSERT_EQ(iv.size(), 3u);
  EXPECT_EQ(iv[0].to, kT0 + absl::Seconds(30));
  EXPECT_EQ(iv[1].outcome, F);
  EXPECT_EQ(iv[2].to, kT0 + absl::Seconds(75));
}

}  // namespace
}  // namespace aurora
