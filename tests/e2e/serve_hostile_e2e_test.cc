// `serve` against hostile clients: a 100 MB body (announced and chunked),
// malformed JSON, slowloris connections, many concurrent connections,
// CR/LF injection through the path and `set` values, 10 000 connections held
// open (idle, then slowloris) — while /healthz keeps answering within 100 ms.
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/serve_e2e_util.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Connect;
using testing::Http;
using testing::ReadReply;
using testing::Reply;
using testing::SendAll;
using testing::ServeProcess;
using testing::WriteFile;

// An artifact-only gate: no server needed to evaluate it.
constexpr char kGate[] = R"(gate: artifacts
sources:
  results: { type: junit, path: "${RESULTS}" }
groups:
  - name: tests
    rules:
      - { name: failed, source: results, expr: 'sum(tests{result="failed"})', pass: "== 0" }
)";

constexpr char kJunit[] =
    R"(<testsuites><testsuite name="s" tests="1"><testcase name="a"/></testsuite></testsuites>)";

class ServeHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    ::mkdir((dir_ + "/gates").c_str(), 0700);
    WriteFile(dir_ + "/gates/artifacts.yaml", kGate);
    WriteFile(dir_ + "/results.xml", kJunit);
    serve_ = ServeProcess::Start({"--gates", dir_ + "/gates", "--client-timeout", "2s",
                                  "--threads", "128"},
                                 {{"RESULTS", dir_ + "/results.xml"}});
    ASSERT_NE(serve_, nullptr);
  }

  // How long /healthz takes to answer now.
  absl::Duration HealthLatency() const {
    const absl::Time start = absl::Now();
    Reply r = Http(serve_->port(), "GET", "/healthz");
    const absl::Duration took = absl::Now() - start;
    EXPECT_EQ(r.status, 200);
    return took;
  }

  std::string dir_;
  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(ServeHostileTest, HundredMegabyteBodiesAreRefused) {
  // Announced: refused from Content-Length, before any body byte.
  const absl::Time start = absl::Now();
  int fd = Connect(serve_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, absl::StrCat("POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\n"
                                       "Content-Type: application/json\r\n"
                                       "Content-Length: ", 100 << 20, "\r\n\r\n")));
  Reply announced = ReadReply(fd, absl::Seconds(10));
  ::close(fd);
  EXPECT_EQ(announced.status, 413);
  EXPECT_THAT(announced.body, HasSubstr("\"field\":\"body\""));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  // Chunked: the server stops reading past 1 MiB.
  fd = Connect(serve_->port());
  ASSERT_GE(fd, 0);
  std::atomic<bool> done{false};
  std::atomic<size_t> sent{0};
  std::thread writer([&] {
    SendAll(fd, "POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                "Content-Type: application/json\r\n\r\n");
    const std::string chunk = absl::StrCat("100000\r\n", std::string(1 << 20, ' '), "\r\n");
    for (int i = 0; i < 100 && !done.load(); ++i) {
      if (!SendAll(fd, chunk)) break;
      sent += 1 << 20;
    }
  });
  Reply chunked = ReadReply(fd, absl::Seconds(20));
  done = true;
  ::shutdown(fd, SHUT_RDWR);
  writer.join();
  ::close(fd);
  // Refused once past 1 MiB. (civetweb then reads and discards what the
  // client still sends before closing: memory stays bounded.)
  EXPECT_EQ(chunked.status, 413);
  EXPECT_LT(HealthLatency(), absl::Milliseconds(100));
}

TEST_F(ServeHostileTest, MalformedJsonIs400) {
  for (const std::string& body : {std::string("{"), std::string("{\"gates\": [\"a\"],}"),
                                  std::string("\xff\xfe"), std::string(100000, '[')}) {
    Reply r = Http(serve_->port(), "POST", "/api/v1/evaluate", body);
    EXPECT_EQ(r.status, 400) << body.substr(0, 20);
    EXPECT_THAT(r.body, HasSubstr("\"field\":\"body\""));
  }
  Reply ok = Http(serve_->port(), "POST", "/api/v1/evaluate", R"({"gates": ["artifacts"]})");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_THAT(ok.body, HasSubstr("\"verdict\": \"pass\""));
}

TEST_F(ServeHostileTest, SlowlorisIsCutOffAndHealthStaysFast) {
  // 40 clients trickle a header byte every 300 ms.
  constexpr int kSlow = 40;
  std::vector<int> fds;
  for (int i = 0; i < kSlow; ++i) {
    int fd = Connect(serve_->port());
    ASSERT_GE(fd, 0);
    SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    fds.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop.load()) {
      for (int fd : fds) ::send(fd, "a", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  });
  absl::Duration worst;
  const absl::Time until = absl::Now() + absl::Seconds(3);
  while (absl::Now() < until) {
    worst = std::max(worst, HealthLatency());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_LT(worst, absl::Milliseconds(100));
  // --client-timeout 2s: every slow client has been cut off by now.
  int closed = 0;
  for (int fd : fds) {
    Reply r = ReadReply(fd, absl::Seconds(3));
    (void)r;
    char c;
    if (::recv(fd, &c, 1, MSG_DONTWAIT) == 0 || r.status != 0) ++closed;
  }
  stop = true;
  trickle.join();
  for (int fd : fds) ::close(fd);
  EXPECT_EQ(closed, kSlow);
}

TEST_F(ServeHostileTest, ManyConcurrentConnectionsAllAnswered) {
  constexpr int kThreads = 16, kPerThread = 40;  // 640 connections
  std::atomic<int> ok{0};
  std::atomic<bool> stop{false};
  std::vector<absl::Duration> probes;
  std::thread prober([&] {
    while (!stop.load()) {
      probes.push_back(HealthLatency());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Reply r = Http(serve_->port(), "POST", "/argo/v1/artifacts", "");
        if (r.status == 200 && r.body.find("\"pass\":true") != std::string::npos) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  stop = true;
  prober.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  ASSERT_FALSE(probes.empty());
  EXPECT_LT(*std::max_element(probes.begin(), probes.end()), absl::Milliseconds(100));
}

// 10 000 connections held open at once, first idle (connected, nothing
// sent), then slowloris (a partial header, a byte more every 500 ms): with
// --threads 10240 every one has its own server thread, so /healthz and an
// evaluation still answer at once (with fewer threads than held connections
// /healthz waits seconds, until --client-timeout frees one). Asserted: every
// probe answered, 90% within 100 ms, none later than 1 s — on a loaded
// machine the scheduler alone puts a few answers past 100 ms even with no
// connection held (bench/RESULTS.md, "serve"). --client-timeout 60s keeps
// them all held for the whole test.
TEST(ServeTenThousandConnectionsTest, HealthStaysFastWhileTenThousandAreHeld) {
  constexpr int kConnections = 10000;
  rlimit files{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  if (files.rlim_max < rlim_t{kConnections + 512}) {
    // Root (as in CI) may raise the hard limit itself, as an operator would.
    files.rlim_max = rlim_t{kConnections + 512};
    files.rlim_cur = files.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &files);
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  }
  ASSERT_GE(files.rlim_max, rlim_t{kConnections + 512})
      << "this test holds 10 000 sockets: raise the hard open-file limit (ulimit -Hn)";
  files.rlim_cur = files.rlim_max;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &files), 0);
  const std::string dir = testing::MakeTempDir();
  ::mkdir((dir + "/gates").c_str(), 0700);
  WriteFile(dir + "/gates/artifacts.yaml", kGate);
  WriteFile(dir + "/results.xml", kJunit);
  auto serve = ServeProcess::Start({"--gates", dir + "/gates", "--client-timeout", "60s",
                                    "--threads", "10240"},
                                   {{"RESULTS", dir + "/results.xml"}});
  ASSERT_NE(serve, nullptr);
  EXPECT_THAT(serve->Log(), HasSubstr("threads=10240"));
  EXPECT_THAT(serve->Log(), Not(HasSubstr("open-file limit below --threads")));
  // /healthz every 20 ms for `span`: every answer 200; the 90th percentile
  // and the slowest.
  auto health_over = [&](absl::Duration span) {
    std::vector<absl::Duration> took;
    for (const absl::Time until = absl::Now() + span; absl::Now() < until;) {
      const absl::Time start = absl::Now();
      Reply r = Http(serve->port(), "GET", "/healthz");
      took.push_back(absl::Now() - start);
      EXPECT_EQ(r.status, 200);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_GE(took.size(), 20u);
    std::sort(took.begin(), took.end());
    return std::make_pair(took[took.size() * 9 / 10], took.back());
  };
  std::vector<int> fds;
  fds.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    int fd = Connect(serve->port());
    ASSERT_GE(fd, 0) << "connection " << i;
    fds.push_back(fd);
  }
  auto [idle_p90, idle_max] = health_over(absl::Seconds(3));
  EXPECT_LT(idle_p90, absl::Milliseconds(100)) << "idle";
  EXPECT_LT(idle_max, absl::Seconds(1)) << "idle";
  Reply eval = Http(serve->port(), "POST", "/argo/v1/artifacts", "");
  EXPECT_EQ(eval.status, 200);
  EXPECT_THAT(eval.body, HasSubstr("\"pass\":true"));
  // Slowloris on the same 10 000 connections.
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    for (int fd : fds) SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    while (!stop.load()) {
      for (int fd : fds) ::send(fd, "a", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  auto [slow_p90, slow_max] = health_over(absl::Seconds(3));
  EXPECT_LT(slow_p90, absl::Milliseconds(100)) << "slowloris";
  EXPECT_LT(slow_max, absl::Seconds(1)) << "slowloris";
  stop = true;
  trickle.join();
  // Still held: not one of them was answered or cut off.
  int held = 0;
  for (int fd : fds) {
    char c;
    if (::recv(fd, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN) ++held;
    ::close(fd);
  }
  EXPECT_EQ(held, kConnections);
}

TEST_F(ServeHostileTest, NoHeaderOrLogInjection) {
  // A CR/LF in a set value: refused, nothing echoed into the headers.
  Reply set = Http(serve_->port(), "GET",
                   "/argo/v1/artifacts?set.X=a%0d%0aX-Injected:%20yes");
  EXPECT_EQ(set.status, 400);
  EXPECT_THAT(set.head, Not(HasSubstr("X-Injected")));
  // In the path: no such gate; the access log escapes it.
  Reply path = Http(serve_->port(), "GET", "/argo/v1/x%0d%0aX-Injected:%20yes");
  EXPECT_EQ(path.status, 400);
  EXPECT_THAT(path.head, Not(HasSubstr("X-Injected")));
  Reply junk = Http(serve_->port(), "GET", "/nowhere%0aINFO%20forged%20line");
  EXPECT_EQ(junk.status, 404);
  const std::string log = serve_->Log();
  EXPECT_THAT(log, Not(HasSubstr("\nX-Injected")));
  EXPECT_THAT(log, Not(HasSubstr("\nINFO forged line")));
  EXPECT_THAT(log, HasSubstr("\\x0a"));
  // Oversized headers are refused by the server library itself.
  Reply big = Http(serve_->port(), "GET", "/healthz", "",
                   {absl::StrCat("X-Big: ", std::string(64 << 10, 'a'))});
  EXPECT_NE(big.status, 200);
  EXPECT_LT(HealthLatency(), absl::Milliseconds(100));
}

}  // namespace
}  // namespace aurora
