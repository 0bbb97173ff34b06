// Tests of base/run_exec.h with real processes: /usr/bin/env and small
// script files run by argv (never through a shell command line).
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/run_exec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/gates/action_test_util.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

class ExecActionTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = testing::MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string Script(const std::string& name, const std::string& text) {
    const std::string path = root_ + "/" + name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0700);
    return path;
  }

  std::string root_;
};

TEST_F(ExecActionTest, CommandSeesTheVerdictInItsEnvironment) {
  ExecRequest q;
  q.argv = {"/usr/bin/env"};
  q.env = {{"AURORA_GATE", "stop-conditions"},
           {"AURORA_TRANSITION", "fail"},
           {"AURORA_RULES", "HighErrorRate,XAIMissing"}};
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(r.output, HasSubstr("\nAURORA_GATE=stop-conditions\n"));
  EXPECT_THAT(r.output, HasSubstr("\nAURORA_TRANSITION=fail\n"));
  EXPECT_THAT(r.output, HasSubstr("\nAURORA_RULES=HighErrorRate,XAIMissing\n"));
  // The parent's environment is passed on (PATH is needed by aws & co).
  EXPECT_THAT(r.output, HasSubstr("PATH="));
}

TEST_F(ExecActionTest, ArgumentsArePassedVerbatimWithoutAShell) {
  // Shell metacharacters stay plain arguments: nothing is expanded or run.
  const std::string marker = root_ + "/pwned";
  const std::string script =
      Script("args.sh", "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
  ExecRequest q;
  q.argv = {script, "$(touch " + marker + ")", "a b", "; rm -rf /", "*"};
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "[$(touch " + marker + ")]\n[a b]\n[; rm -rf /]\n[*]\n");
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST_F(ExecActionTest, VerdictJsonArrivesOnStdin) {
  const std::string script = Script("cat.sh", "#!/bin/sh\nexec cat\n");
  ExecRequest q;
  q.argv = {script};
  q.stdin_data = std::string(200000, 'x');  // more than a pipe buffer
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output.size(), 64u * 1024);  // output is capped
}

TEST_F(ExecActionTest, CommandIgnoringStdinDoesNotBreakUs) {
  const std::string script =
      Script("quiet.sh", "#!/bin/sh\nexec 0<&-\nexit 0\n");
  ExecRequest q;
  q.argv = {script};
  q.stdin_data = std::string(1 << 20, 'y');
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(ExecActionTest, ReportsTheExitCode) {
  const std::string script =
      Script("fail.sh", "#!/bin/sh\necho nope >&2\nexit 3\n");
  ExecRequest q;
  q.argv = {script};
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.output, "nope\n");
  EXPECT_EQ(r.Describe(), "exit code 3");
}

TEST_F(ExecActionTest, TimeoutKillsTheCommandAndItsChildren) {
  const std::string script =
      Script("hang.sh", "#!/bin/sh\nsleep 30 &\nsleep 30\n");
  ExecRequest q;
  q.argv = {script};
  q.timeout = absl::Milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_THAT(r.Describe(), HasSubstr("(killed by signal 15)"));
  EXPECT_THAT(r.Describe(), ::testing::StartsWith("timed out after "));
}

TEST_F(ExecActionTest, MissingCommandIsNotFoundNamingOnlyArgvZero) {
  ExecRequest q;
  q.argv = {"aurora-no-such-command", "--token=s3cr3t"};
  absl::StatusOr<ExecResult> r = RunExec(q);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kNotFound,
                          "exec aurora-no-such-command: cannot start: No such "
                          "file or directory"));
  EXPECT_THAT(
      RunExec(ExecRequest{}),
      StatusIs(absl::StatusCode::kInvalidArgument, "exec: empty command"));
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

// The command source's needs: stdout alone (stderr apart), a cap on what is
// kept that never blocks the command, and a working directory.
TEST(ExecStdoutApartTest, StdoutAndStderrAreKeptApart) {
  ExecRequest q;
  q.argv = {"sh", "-c", "echo '{\"a\": 1}'; echo oops >&2; exit 2"};
  q.stderr_apart = true;
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  EXPECT_EQ(r.output, "{\"a\": 1}\n");
  EXPECT_EQ(r.errors, "oops\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.output_truncated);
}

TEST(ExecStdoutApartTest, OutputBeyondTheCapIsDroppedAndFlaggedNeverBlocking) {
  ExecRequest q;
  // 4 MiB through a 64 KiB pipe: the command would hang if we stopped reading.
  q.argv = {"sh", "-c", "head -c 4194304 /dev/zero; echo done >&2"};
  q.stderr_apart = true;
  q.max_output = 1000;
  q.timeout = absl::Seconds(20);
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output.size(), 1000u);
  EXPECT_TRUE(r.output_truncated);
  EXPECT_EQ(r.errors, "done\n");
}

TEST(ExecStdoutApartTest, RunsInTheGivenDirectory) {
  ExecRequest q;
  q.argv = {"pwd"};
  q.dir = "/tmp";
  ASSERT_OK_AND_ASSIGN(ExecResult r, RunExec(q));
  EXPECT_EQ(r.output, "/tmp\n");
}

}  // namespace
}  // namespace aurora
