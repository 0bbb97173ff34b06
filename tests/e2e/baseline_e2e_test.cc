// `aurora-gate baseline update` from the binary (issue 15.1): the runbook's
// `cp artifacts/… artifacts/baselines/…`, made safe. A passing artifact is
// promoted byte for byte with a sidecar; a failing one is refused unless
// --force; --dry-run writes nothing; a kill -9 in the middle of writing a
// baseline leaves the old one intact.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ReadWholeFile;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;
const std::string kGate = "gates/runbook/predeploy.yaml";

class BaselineE2ETest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // A copy of examples/artifacts/SET to play with.
  std::string Artifacts(const std::string& set) {
    const std::string to = dir_ + "/" + set;
    fs::copy("examples/artifacts/" + set, to, fs::copy_options::recursive);
    return to;
  }
  testing::ProcessResult Update(const std::string& artifacts,
                                std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {kBin, "baseline", "update", kGate};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, {{"ARTIFACTS", artifacts},
                             {"GITHUB_SHA", "0123abcd"},
                             {"GIT_COMMIT", "\x01unset"}});
  }
  std::string dir_;
};

TEST_F(BaselineE2ETest, APassingArtifactBecomesTheBaselineWithASidecar) {
  const std::string a = Artifacts("pass");
  testing::ProcessResult r = Update(a);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("promoted " + a + "/testnet_performance.json -> " + a +
                               "/baselines/performance_baseline.json"));
  EXPECT_THAT(r.out, HasSubstr("promoted " + a + "/mutation/mutation.json"));
  EXPECT_EQ(ReadWholeFile(a + "/baselines/performance_baseline.json"),
            ReadWholeFile(a + "/testnet_performance.json"));
  EXPECT_EQ(ReadWholeFile(a + "/baselines/mutation_baseline.json"),
            ReadWholeFile(a + "/mutation/mutation.json"));
  rapidjson::Document meta;
  meta.Parse(ReadWholeFile(a + "/baselines/performance_baseline.json.meta.json").c_str());
  ASSERT_FALSE(meta.HasParseError());
  EXPECT_STREQ(meta["commit"].GetString(), "0123abcd");
  EXPECT_STREQ(meta["verdict"].GetString(), "pass");
  EXPECT_STREQ(meta["source"].GetString(), "bench");
  EXPECT_EQ(meta["bytes"].GetUint64(), fs::file_size(a + "/testnet_performance.json"));
  // The gate now compares with the promoted baseline: no regression at all.
  testing::ProcessResult check =
      RunProcess({kBin, "check", kGate}, {{"ARTIFACTS", a}, {"NO_COLOR", "1"}});
  EXPECT_EQ(check.exit_code, 0) << check.out;
}

TEST_F(BaselineE2ETest, AFailingArtifactIsRefusedUnlessForced) {
  const std::string a = Artifacts("fail");
  const std::string old_perf = ReadWholeFile(a + "/baselines/performance_baseline.json");
  const std::string old_mut = ReadWholeFile(a + "/baselines/mutation_baseline.json");
  testing::ProcessResult r = Update(a);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("refused  " + a + "/testnet_performance.json"));
  EXPECT_THAT(r.out, HasSubstr("order-submit-latency fail"));
  EXPECT_THAT(r.out, HasSubstr("refused  " + a + "/mutation/mutation.json"));
  EXPECT_EQ(ReadWholeFile(a + "/baselines/performance_baseline.json"), old_perf);
  EXPECT_EQ(ReadWholeFile(a + "/baselines/mutation_baseline.json"), old_mut);
  EXPECT_FALSE(fs::exists(a + "/baselines/performance_baseline.json.meta.json"));

  testing::ProcessResult forced = Update(a, {"--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_THAT(forced.out, HasSubstr(", forced)"));
  EXPECT_EQ(ReadWholeFile(a + "/baselines/performance_baseline.json"),
            ReadWholeFile(a + "/testnet_performance.json"));
  EXPECT_THAT(ReadWholeFile(a + "/baselines/performance_baseline.json.meta.json"),
              HasSubstr("promoted with --force"));
}

TEST_F(BaselineE2ETest, DryRunWritesNothing) {
  const std::string a = Artifacts("pass");
  const std::string old_perf = ReadWholeFile(a + "/baselines/performance_baseline.json");
  testing::ProcessResult r = Update(a, {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("would promote " + a + "/testnet_performance.json"));
  EXPECT_EQ(ReadWholeFile(a + "/baselines/performance_baseline.json"), old_perf);
  EXPECT_FALSE(fs::exists(a + "/baselines/performance_baseline.json.meta.json"));
}

TEST_F(BaselineE2ETest, NoBaselineAnywhereIsAUsageError) {
  testing::ProcessResult r =
      RunProcess({kBin, "baseline", "update", "gates/runbook/config.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("has a baseline: nothing to update"));
  EXPECT_EQ(RunProcess({kBin, "baseline"}).exit_code, 2);
}

// kill -9 while the new baseline is being written (a 128 MB artifact keeps
// the write and its fsync long enough to be caught): the baseline is the old
// one, whole — never a mix, never cut.
TEST_F(BaselineE2ETest, KillNineMidWriteLeavesTheOldBaselineIntact) {
  const std::string artifact = dir_ + "/big.json", baseline = dir_ + "/base/big.json";
  {
    std::ofstream out(artifact, std::ios::binary);
    out << "{\"value\": 1, \"pad\": \"" << std::string(128 << 20, 'x') << "\"}\n";
  }
  fs::create_directories(dir_ + "/base");
  const std::string old = "{\"value\": 0, \"pad\": \"old\"}\n";
  std::ofstream(baseline, std::ios::binary) << old;
  std::ofstream(dir_ + "/g.yaml") << "sources:\n  s:\n    type: json\n    path: " << artifact
                                  << "\n    baseline: " << baseline
                                  << "\n    values: { value: /value }\n"
                                     "groups:\n  - name: g\n    source: s\n    rules:\n"
                                     "      - { name: v, expr: value, pass: \"> 0\" }\n";
  std::vector<std::string> argv = {kBin, "baseline", "update", dir_ + "/g.yaml"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  // Wait for the temporary file of the new baseline to appear and grow.
  bool caught = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!caught && std::chrono::steady_clock::now() < deadline) {
    for (const auto& e : fs::directory_iterator(dir_ + "/base")) {
      const std::string name = e.path().filename().string();
      std::error_code ec;
      if (name.rfind("big.json.tmp.", 0) == 0 && fs::file_size(e.path(), ec) > 0) {
        caught = true;
      }
    }
    int status = 0;
    if (!caught && ::waitpid(pid, &status, WNOHANG) == pid) {
      FAIL() << "baseline update ended before it was caught writing";
    }
    if (!caught) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ASSERT_TRUE(caught);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(ReadWholeFile(baseline), old);
  EXPECT_FALSE(fs::exists(baseline + ".meta.json"));
}

}  // namespace
}  // namespace aurora
