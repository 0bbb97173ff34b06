// History baselines from the binary (issue 15.1): `baseline: { dir, keep,
// compare }` keeps the last N promoted artifacts and compares with their
// median (or min, max, the newest), so one noisy baseline run does not make
// the benchmark gate flap. `baseline update` adds entries (each with its
// sidecar) and prunes to `keep`; an empty history is inconclusive, never a
// pass; `baseline update --push` sends the run's samples to a Pushgateway.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/pushgateway.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ReadWholeFile;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;

class BaselineHistoryE2ETest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // A gate on DIR/perf.json's latency with a history of `keep` in
  // DIR/history compared by `compare`; `criterion` relative to it.
  std::string Gate(const std::string& compare, const std::string& criterion = "<= +10%",
                   int keep = 5) {
    const std::string path = dir_ + "/gate-" + compare + ".yaml";
    std::ofstream(path) << "gate: perf\nsources:\n  bench:\n    type: json\n    path: " << dir_
                        << "/perf.json\n    baseline: { dir: " << dir_
                        << "/history, keep: " << keep << ", compare: " << compare
                        << " }\n    values: { latency: /latency }\n"
                           "groups:\n  - name: perf\n    source: bench\n    rules:\n"
                           "      - { name: latency, expr: latency, pass: \""
                        << criterion << "\" }\n";
    return path;
  }
  void Artifact(double latency) {
    std::ofstream(dir_ + "/perf.json") << "{\"latency\": " << latency << "}\n";
  }
  testing::ProcessResult Update(const std::string& gate, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {kBin, "baseline", "update", gate, "--set", "commit=abc123"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv);
  }
  // The check's exit code and its JSON report.
  int Check(const std::string& gate, rapidjson::Document* report) {
    testing::ProcessResult r = RunProcess({kBin, "check", gate, "--json", dir_ + "/r.json"},
                                          {{"GITHUB_STEP_SUMMARY", "\x01unset"}});
    report->Parse(ReadWholeFile(dir_ + "/r.json").c_str());
    EXPECT_FALSE(report->HasParseError()) << r.out << r.err;
    last_out_ = r.out + r.err;
    return r.exit_code;
  }
  std::vector<std::string> Entries() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ + "/history")) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // Promotes a noisy history, oldest first: 3.0 (pruned later), then 1.00,
  // 1.02, 0.98, 1.01 and a lucky fast run 0.60 (the newest).
  void PromoteNoisyHistory() {
    const std::string gate = Gate("median");
    for (double v : {3.0, 1.00, 1.02, 0.98, 1.01, 0.60}) {
      Artifact(v);
      testing::ProcessResult r = Update(gate);
      ASSERT_EQ(r.exit_code, 0) << v << ": " << r.out << r.err;
      ASSERT_THAT(r.out, HasSubstr("promoted " + dir_ + "/perf.json -> " + dir_ +
                                   "/history/ (history, keep 5)"));
    }
  }
  std::string dir_, last_out_;
};

TEST_F(BaselineHistoryE2ETest, AnEmptyHistoryIsInconclusiveWithTheReason) {
  Artifact(1.0);
  rapidjson::Document d;
  EXPECT_EQ(Check(Gate("median"), &d), 3) << last_out_;
  const auto& rule = d["gates"][0]["rules"][0];
  EXPECT_STREQ(rule["outcome"].GetString(), "inconclusive");
  EXPECT_THAT(rule["reason"].GetString(),
              HasSubstr("relative criteria need a baseline value: the baseline history " +
                        dir_ + "/history is empty"));
  EXPECT_TRUE(rule["baseline"]["missing"].GetBool());
}

TEST_F(BaselineHistoryE2ETest, UpdateAddsEntriesWithSidecarsAndPrunesToKeep) {
  PromoteNoisyHistory();
  const std::vector<std::string> entries = Entries();
  ASSERT_EQ(entries.size(), 10u);  // 5 artifacts + 5 sidecars
  for (size_t i = 0; i < entries.size(); i += 2) {
    EXPECT_EQ(entries[i + 1], entries[i] + ".meta.json");
    rapidjson::Document meta;
    meta.Parse(ReadWholeFile(dir_ + "/history/" + entries[i + 1]).c_str());
    ASSERT_FALSE(meta.HasParseError());
    EXPECT_STREQ(meta["commit"].GetString(), "abc123");
    EXPECT_STREQ(meta["verdict"].GetString(), "pass");
  }
  // The oldest (3.0) is gone: the history's max is 1.02.
  EXPECT_EQ(ReadWholeFile(dir_ + "/history/" + entries[0]), "{\"latency\": 1}\n");
  Artifact(1.0);
  rapidjson::Document d;
  EXPECT_EQ(Check(Gate("max"), &d), 0) << last_out_;
  const auto& rule = d["gates"][0]["rules"][0];
  EXPECT_DOUBLE_EQ(rule["series"][0]["baseline"].GetDouble(), 1.02);
  EXPECT_STREQ(rule["baseline"]["source"].GetString(),
               ("max of 5 promoted artifacts in " + dir_ + "/history").c_str());
}

// The point of a history: last would fail on one fast baseline run, the
// median passes — and the reverse for a higher-is-better criterion.
TEST_F(BaselineHistoryE2ETest, HistoryMedian) {
  PromoteNoisyHistory();
  Artifact(1.05);
  rapidjson::Document median, last;
  EXPECT_EQ(Check(Gate("median"), &median), 0) << last_out_;
  const auto& m = median["gates"][0]["rules"][0];
  EXPECT_STREQ(m["outcome"].GetString(), "pass");
  EXPECT_DOUBLE_EQ(m["series"][0]["baseline"].GetDouble(), 1.0);
  EXPECT_DOUBLE_EQ(m["series"][0]["value"].GetDouble(), 1.05);
  EXPECT_NEAR(m["series"][0]["delta"].GetDouble(), 0.05, 1e-12);
  EXPECT_STREQ(m["baseline"]["source"].GetString(),
               ("median of 5 promoted artifacts in " + dir_ + "/history").c_str());
  EXPECT_EQ(Check(Gate("last"), &last), 1) << last_out_;
  const auto& l = last["gates"][0]["rules"][0];
  EXPECT_STREQ(l["outcome"].GetString(), "fail");
  EXPECT_DOUBLE_EQ(l["series"][0]["baseline"].GetDouble(), 0.6);
  EXPECT_THAT(l["reason"].GetString(), HasSubstr("from baseline 0.6"));
  EXPECT_THAT(last_out_, HasSubstr("the newest of 5 promoted artifacts in " + dir_ + "/history"));

  // Reverse: a throughput-like rule (must not drop more than 10 %): the
  // fast newest run passes 0.64, the median (1.0) does not.
  Artifact(0.64);
  EXPECT_EQ(Check(Gate("median", ">= -10%"), &median), 1) << last_out_;
  EXPECT_EQ(Check(Gate("last", ">= -10%"), &last), 0) << last_out_;
}

TEST_F(BaselineHistoryE2ETest, UpdatePushesTheRunsSamplesAfterPromoting) {
  auto pgw = testing::Pushgateway::Start();
  ASSERT_NE(pgw, nullptr);
  Artifact(0.75);
  testing::ProcessResult r =
      Update(Gate("median"), {"--push", pgw->url(), "--push-label", "env=testnet"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("promoted " + dir_ + "/perf.json"));
  EXPECT_THAT(r.err, HasSubstr("pushed the run's metrics to " + pgw->url() +
                               "/metrics/job/aurora-gate/env/testnet"));
  const std::string pushed = testing::HttpGet(pgw->url() + "/metrics").output;
  EXPECT_THAT(pushed, HasSubstr("aurora_gate_latency{env=\"testnet\",instance=\"\",job=\"aurora-gate\",source=\"bench\"} 0.75"));
  EXPECT_THAT(pushed, HasSubstr("aurora_gate_passed{env=\"testnet\",gate=\"perf\""));

  // A push that fails after promoting: exit 3 (the baseline is promoted).
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  Artifact(0.7);
  testing::ProcessResult failed = Update(Gate("median"), {"--push", nowhere});
  EXPECT_EQ(failed.exit_code, 3) << failed.out << failed.err;
  EXPECT_THAT(failed.out, HasSubstr("promoted "));
  EXPECT_THAT(failed.err, HasSubstr("error: push to " + nowhere + " failed"));
  testing::ProcessResult optional =
      Update(Gate("median"), {"--push", nowhere, "--push-optional"});
  EXPECT_EQ(optional.exit_code, 0) << optional.out << optional.err;
}

TEST_F(BaselineHistoryE2ETest, AMalformedHistoryIsAGateFileErrorWithItsPosition) {
  const std::string gate = dir_ + "/bad.yaml";
  std::ofstream(gate) << "sources:\n  bench:\n    type: json\n    path: p.json\n"
                         "    baseline: { dir: h, compare: average }\n"
                         "    values: { latency: /latency }\n"
                         "groups: []\n";
  for (const char* command : {"check", "lint"}) {
    testing::ProcessResult r = RunProcess({kBin, command, gate});
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.out << r.err;
    EXPECT_THAT(r.out + r.err, HasSubstr(gate + ":5:34: source \"bench\": baseline.compare: unknown "
                                 "\"average\" (expected one of: last, median, min, max)"));
  }
  testing::ProcessResult update = RunProcess({kBin, "baseline", "update", gate});
  EXPECT_EQ(update.exit_code, 2) << update.out << update.err;
}

}  // namespace
}  // namespace aurora
