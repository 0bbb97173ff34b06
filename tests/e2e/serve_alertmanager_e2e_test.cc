// Alertmanager intake: a real Alertmanager (/usr/bin/prometheus-alertmanager)
// routes a firing alert to `serve` with its own webhook v4 body, repeating
// it every second; the gate's exec action (the rollback) runs once for the
// alert's fingerprint, the repeats are counted as duplicates.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/serve_e2e_util.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora {
namespace {

using ::testing::HasSubstr;
using testing::Http;
using testing::Reply;
using testing::ServeProcess;
using testing::WriteFile;

constexpr char kGate[] = R"(gate: stop-conditions
sources:
  results: { type: junit, path: "${RESULTS}" }
groups:
  - name: tests
    rules:
      - { name: failed, source: results, expr: 'sum(tests{result="failed"})', pass: "== 0" }
actions:
  - on: fail
    exec:
      command: [sh, -c, 'echo "rollback $1" >> "$2"', rollback, "${AURORA_GATE_GATE:-gate}", "${FIRED_LOG}"]
      max_attempts: 1
)";

int CountLines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(ServeAlertmanagerTest, FiringAlertTripsTheActionsOncePerFingerprint) {
  const std::string dir = testing::MakeTempDir();
  ::mkdir((dir + "/gates").c_str(), 0700);
  WriteFile(dir + "/gates/stop-conditions.yaml", kGate);
  WriteFile(dir + "/results.xml", "<testsuites/>");
  const std::string fired = dir + "/fired.log";
  auto serve = ServeProcess::Start(
      {"--gates", dir + "/gates", "--spool-dir", dir + "/spool"},
      {{"RESULTS", dir + "/results.xml"}, {"FIRED_LOG", fired}});
  ASSERT_NE(serve, nullptr);

  const int am_port = testing::FreeLoopbackPort();
  WriteFile(dir + "/alertmanager.yml",
            absl::StrCat("route:\n  receiver: serve\n  group_by: [alertname]\n"
                         "  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1s\n"
                         "receivers:\n  - name: serve\n    webhook_configs:\n"
                         "      - url: http://127.0.0.1:", serve->port(),
                         "/alertmanager/v1/stop-conditions\n        send_resolved: true\n"));
  std::vector<std::string> argv = {
      "/usr/bin/prometheus-alertmanager", "--config.file=" + dir + "/alertmanager.yml",
      "--storage.path=" + dir + "/am-data",
      absl::StrCat("--web.listen-address=127.0.0.1:", am_port),
      "--cluster.listen-address="};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, (dir + "/am.log").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, (dir + "/am.log").c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  pid_t am = -1;
  ASSERT_EQ(posix_spawn(&am, args[0], &fa, nullptr, args.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  struct Killer {
    pid_t pid;
    ~Killer() {
      ::kill(pid, SIGTERM);
      int st;
      ::waitpid(pid, &st, 0);
    }
  } killer{am};
  const absl::Time ready_by = absl::Now() + absl::Seconds(30);
  while (Http(am_port, "GET", "/-/ready").status != 200) {
    ASSERT_LT(absl::Now(), ready_by) << testing::ReadWholeFile(dir + "/am.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string starts =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  Reply posted = Http(am_port, "POST", "/api/v2/alerts",
                      absl::StrCat(R"([{"labels": {"alertname": "HighErrorRate", "severity": "critical"},)",
                                   R"( "annotations": {"summary": "error rate 7%"}, "startsAt": ")",
                                   starts, R"("}])"));
  ASSERT_EQ(posted.status, 200) << posted.body;
  // Alertmanager repeats the notification every second: wait for a repeat.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  for (;;) {
    Reply metrics = Http(serve->port(), "GET", "/metrics");
    if (metrics.body.find("aurora_gate_serve_alert_actions_total{result=\"duplicate\"} 0") ==
            std::string::npos &&
        metrics.body.find("aurora_gate_serve_alert_actions_total{result=\"duplicate\"}") !=
            std::string::npos) {
      break;
    }
    ASSERT_LT(absl::Now(), deadline) << serve->Log() << testing::ReadWholeFile(dir + "/am.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The exec action ran once (it runs in the background: give it a moment).
  const absl::Time ran_by = absl::Now() + absl::Seconds(10);
  while (CountLines(testing::ReadWholeFile(fired)) < 1 && absl::Now() < ran_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(CountLines(testing::ReadWholeFile(fired)), 1) << serve->Log();
  Reply metrics = Http(serve->port(), "GET", "/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("aurora_gate_serve_alert_actions_total{result=\"fired\"} 1"));
  EXPECT_THAT(serve->Log(), HasSubstr("route=/alertmanager/v1/{gate}"));
  // A malformed body is a 400 naming the field.
  Reply bad = Http(serve->port(), "POST", "/alertmanager/v1/stop-conditions",
                   R"({"version": "3", "alerts": []})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("\"field\":\"version\""));
}

}  // namespace
}  // namespace aurora
