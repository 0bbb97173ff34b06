#include "evaluator/judge.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

std::vector<Criterion> Crit(std::initializer_list<const char*> texts) {
  std::vector<Criterion> out;
  for (const char* t : texts) {
    absl::StatusOr<Criterion> c = ParseCriterion(t);
    EXPECT_OK(c) << t;
    if (c.ok()) out.push_back(*c);
  }
  return out;
}

Rule MakeRule(std::initializer_list<const char*> pass,
              std::initializer_list<const char*> warn,
              std::initializer_list<const char*> fail) {
  Rule r;
  r.name = "r";
  r.pass = Crit(pass);
  r.warn = Crit(warn);
  r.fail = Crit(fail);
  return r;
}

Outcome JudgeOne(const Rule& r, double v,
                 std::optional<double> baseline = std::nullopt) {
  return JudgeValue(r, Observed{Labels(), v, baseline}, false).outcome;
}

// docs/DESIGN.md: pass when every pass criterion holds; otherwise fail when a
// fail criterion holds, or when no fail is given and warn (if given) does
// not hold; otherwise warn.
TEST(JudgeTest, PassOnlyFailsBelowThePassBound) {
  Rule r = MakeRule({">= 90"}, {}, {});
  EXPECT_EQ(JudgeOne(r, 90), Outcome::kPass);
  EXPECT_EQ(JudgeOne(r, 89.9), Outcome::kFail);
}

TEST(JudgeTest, PassAndWarnGiveAWarnBand) {
  Rule r = MakeRule({">= 90"}, {">= 85"}, {});
  EXPECT_EQ(JudgeOne(r, 95), Outcome::kPass);
  EXPECT_EQ(JudgeOne(r, 87), Outcome::kWarn);
  EXPECT_EQ(JudgeOne(r, 80), Outcome::kFail);
}

TEST(JudgeTest, PassAndFailWarnBetweenThem) {
  Rule r = MakeRule({"< 0.01"}, {}, {"> 0.05"});
  EXPECT_EQ(JudgeOne(r, 0.005), Outcome::kPass);
  EXPECT_EQ(JudgeOne(r, 0.03), Outcome::kWarn);
  EXPECT_EQ(JudgeOne(r, 0.06), Outcome::kFail);
}

TEST(JudgeTest, StopConditionPassesUnlessFailHolds) {
  Rule r = MakeRule({}, {}, {"> 2"});
  EXPECT_EQ(JudgeOne(r, 1.9), Outcome::kPass);
  EXPECT_EQ(JudgeOne(r, 2.1), Outcome::kFail);
  Rule rw = MakeRule({}, {"> 1"}, {"> 2"});
  EXPECT_EQ(JudgeOne(rw, 1.5), Outcome::kWarn);
  EXPECT_EQ(JudgeOne(rw, 0.5), Outcome::kPass);
  EXPECT_EQ(JudgeOne(rw, 2.5), Outcome::kFail);
}

TEST(JudgeTest, AllCriteriaOfAListMustHold) {
  Rule r = MakeRule({"<= 0.5", "<= +10%"}, {}, {});
  EXPECT_EQ(JudgeOne(r, 0.45, 0.42), Outcome::kPass);
  EXPECT_EQ(JudgeOne(r, 0.48, 0.42), Outcome::kFail);  // +14 %
  EXPECT_EQ(JudgeOne(r, 0.52, 0.50), Outcome::kFail);  // over 0.5
}

TEST(JudgeTest, MissingBaselineIsInconclusiveUnlessAbsoluteCriteriaDecide) {
  Rule r = MakeRule({"<= 0.5", "<= +10%"}, {}, {});
  SeriesResult s = JudgeValue(r, Observed{Labels(), 0.4, std::nullopt}, true);
  EXPECT_EQ(s.outcome, Outcome::kInconclusive);
  EXPECT_EQ(s.reason,
            "0.4: relative criteria need a baseline value and the baseline "
            "file is missing");
  // Over the absolute bound: fails whatever the baseline says.
  EXPECT_EQ(JudgeValue(r, Observed{Labels(), 0.7, std::nullopt}, true).outcome,
            Outcome::kFail);
}

TEST(JudgeTest, NanFollowsTheNanPolicy) {
  Rule r = MakeRule({">= 90"}, {}, {});
  double nan = std::numeric_limits<double>::quiet_NaN();
  SeriesResult s = JudgeValue(r, Observed{Labels(), nan, std::nullopt}, false);
  EXPECT_EQ(s.outcome, Outcome::kInconclusive);
  EXPECT_EQ(s.reason, "value is NaN (nan policy: inconclusive)");
  r.policies.nan = Outcome::kFail;
  EXPECT_EQ(JudgeOne(r, nan), Outcome::kFail);
}

TEST(JudgeTest, InfinityIsJudgedAsANumber) {
  Rule r = MakeRule({"<= 0.5"}, {}, {});
  EXPECT_EQ(JudgeOne(r, std::numeric_limits<double>::infinity()), Outcome::kFail);
}

TEST(JudgeTest, ConditionRulesFailWhileTheConditionHolds) {
  Rule r;
  r.condition = ParsedExpr::Comparison{CompareOp::kGt, 0.05, 0};
  SeriesResult firing = JudgeValue(r, Observed{Labels(), 0.07, std::nullopt}, false);
  EXPECT_EQ(firing.outcome, Outcome::kFail);
  EXPECT_EQ(firing.reason, "0.07 > 0.05: condition holds");
  SeriesResult quiet = JudgeValue(r, Observed{Labels(), 0.01, std::nullopt}, false);
  EXPECT_EQ(quiet.outcome, Outcome::kPass);
  EXPECT_EQ(quiet.reason, "0.01 is not > 0.05");
  r.policies.severity = "warning";
  EXPECT_EQ(JudgeOne(r, 0.07), Outcome::kWarn);
}

TEST(JudgeTest, SeverityWarningTurnsFailIntoWarn) {
  Rule r = MakeRule({"<= +10%"}, {}, {});
  r.policies.severity = "warning";
  SeriesResult s = JudgeValue(r, Observed{Labels(), 0.62, 0.41}, false);
  EXPECT_EQ(s.outcome, Outcome::kWarn);
  EXPECT_EQ(s.reason,
            "0.62 misses pass: <= +10% (<= 0.451 from baseline 0.41) "
            "(severity warning: reported as warn)");
}

// Issue 11.5: a benchmark new since the baseline says so.
TEST(JudgeTest, ASeriesNewSinceTheBaselineIsReportedAsNew) {
  Rule r = MakeRule({"<= +10%"}, {}, {});
  SeriesResult s = JudgeValue(r, Observed{Labels(), 0.4, std::nullopt}, false);
  EXPECT_EQ(s.outcome, Outcome::kInconclusive);
  EXPECT_EQ(s.reason,
            "0.4: new: no baseline value (the baseline has no matching "
            "series; relative criteria not checked)");
}

// Issue 11.5: a rule whose severity is not critical never blocks on its
// data: inconclusive is reported as warn. An error (its source could not be
// read) still blocks: a server that is down never passes a gate, and most
// alerts of a plain alert file are not critical. Table: severity, outcome
// before -> outcome after.
TEST(JudgeTest, NonCriticalRulesNeverBlockOnDataButErrorsStillDo) {
  struct Case {
    const char* severity;
    Outcome before;
    Outcome after;
  } cases[] = {
      {"warning", Outcome::kInconclusive, Outcome::kWarn},
      {"warning", Outcome::kError, Outcome::kError},
      {"info", Outcome::kInconclusive, Outcome::kWarn},
      {"warning", Outcome::kPass, Outcome::kPass},
      {"warning", Outcome::kWarn, Outcome::kWarn},
      {"warning", Outcome::kPending, Outcome::kPending},
      {"critical", Outcome::kInconclusive, Outcome::kInconclusive},
      {"critical", Outcome::kError, Outcome::kError},
      {"critical", Outcome::kFail, Outcome::kFail},
      {"", Outcome::kError, Outcome::kError},
  };
  for (const Case& c : cases) {
    RuleResult r;
    r.severity = c.severity;
    r.outcome = c.before;
    r.reason = "why";
    ApplyNonBlockingSeverity(&r);
    EXPECT_EQ(r.outcome, c.after) << c.severity << " " << OutcomeName(c.before);
    if (c.after != c.before) {
      EXPECT_EQ(r.reason, absl::StrCat("why (severity ", c.severity, ": ",
                                       Sv(OutcomeName(c.before)),
                                       ", reported as warn)"));
    } else {
      EXPECT_EQ(r.reason, "why");
    }
  }
}

TEST(JudgeTest, EmptySelectionFollowsNoData) {
  Rule r = MakeRule({">= 90"}, {}, {});
  Judgement j = JudgeRule(r, {}, false);
  EXPECT_EQ(j.outcome, Outcome::kInconclusive);
  EXPECT_EQ(j.reason, "no data: the query returned no series (no_data policy: "
                      "inconclusive)");
  r.policies.no_data = Outcome::kFail;
  EXPECT_EQ(JudgeRule(r, {}, false).outcome, Outcome::kFail);
}

TEST(JudgeTest, SeriesAllTakesTheWorstAndAnyTheBest) {
  Rule r = MakeRule({">= 80"}, {}, {});
  std::vector<Observed> obs = {{Labels{{"file", "a.py"}}, 95, std::nullopt},
                               {Labels{{"file", "b.py"}}, 45, std::nullopt},
                               {Labels{{"file", "c.py"}}, 85, std::nullopt}};
  Judgement all = JudgeRule(r, obs, false);
  EXPECT_EQ(all.outcome, Outcome::kFail);
  EXPECT_EQ(all.reason, "1 of 3 series fail; first: {file=\"b.py\"} 45 misses "
                        "pass: >= 80");
  ASSERT_EQ(all.series.size(), 3u);
  EXPECT_EQ(all.series[0].labels.Get("file"), "a.py");  // sorted by labels
  r.policies.series_any = true;
  EXPECT_EQ(JudgeRule(r, obs, false).outcome, Outcome::kPass);
}

TEST(JudgeTest, ConditionHoldsIsWhatStartsAForWindow) {
  Rule cond;
  cond.condition = ParsedExpr::Comparison{CompareOp::kLt, 90, 0};
  EXPECT_TRUE(ConditionHolds(cond, 85));
  EXPECT_FALSE(ConditionHolds(cond, 95));
  EXPECT_FALSE(ConditionHolds(cond, std::numeric_limits<double>::quiet_NaN()));
  Rule stop = MakeRule({}, {}, {"> 2"});
  EXPECT_TRUE(ConditionHolds(stop, 3));
  EXPECT_FALSE(ConditionHolds(stop, 1));
}

// Incidents and logs show the value of the series that decided the rule,
// not the first one (which may pass beside the one that fails).
TEST(DecidingSeriesTest, TheFirstSeriesWithTheRulesOutcome) {
  RuleResult r;
  EXPECT_EQ(DecidingSeries(r), nullptr);
  SeriesResult p0, p1, p2;
  p0.labels = Labels({{"pod", "p0"}});
  p0.value = 7;
  p0.outcome = Outcome::kPass;
  p1.labels = Labels({{"pod", "p1"}});
  p1.value = 4;
  p1.outcome = Outcome::kFail;
  p2.labels = Labels({{"pod", "p2"}});
  p2.value = 3;
  p2.outcome = Outcome::kFail;
  r.series = {p0, p1, p2};
  r.outcome = Outcome::kFail;
  EXPECT_EQ(DecidingSeries(r)->value, 4);
  r.outcome = Outcome::kWarn;  // a warning-severity alert: fail shown as warn
  EXPECT_EQ(DecidingSeries(r)->value, 4);
  r.outcome = Outcome::kPass;  // series: any
  EXPECT_EQ(DecidingSeries(r)->value, 7);
}

}  // namespace
}  // namespace aurora
