// The binary against a real Prometheus that rejects a query while
// evaluating it ("found duplicate series for the match group", HTTP 422
// execution error): that rule is `error`, the other rules still decide, and
// no report says exit 2 next to an evaluated verdict (issue 10, item 6).
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ExpandSeries;
using testing::OmSample;

// An hour of history at one sample a minute, three hours ago.
const int64_t kStart = (absl::ToUnixSeconds(absl::Now()) / 3600 - 3) * 3600;
const int64_t kAt = kStart + 30 * 60;

std::vector<OmSample> History() {
  std::vector<OmSample> h;
  auto add = [&h](const std::string& series, const std::string& values) {
    std::vector<OmSample> s = ExpandSeries(series, values, kStart, 60);
    h.insert(h.end(), s.begin(), s.end());
  };
  add("errors{job=\"api\"}", "5x60");
  // Two series for job="api" on the "one" side of a group_left join.
  add("build_info{job=\"api\",version=\"1\"}", "1x60");
  add("build_info{job=\"api\",version=\"2\"}", "1x60");
  return h;
}

class RejectedQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prometheus_ = testing::PrometheusServer::Start(History()).release();
  }
  static void TearDownTestSuite() {
    delete prometheus_;
    prometheus_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(prometheus_, nullptr);
    dir_ = testing::MakeTempDir();
  }
  void TearDown() override {
    testing::RemoveDir(dir_);
  }

  // A gate with the rejected join and, when `with_failing_rule`, a plain
  // rule that fails.
  std::string WriteGate(bool with_failing_rule) {
    std::string gate = dir_ + "/gate.yaml";
    std::string text = absl::StrCat(
        "sources:\n  prom: { type: prometheus, url: \"", prometheus_->url(),
        "\" }\ngroups:\n  - name: live\n    rules:\n"
        "      - name: joined\n"
        "        expr: errors * on(job) group_left build_info\n"
        "        pass: \"< 1\"\n");
    if (with_failing_rule) {
      absl::StrAppend(&text,
                      "      - name: errors\n        expr: errors\n"
                      "        pass: \"< 1\"\n");
    }
    std::FILE* f = std::fopen(gate.c_str(), "w");
    EXPECT_NE(f, nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return gate;
  }

  testing::ProcessResult Check(const std::string& gate) {
    return testing::RunProcess(
        {AURORA_GATE_BIN, "check", gate, "--at", std::to_string(kAt),
         "--color", "never", "--json", dir_ + "/r.json", "--markdown",
         dir_ + "/r.md", "--junit", dir_ + "/r.xml"},
        {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
  }

  static testing::PrometheusServer* prometheus_;
  std::string dir_;
};

testing::PrometheusServer* RejectedQueryTest::prometheus_ = nullptr;

TEST_F(RejectedQueryTest, DuplicateSeriesIsThatRulesErrorAndTheFailStillDecides) {
  auto r = Check(WriteGate(/*with_failing_rule=*/true));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ERROR"));
  EXPECT_THAT(r.out, HasSubstr("found duplicate series for the match group"));
  EXPECT_THAT(r.out, HasSubstr("exit 1 (fail)"));
  EXPECT_THAT(r.err, Not(HasSubstr("nothing was evaluated")));
  for (const char* report : {"/r.json", "/r.md", "/r.xml"}) {
    std::string text = testing::ReadWholeFile(dir_ + report);
    EXPECT_THAT(text, HasSubstr("found duplicate series")) << report;
    EXPECT_THAT(text, Not(HasSubstr("exit 2"))) << report;
    EXPECT_THAT(text, Not(HasSubstr("gate-file error"))) << report;
  }
}

TEST_F(RejectedQueryTest, DuplicateSeriesAloneIsAnErrorExitThree) {
  auto r = Check(WriteGate(/*with_failing_rule=*/false));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ERROR"));
  EXPECT_THAT(r.out, HasSubstr("exit 3 (inconclusive or error)"));
  // A runtime error of the data (issue 12.3): the rule's error, never
  // shown as a problem of the gate file (FILE:LINE:COL).
  EXPECT_THAT(r.out, HasSubstr("found duplicate series"));
  EXPECT_THAT(r.err, Not(HasSubstr(dir_ + "/gate.yaml:7:15")));
}

}  // namespace
}  // namespace aurora
