#include "gates/notifier/action_spool.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/gates/action_test_util.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class ActionSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTempDir();
    ASSERT_FALSE(root_.empty());
    dir_ = root_ + "/spool";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  static SpoolRecord Record(std::string id, int created_s = 100) {
    SpoolRecord r;
    r.id = std::move(id);
    r.action =
        "stop-conditions action 1 (webhook on fail) POST https://h/x/***";
    r.idempotency_key = "k";
    r.kind = "http";
    r.request.method = "POST";
    r.request.url = "https://hooks.example/services/T0/B0/SECRET";
    r.request.headers = {{"Content-Type", "application/json"},
                         {"Idempotency-Key", "k"}};
    r.request.body = "{\"text\":\"\xF0\x9F\x9A\xA8 rollback\\n\"}";
    r.request.timeout = absl::Milliseconds(2500);
    r.created = absl::FromUnixSeconds(created_s);
    r.deadline = r.created + absl::Minutes(5);
    r.next_attempt = r.created;
    r.max_attempts = 6;
    return r;
  }

  static int Mode(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return -1;
    return st.st_mode & 07777;
  }

  std::string root_, dir_;
};

TEST_F(ActionSpoolTest, RecordRoundTripsThroughTheVersionedFormat) {
  SpoolRecord r = Record("ab12");
  r.kind = "exec";
  r.argv = {"aws", "ecs", "update-service"};
  r.env = {{"AURORA_GATE", "stop-conditions"}};
  r.stdin_data = "{}";
  r.exec_timeout = absl::Seconds(90);
  r.attempts = 2;
  r.state = SpoolRecord::State::kFailed;
  r.last_error = "exit code 1";
  const std::string text = SerializeSpoolRecord(r);
  EXPECT_THAT(text,
              ::testing::StartsWith("aurora-gate spool v1\n{\"id\":\"ab12\""));
  ASSERT_OK_AND_ASSIGN(SpoolRecord back, ParseSpoolRecord(text));
  EXPECT_EQ(SerializeSpoolRecord(back), text);
  EXPECT_EQ(back.request.body, r.request.body);
  EXPECT_EQ(back.request.timeout, absl::Milliseconds(2500));
  EXPECT_THAT(back.argv, ElementsAre("aws", "ecs", "update-service"));
  EXPECT_EQ(back.state, SpoolRecord::State::kFailed);
  EXPECT_EQ(back.deadline, r.deadline);
}

TEST_F(ActionSpoolTest, RejectsOtherVersionsAndCorruptRecords) {
  EXPECT_THAT(ParseSpoolRecord("aurora-gate spool v2\n{}"),
              StatusIs(absl::StatusCode::kDataLoss,
                       "unsupported spool record version \"aurora-gate spool "
                       "v2\" (this build reads \"aurora-gate spool v1\")"));
  EXPECT_THAT(ParseSpoolRecord("hello"),
              StatusIs(absl::StatusCode::kDataLoss,
                       "not a spool record (first line is not \"aurora-gate "
                       "spool v1\")"));
  std::string text = SerializeSpoolRecord(Record("ab"));
  EXPECT_THAT(ParseSpoolRecord(text.substr(0, text.size() / 2)),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("corrupt spool record: invalid JSON")));
  EXPECT_THAT(ParseSpoolRecord("aurora-gate spool v1\n{\"id\":\"ab\"}"),
              StatusIs(absl::StatusCode::kDataLoss,
                       "corrupt spool record: missing field \"action\""));
}

TEST_F(ActionSpoolTest, DirectoryIs0700AndFiles0600) {
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
  EXPECT_EQ(Mode(dir_), 0700);
  ASSERT_OK(spool.Put(Record("aa")));
  EXPECT_EQ(Mode(spool.PathOf("aa")), 0600);
  EXPECT_EQ(spool.PathOf("aa"), dir_ + "/aa.action");
}

TEST_F(ActionSpoolTest, NarrowsAnExistingWideDirectory) {
  ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  ASSERT_OK(Spool::Open(dir_).status());
  EXPECT_EQ(Mode(dir_), 0700);
}

TEST_F(ActionSpoolTest, RecordSurvivesACrashBeforeDelivery) {
  {
    ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
    ASSERT_OK_AND_ASSIGN(bool added, spool.Add(Record("c0ffee")));
    EXPECT_TRUE(added);
    // The process dies here: no delivery, no removal.
  }
  ASSERT_OK_AND_ASSIGN(Spool again, Spool::Open(dir_));
  ASSERT_OK_AND_ASSIGN(std::vector<SpoolRecord> pending, again.LoadPending());
  ASSERT_THAT(pending, SizeIs(1));
  EXPECT_EQ(pending[0].id, "c0ffee");
  EXPECT_EQ(pending[0].request.url,
            "https://hooks.example/services/T0/B0/SECRET");
  EXPECT_EQ(pending[0].attempts, 0);
}

TEST_F(ActionSpoolTest, HalfWrittenTempFileIsIgnoredAndCleanedUp) {
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
  ASSERT_OK(spool.Put(Record("aa")));
  // A crash in the middle of Put: the temp file was never renamed.
  const std::string half = SerializeSpoolRecord(Record("bb"));
  const std::string tmp = dir_ + "/bb.action.4242.tmp";
  std::ofstream(tmp) << half.substr(0, half.size() / 2);
  ASSERT_OK_AND_ASSIGN(std::vector<SpoolRecord> before, spool.LoadPending());
  EXPECT_THAT(before, SizeIs(1));
  // The next run (this one released the spool).
  spool = Spool::InMemory();
  ASSERT_OK_AND_ASSIGN(Spool reopened, Spool::Open(dir_));
  EXPECT_FALSE(std::filesystem::exists(tmp));
  ASSERT_OK_AND_ASSIGN(std::vector<SpoolRecord> after, reopened.LoadPending());
  ASSERT_THAT(after, SizeIs(1));
  EXPECT_EQ(after[0].id, "aa");
}

TEST_F(ActionSpoolTest, AddDoesNotSpoolTheSameActionTwice) {
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
  SpoolRecord r = Record("aa");
  ASSERT_OK_AND_ASSIGN(bool first, spool.Add(r));
  r.attempts = 3;
  ASSERT_OK_AND_ASSIGN(bool second, spool.Add(r));
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  ASSERT_OK_AND_ASSIGN(std::vector<SpoolRecord> pending, spool.LoadPending());
  ASSERT_THAT(pending, SizeIs(1));
  EXPECT_EQ(pending[0].attempts, 0);
}

TEST_F(ActionSpoolTest, PendingAndFailedAreSeparateOldestFirst) {
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
  ASSERT_OK(spool.Put(Record("02", 200)));
  ASSERT_OK(spool.Put(Record("01", 300)));
  SpoolRecord failed = Record("03", 50);
  failed.state = SpoolRecord::State::kFailed;
  ASSERT_OK(spool.Put(failed));
  ASSERT_OK_AND_ASSIGN(std::vector<SpoolRecord> pending, spool.LoadPending());
  ASSERT_THAT(pending, SizeIs(2));
  EXPECT_EQ(pending[0].id, "02");
  EXPECT_EQ(pending[1].id, "01");
  ASSERT_OK_AND_ASSIGN(std::vector<SpoolRecord> failed_ones,
                       spool.LoadFailed());
  ASSERT_THAT(failed_ones, SizeIs(1));
  EXPECT_EQ(failed_ones[0].id, "03");
  ASSERT_OK(spool.Remove("02"));
  ASSERT_OK(spool.Remove("02"));  // absent: fine
  ASSERT_OK_AND_ASSIGN(pending, spool.LoadPending());
  EXPECT_THAT(pending, SizeIs(1));
}

TEST_F(ActionSpoolTest, CorruptRecordIsReportedAndLeftInPlace) {
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
  ASSERT_OK(spool.Put(Record("aa")));
  std::ofstream(dir_ + "/bb.action") << "aurora-gate spool v1\n{\"id\":";
  std::vector<std::string> problems;
  ASSERT_OK_AND_ASSIGN(std::vector<SpoolRecord> pending,
                       spool.LoadPending(&problems));
  EXPECT_THAT(pending, SizeIs(1));
  EXPECT_THAT(problems,
              ElementsAre(dir_ + "/bb.action: corrupt spool record: invalid "
                                 "JSON at offset 6"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/bb.action"));
}

TEST_F(ActionSpoolTest, RejectsIdsThatAreNotHex) {
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
  EXPECT_THAT(spool.Put(Record("../etc")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "spool record id \"../etc\" is not hex"));
}

TEST_F(ActionSpoolTest, OpenFailsOnAFileNamingIt) {
  std::ofstream(root_ + "/file") << "x";
  EXPECT_THAT(
      Spool::Open(root_ + "/file"),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "spool directory " + root_ + "/file is not a directory"));
}

TEST_F(ActionSpoolTest, OpenIncidentRoundTripsAndIsRemoved) {
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
  ASSERT_OK_AND_ASSIGN(auto none, spool.LoadIncident("gates/stop.yaml"));
  EXPECT_FALSE(none.has_value());
  OpenIncident in{"fail", absl::FromUnixNanos(1764230400123456789), {"error-rate", "latency"}};
  ASSERT_OK(spool.PutIncident("gates/stop.yaml", in));
  // Not an action record: a later run does not try to deliver it.
  ASSERT_OK_AND_ASSIGN(auto pending, spool.LoadPending());
  EXPECT_TRUE(pending.empty());
  ASSERT_OK_AND_ASSIGN(auto got, spool.LoadIncident("gates/stop.yaml"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->on, "fail");
  EXPECT_EQ(got->start, in.start);
  EXPECT_EQ(got->rules, in.rules);
  ASSERT_OK_AND_ASSIGN(auto other, spool.LoadIncident("gates/other.yaml"));
  EXPECT_FALSE(other.has_value());
  ASSERT_OK(spool.RemoveIncident("gates/stop.yaml"));
  ASSERT_OK_AND_ASSIGN(auto gone, spool.LoadIncident("gates/stop.yaml"));
  EXPECT_FALSE(gone.has_value());
  EXPECT_OK(spool.RemoveIncident("gates/stop.yaml"));  // absent: OK
}

TEST_F(ActionSpoolTest, CorruptIncidentFileIsDataLossNamingIt) {
  ASSERT_OK_AND_ASSIGN(Spool spool, Spool::Open(dir_));
  ASSERT_OK(spool.PutIncident("g.yaml", OpenIncident{"fail", absl::UnixEpoch(), {}}));
  std::string path;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) path = e.path().string();
  ASSERT_FALSE(path.empty());
  std::ofstream(path, std::ios::trunc) << "garbage\n";
  EXPECT_THAT(spool.LoadIncident("g.yaml"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path)));
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

class SpoolLockTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir() + "/spool"; }
  void TearDown() override {
    std::filesystem::remove_all(std::filesystem::path(dir_).parent_path());
  }
  std::string dir_;
};

TEST_F(SpoolLockTest, ASecondOwnerIsRefusedNamingTheFirst) {
  ASSERT_OK_AND_ASSIGN(Spool first, Spool::Open(dir_));
  absl::StatusOr<Spool> second = Spool::Open(dir_);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(IsSpoolLocked(second.status())) << second.status();
  EXPECT_EQ(second.status().message(),
            absl::StrCat("spool directory ", dir_,
                         " is in use by another aurora-gate (pid ", ::getpid(),
                         "); give each watcher its own --spool-dir"));
  // Reading is not owning: `spool list` works beside a watcher.
  ASSERT_OK(Spool::OpenReadOnly(dir_).status());
}

// Review of issue 10.10: a refused second owner swept the owner's temp
// files before it found the lock, so the owner's next rename failed.
TEST_F(SpoolLockTest, ARefusedSecondOwnerLeavesTheOwnersTempFiles) {
  ASSERT_OK_AND_ASSIGN(Spool first, Spool::Open(dir_));
  const std::string writing = dir_ + "/abc.action.999.tmp";
  { std::ofstream(writing) << "half"; }
  EXPECT_TRUE(IsSpoolLocked(Spool::Open(dir_).status()));
  struct stat st;
  EXPECT_EQ(::stat(writing.c_str(), &st), 0) << "the owner's temp file is gone";
}

TEST_F(SpoolLockTest, TheLockIsReleasedWithTheSpool) {
  { ASSERT_OK_AND_ASSIGN(Spool first, Spool::Open(dir_)); }
  ASSERT_OK_AND_ASSIGN(Spool again, Spool::Open(dir_));
  Spool moved = std::move(again);  // the lock moves with it
  EXPECT_TRUE(IsSpoolLocked(Spool::Open(dir_).status()));
}

TEST_F(SpoolLockTest, AKilledOwnerLeavesNoStaleLock) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    absl::StatusOr<Spool> s = Spool::Open(dir_);
    ::raise(SIGKILL);  // dies holding the lock
    ::_exit(s.ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/lock"));
  ASSERT_OK(Spool::Open(dir_).status());
}

TEST_F(SpoolLockTest, OpenReadOnlyOfAMissingDirectoryIsNotFoundAndCreatesNothing) {
  EXPECT_TRUE(absl::IsNotFound(Spool::OpenReadOnly(dir_).status()));
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST(SpoolInMemoryTest, KeepsRecordsAndIncidentsWithoutAnyFile) {
  Spool spool = Spool::InMemory();
  EXPECT_FALSE(spool.durable());
  SpoolRecord r;
  r.id = "ab";
  r.kind = "http";
  r.action = "a";
  ASSERT_OK_AND_ASSIGN(bool added, spool.Add(r));
  EXPECT_TRUE(added);
  ASSERT_OK_AND_ASSIGN(added, spool.Add(r));
  EXPECT_FALSE(added);
  r.state = SpoolRecord::State::kFailed;
  ASSERT_OK(spool.Put(r));
  ASSERT_OK_AND_ASSIGN(auto failed, spool.LoadFailed());
  ASSERT_THAT(failed, SizeIs(1));
  ASSERT_OK_AND_ASSIGN(SpoolRecord got, spool.Get("ab"));
  EXPECT_EQ(got.state, SpoolRecord::State::kFailed);
  ASSERT_OK(spool.PutIncident("g.yaml", OpenIncident{"fail", absl::UnixEpoch(), {"r"}}));
  ASSERT_OK_AND_ASSIGN(auto incident, spool.LoadIncident("g.yaml"));
  ASSERT_TRUE(incident.has_value());
  EXPECT_EQ(incident->on, "fail");
  ASSERT_OK(spool.Remove("ab"));
  ASSERT_OK_AND_ASSIGN(failed, spool.LoadFailed());
  EXPECT_THAT(failed, SizeIs(0));
}

}  // namespace
}  // namespace aurora

namespace aurora {
namespace {

// Issue 10, item 17: a templated secret is stored as its template and
// expanded again at delivery.
TEST(SpoolSecretsTest, TemplatedFieldsAreStoredAsWrittenAndResolvedLater) {
  SpoolRecord r;
  r.id = "ab";
  r.kind = "http";
  r.action = "a";
  r.request.url = "https://hooks.example/services/T0/B0/s3cr3t";
  r.request.headers = {{"Content-Type", "application/json"},
                       {"Authorization", "Bearer t0k3n"}};
  r.templates = {{"url", "https://hooks.example/services/${SLACK_PATH}"},
                 {"header:Authorization", "Bearer ${TOKEN}"}};
  const std::string text = SerializeSpoolRecord(r);
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("s3cr3t")));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("t0k3n")));
  ASSERT_OK_AND_ASSIGN(SpoolRecord back, ParseSpoolRecord(text));
  EXPECT_EQ(back.templates, r.templates);
  VarLookup vars = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SLACK_PATH") return "T0/B0/n3w";
    if (name == "TOKEN") return "n3w";
    return std::nullopt;
  };
  ASSERT_OK_AND_ASSIGN(HttpRequest req, ResolveRequest(back, vars));
  EXPECT_EQ(req.url, "https://hooks.example/services/T0/B0/n3w");
  EXPECT_EQ(req.headers[1].value, "Bearer n3w");
  EXPECT_EQ(req.headers[0].value, "application/json");
  absl::StatusOr<HttpRequest> missing = ResolveRequest(
      back, [](const std::string&) { return std::optional<std::string>(); });
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.status().message()), ::testing::HasSubstr("SLACK_PATH"));
}

}  // namespace
}  // namespace aurora
