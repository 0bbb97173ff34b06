// File: tests/testing/background_process.h
// A child process (argv, no shell) that runs while the test goes on: stdin
// /dev/null, stdout to `log`.out, stderr to `log`. The test waits for its
// log or its exit, stops it with SIGTERM or kills it; the destructor kills
// and reaps what is still running. For e2e tests of `watch` and the like.
#ifndef AURORA_TESTS_TESTING_BACKGROUND_PROCESS_H_
#define AURORA_TESTS_TESTING_BACKGROUND_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/subprocess.h"

namespace aurora::testing {

class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log)
      : log_(log) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, (log + ".out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> copy = argv;
    std::vector<char*> args;
    for (auto& a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) {
      pid_ = 0;
    }
    posix_spawn_file_actions_destroy(&fa);
  }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  ~BackgroundProcess() { Kill(); }

  // Waits for the exit (at most `limit`): the exit code, 128 + the signal
  // that ended it, or -2 when it did not exit in time.
  int Wait(std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -2;
  }
  // SIGTERM, then Wait(limit); -1 when it is not running.
  int Stop(std::chrono::seconds limit) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    return Wait(limit);
  }
  // kill -9, then reaped.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  // Its stderr so far.
  std::string Log() const { return ReadWholeFile(log_); }
  // Waits until the log contains `text` (or the deadline passes).
  bool WaitForLog(const std::string& text, std::chrono::seconds limit) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  pid_t pid_ = 0;
  std::string log_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_BACKGROUND_PROCESS_H_
