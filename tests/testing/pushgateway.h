// File: tests/testing/pushgateway.h
// A real Prometheus Pushgateway for tests (Debian prometheus-pushgateway) on
// 127.0.0.1:<free port>, waited for with a deadline, stopped by PID.
#ifndef AURORA_TESTS_TESTING_PUSHGATEWAY_H_
#define AURORA_TESTS_TESTING_PUSHGATEWAY_H_

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/prometheus_harness.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora::testing {

// prometheus-pushgateway on 127.0.0.1:<free port>, stopped by PID.
class Pushgateway {
 public:
  static std::unique_ptr<Pushgateway> Start() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto p = std::unique_ptr<Pushgateway>(new Pushgateway);
      p->port_ = FreeLoopbackPort();
      p->dir_ = MakeTempDir();
      std::vector<std::string> argv = {
          "prometheus-pushgateway",
          "--web.listen-address=127.0.0.1:" + std::to_string(p->port_)};
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      const std::string log = p->dir_ + "/log";
      posix_spawn_file_actions_t fa;
      posix_spawn_file_actions_init(&fa);
      posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT, 0644);
      posix_spawn_file_actions_adddup2(&fa, 1, 2);
      const int rc = posix_spawnp(&p->pid_, args[0], &fa, nullptr, args.data(), environ);
      posix_spawn_file_actions_destroy(&fa);
      if (rc != 0) {
        ADD_FAILURE() << "cannot start prometheus-pushgateway: " << rc;
        return nullptr;
      }
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(p->pid_, &status, WNOHANG) == p->pid_) {
          p->pid_ = -1;
          break;  // port taken by someone else: try another
        }
        if (HttpGet(p->url() + "/-/ready").exit_code == 0 &&
            ListensOn(p->pid_, p->port_)) {
          return p;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    ADD_FAILURE() << "prometheus-pushgateway did not become ready";
    return nullptr;
  }
  ~Pushgateway() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::filesystem::remove_all(dir_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  Pushgateway() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_PUSHGATEWAY_H_
