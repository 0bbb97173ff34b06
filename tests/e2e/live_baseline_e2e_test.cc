// Live baselines against a real Prometheus with backfilled history (issue
// 15.1): a relative criterion on a live rule compares with the same query
// at an earlier moment — `baseline: { offset: 1h }` or `--baseline-at` (the
// deploy start) — and every report shows baseline, value and delta side by
// side. A missing baseline value is inconclusive with the reason, never a
// pass.
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ReadWholeFile;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;
const int64_t kT0 = 1764748800;  // 2025-12-03T08:00:00Z

class LiveBaselineE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // p95 at 200 ms for the first hour, 220 ms for the next half hour (the
    // deploy at T0+1h), then 300 ms; one sample every 15 s.
    prom_ = testing::PrometheusServer::Start(testing::ExpandSeries(
                "api_latency_p95{job=\"api\"}", "0.2x239 0.22x119 0.3x119", kT0, 15))
                .release();
  }
  static void TearDownTestSuite() {
    delete prom_;
    prom_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(prom_, nullptr);
    dir_ = testing::MakeTempDir();
    // With an offset on the rule; and one without (needs --baseline-at).
    std::ofstream(dir_ + "/offset.yaml")
        << "gate: live\nsources:\n  prom: { type: prometheus, url: \"" << prom_->url()
        << "\" }\ngroups:\n  - name: latency\n    source: prom\n    rules:\n"
           "      - name: p95-vs-an-hour-ago\n        expr: max(api_latency_p95)\n"
           "        pass: \"<= +20%\"\n        baseline: { offset: 1h }\n";
    std::ofstream(dir_ + "/deploy.yaml")
        << "gate: live\nsources:\n  prom: { type: prometheus, url: \"" << prom_->url()
        << "\" }\ngroups:\n  - name: latency\n    source: prom\n    rules:\n"
           "      - name: p95-vs-before-deploy\n        expr: max(api_latency_p95)\n"
           "        pass: \"<= +20%\"\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  testing::ProcessResult Check(const std::string& gate, int64_t at,
                               std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {kBin,     "check",     dir_ + "/" + gate,
                                     "--at",   std::to_string(kT0 + at),
                                     "--json", dir_ + "/r.json",
                                     "--junit", dir_ + "/r.xml",
                                     "--markdown", dir_ + "/r.md",
                                     "--html", dir_ + "/r.html"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    testing::ProcessResult r =
        RunProcess(argv, {{"GITHUB_STEP_SUMMARY", "\x01unset"}, {"NO_COLOR", "1"}});
    report_.Parse(ReadWholeFile(dir_ + "/r.json").c_str());
    EXPECT_FALSE(report_.HasParseError()) << r.out << r.err;
    return r;
  }
  const rapidjson::Value& Rule() { return report_["gates"][0]["rules"][0]; }

  static testing::PrometheusServer* prom_;
  std::string dir_;
  rapidjson::Document report_;
};

testing::PrometheusServer* LiveBaselineE2ETest::prom_ = nullptr;

TEST_F(LiveBaselineE2ETest, OffsetComparesWithTheSameQueryAnHourEarlier) {
  // At T0+6000 s: 300 ms now, 200 ms an hour earlier: +50 %, fail.
  testing::ProcessResult r = Check("offset.yaml", 6000);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_STREQ(Rule()["outcome"].GetString(), "fail");
  const auto& s = Rule()["series"][0];
  EXPECT_DOUBLE_EQ(s["value"].GetDouble(), 0.3);
  EXPECT_DOUBLE_EQ(s["baseline"].GetDouble(), 0.2);
  EXPECT_NEAR(s["delta"].GetDouble(), 0.1, 1e-12);
  EXPECT_NEAR(s["change_percent"].GetDouble(), 50, 1e-9);
  EXPECT_STREQ(Rule()["baseline"]["source"].GetString(),
               "the same query at 2025-12-03T08:40:00Z (offset 1h)");
  // Side by side in every report: terminal, JUnit, Markdown, HTML.
  EXPECT_THAT(r.out, HasSubstr("0.3 (baseline 0.2, +50 %)"));
  EXPECT_THAT(r.out, HasSubstr("baseline: the same query at 2025-12-03T08:40:00Z (offset 1h)"));
  EXPECT_THAT(ReadWholeFile(dir_ + "/r.xml"), HasSubstr("0.3 (baseline 0.2, +50 %)"));
  EXPECT_THAT(ReadWholeFile(dir_ + "/r.xml"),
              HasSubstr("baseline: the same query at 2025-12-03T08:40:00Z (offset 1h)"));
  EXPECT_THAT(ReadWholeFile(dir_ + "/r.md"), HasSubstr("0.3 (baseline 0.2, +50 %)"));
  const std::string html = ReadWholeFile(dir_ + "/r.html");
  EXPECT_THAT(html, HasSubstr("<span class=\"value\">0.3</span> <span "
                              "class=\"baseline\">(baseline 0.2, +50 %)</span>"));
  EXPECT_THAT(html, HasSubstr("baseline: the same query at 2025-12-03T08:40:00Z (offset 1h)"));

  // At T0+5000 s: 220 ms now, 200 ms an hour earlier: +10 %, pass.
  testing::ProcessResult ok = Check("offset.yaml", 5000);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_DOUBLE_EQ(Rule()["series"][0]["baseline"].GetDouble(), 0.2);
  EXPECT_THAT(Rule()["reason"].GetString(), HasSubstr("from baseline 0.2"));
}

TEST_F(LiveBaselineE2ETest, BaselineAtTheDeployStart) {
  // Deployed at T0+3650 s (p95 then 220 ms); at T0+6000 s it is 300 ms: +36 %.
  testing::ProcessResult r =
      Check("deploy.yaml", 6000, {"--baseline-at", "2025-12-03T09:00:50Z"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_DOUBLE_EQ(Rule()["series"][0]["baseline"].GetDouble(), 0.22);
  EXPECT_STREQ(Rule()["baseline"]["source"].GetString(),
               "the same query at 2025-12-03T09:00:50Z (--baseline-at, 39m10s before)");
  // --baseline-at wins over a rule's offset; unix seconds work too.
  testing::ProcessResult unix_time =
      Check("offset.yaml", 6000, {"--baseline-at", std::to_string(kT0 + 5500)});
  EXPECT_EQ(unix_time.exit_code, 0) << unix_time.out << unix_time.err;
  EXPECT_DOUBLE_EQ(Rule()["series"][0]["baseline"].GetDouble(), 0.3);
}

TEST_F(LiveBaselineE2ETest, AMissingBaselineValueIsInconclusiveNeverAPass) {
  // Before any data: no series at the baseline moment.
  testing::ProcessResult r = Check("deploy.yaml", 600, {"--baseline-at", std::to_string(kT0 - 7200)});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_STREQ(Rule()["outcome"].GetString(), "inconclusive");
  EXPECT_THAT(Rule()["reason"].GetString(),
              HasSubstr("no baseline value: the query returned no series at "
                        "2025-12-03T06:00:00Z (--baseline-at, 2h10m before)"));
  EXPECT_TRUE(Rule()["series"][0]["baseline"].IsNull());
  EXPECT_FALSE(Rule()["series"][0].HasMember("delta"));
  // No moment at all: neither an offset nor --baseline-at.
  testing::ProcessResult none = Check("deploy.yaml", 6000);
  EXPECT_EQ(none.exit_code, 3) << none.out << none.err;
  EXPECT_THAT(Rule()["reason"].GetString(),
              HasSubstr("relative criteria need a baseline moment: give the rule or its "
                        "source baseline: { offset: 1h }, or pass --baseline-at TIME"));
  EXPECT_TRUE(Rule()["baseline"]["missing"].GetBool());
  // A bad --baseline-at is a usage error.
  testing::ProcessResult bad = Check("deploy.yaml", 6000, {"--baseline-at", "yesterday"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--baseline-at expects RFC 3339"));
}

TEST_F(LiveBaselineE2ETest, WatchAndReportTakeBaselineAtToo) {
  testing::ProcessResult report =
      RunProcess({kBin, "report", dir_ + "/deploy.yaml", "--at", std::to_string(kT0 + 6000),
                  "--baseline-at", "2025-12-03T09:00:50Z", "--json", dir_ + "/rep.json",
                  "--window", "10m"},
                 {{"GITHUB_STEP_SUMMARY", "\x01unset"}, {"NO_COLOR", "1"}});
  EXPECT_EQ(report.exit_code, 1) << report.out << report.err;
  EXPECT_THAT(ReadWholeFile(dir_ + "/rep.json"), HasSubstr("\"baseline\": 0.22"));
  testing::ProcessResult watch =
      RunProcess({kBin, "watch", dir_ + "/deploy.yaml", "--duration", "1s", "--interval", "1s",
                  "--baseline-at", "2025-12-03T09:00:50Z", "--json", dir_ + "/w.json"},
                 {{"GITHUB_STEP_SUMMARY", "\x01unset"},
                  {"NO_COLOR", "1"},
                  {"AURORA_GATE_SPOOL_DIR", dir_ + "/spool"}});
  // Now (long after the backfilled data) the query returns nothing: no_data.
  EXPECT_NE(watch.exit_code, 2) << watch.out << watch.err;
  EXPECT_THAT(ReadWholeFile(dir_ + "/w.json"),
              HasSubstr("the same query at 2025-12-03T09:00:50Z (--baseline-at"));
}

}  // namespace
}  // namespace aurora
