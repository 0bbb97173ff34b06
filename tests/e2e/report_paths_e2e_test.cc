// The binary writing its reports to paths that are not plain files: devices,
// /dev/stdout and symlinks are kept (they were replaced by regular files,
// which as root turned /dev/null into a plain file), and a report that cannot
// be written is exit 3 naming the path (issue 10, items 11 and 12).
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::ReadWholeFile;
using testing::RunProcess;

const std::string kBin = AURORA_GATE_BIN;
const std::string kGate = "./gates/runbook/predeploy.yaml";

std::map<std::string, std::string> PassingArtifacts() {
  return {{"ARTIFACTS", "./examples/artifacts/pass"},
          {"GITHUB_STEP_SUMMARY", "\x01unset"},
          {"NO_COLOR", "1"}};
}

bool IsCharDevice(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

class ReportPathsE2ETest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir(); }
  void TearDown() override {
    testing::RemoveDir(dir_);
  }
  // A character device node of our own (1, minor) when we may create one
  // (as root), so a regression cannot destroy the machine's /dev; else the
  // system's `fallback` (which a non-root process cannot replace).
  std::string Device(const std::string& name, unsigned minor,
                     const std::string& fallback) {
    std::string p = dir_ + "/" + name;
    if (::mknod(p.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0) return p;
    return fallback;
  }
  std::string dir_;
};

TEST_F(ReportPathsE2ETest, JsonToDevNullAndJunitToStdoutKeepBoth) {
  auto r = RunProcess({kBin, "check", kGate, "--json", "/dev/null", "--junit",
                       "/dev/stdout"},
                      PassingArtifacts());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(IsCharDevice("/dev/null"));
  struct stat st;
  ASSERT_EQ(::lstat("/dev/stdout", &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  // The JUnit report went to the process's stdout, after the terminal table.
  EXPECT_THAT(r.out, HasSubstr("integration-tests-passed"));
  EXPECT_THAT(r.out, HasSubstr("<testsuites"));
  EXPECT_LT(r.out.find("integration-tests-passed"), r.out.find("<testsuites"));
}

TEST_F(ReportPathsE2ETest, ReportsToADeviceNodeAndThroughSymlinksKeepThem) {
  std::string null = Device("null", 3, "/dev/null");
  std::string real = dir_ + "/published.md";
  {
    std::FILE* f = std::fopen(real.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("old\n", f);
    std::fclose(f);
  }
  std::string link = dir_ + "/summary.md";
  ASSERT_EQ(::symlink("published.md", link.c_str()), 0);
  auto r = RunProcess({kBin, "check", kGate, "--json", null, "--html", null,
                       "--markdown", link},
                      PassingArtifacts());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(IsCharDevice(null)) << null << " was replaced";
  struct stat st;
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the symlink was replaced";
  EXPECT_THAT(ReadWholeFile(real), HasSubstr("integration-tests-passed"));
}

TEST_F(ReportPathsE2ETest, ReportThatCannotBeWrittenIsExitThreeNamingThePath) {
  std::string full = Device("full", 7, "/dev/full");
  auto r = RunProcess({kBin, "check", kGate, "--json", full},
                      PassingArtifacts());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr(full + ": write failed: No space left on device"));
  EXPECT_TRUE(IsCharDevice(full)) << full << " was replaced";

  auto env = PassingArtifacts();
  env["GITHUB_STEP_SUMMARY"] = full;
  auto summary = RunProcess({kBin, "check", kGate}, env);
  EXPECT_EQ(summary.exit_code, 3) << summary.out << summary.err;
  EXPECT_THAT(summary.err,
              HasSubstr(full + ": write failed: No space left on device"));

  // A directory that does not exist: exit 3, and no temporary file anywhere.
  std::string missing = dir_ + "/no/such/dir/r.json";
  auto nodir = RunProcess({kBin, "check", kGate, "--json", missing},
                          PassingArtifacts());
  EXPECT_EQ(nodir.exit_code, 3) << nodir.out << nodir.err;
  EXPECT_THAT(nodir.err, HasSubstr(missing + ": cannot create a temporary file"));
}

TEST_F(ReportPathsE2ETest, RealDevFullIsExitThreeNamingThePath) {
  auto r = RunProcess({kBin, "check", kGate, "--json", "/dev/full"},
                      PassingArtifacts());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("/dev/full: write failed: No space left on device"));
  EXPECT_TRUE(IsCharDevice("/dev/full"));
}

// Review of issue 10.12: the terminal table is output too. A passing run
// whose standard output cannot be written is not a quiet pass.
TEST_F(ReportPathsE2ETest, StandardOutputThatCannotBeWrittenIsExitThree) {
  auto r = RunProcess({"bash", "-c", kBin + " check " + kGate + " > /dev/full"},
                      PassingArtifacts());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot write to standard output"));
}

}  // namespace
}  // namespace aurora
