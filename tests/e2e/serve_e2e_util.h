// File: tests/e2e/serve_e2e_util.h
// For the `serve` end-to-end tests: the real binary started as a server
// (port 0, the port read from its "serving" log line), and raw HTTP/1.1
// over a socket (the server closes each connection after its answer), so
// the bytes a controller sends can be replayed exactly.
#ifndef AURORA_TESTS_E2E_SERVE_E2E_UTIL_H_
#define AURORA_TESTS_E2E_SERVE_E2E_UTIL_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

extern char** environ;

namespace aurora::testing {

// `aurora-gate serve ARGS --listen 127.0.0.1:0` with `env` added; stderr
// (the log) to a file. Stopped with SIGTERM (SIGKILL after 10 s).
class ServeProcess {
 public:
  static std::unique_ptr<ServeProcess> Start(
      const std::vector<std::string>& args,
      const std::map<std::string, std::string>& env = {},
      bool expect_serving = true) {
    auto p = std::unique_ptr<ServeProcess>(new ServeProcess());
    p->dir_ = MakeTempDir();
    p->log_path_ = p->dir_ + "/serve.log";
    std::vector<std::string> argv = {AURORA_GATE_BIN, "serve"};
    argv.insert(argv.end(), args.begin(), args.end());
    bool has_listen = false;
    for (const auto& a : args) has_listen |= a == "--listen";
    if (!has_listen) {
      argv.push_back("--listen");
      argv.push_back("127.0.0.1:0");
    }
    std::vector<std::string> env_strings = testing::MergedEnvironment(env);
    std::vector<char*> envp, cargs;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    for (auto& s : argv) cargs.push_back(s.data());
    cargs.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, (p->log_path_ + ".out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, p->log_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (posix_spawn(&p->pid_, cargs[0], &fa, nullptr, cargs.data(), envp.data()) != 0) {
      p->pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&fa);
    if (!expect_serving) return p;
    // The "serving" line names the port.
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      std::string log = p->Log();
      size_t at = log.find(" INFO serving ");
      if (at == std::string::npos) at = log.find("\"msg\":\"serving\"");
      if (at != std::string::npos) {
        size_t port_at = log.find("port", at);
        if (port_at != std::string::npos) {
          size_t digits = log.find_first_of("0123456789", port_at);
          size_t end = log.find_first_not_of("0123456789", digits);
          if (absl::SimpleAtoi(log.substr(digits, end - digits), &p->port_) &&
              p->port_ > 0) {
            return p;
          }
        }
      }
      int status = 0;
      if (::waitpid(p->pid_, &status, WNOHANG) == p->pid_) {
        p->pid_ = -1;
        ADD_FAILURE() << "serve exited before serving:\n" << p->Log();
        return nullptr;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "serve did not start within 30s:\n" << p->Log();
    return nullptr;
  }

  ~ServeProcess() {
    if (pid_ > 0) Stop(SIGTERM);
  }

  // Sends `sig` and waits for the exit (SIGKILL after 10 s); the exit code.
  int Stop(int sig) {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, sig);
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (absl::Now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

  // Waits for a process started with expect_serving = false to exit.
  int Wait(absl::Duration timeout = absl::Seconds(30)) {
    const absl::Time deadline = absl::Now() + timeout;
    int status = 0;
    while (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == 0) {
      if (absl::Now() > deadline) return Stop(SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = -1;
    }
    return exit_code_;
  }

  void Signal(int sig) const { ::kill(pid_, sig); }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string Log() const { return ReadWholeFile(log_path_); }
  std::string HostPort() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  ServeProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
  std::string dir_, log_path_;
};

// An open TCP connection to 127.0.0.1:port (-1 on failure).
inline int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

struct Reply {
  int status = 0;     // 0: no answer
  std::string head;   // status line and headers
  std::string body;
  std::string Header(const std::string& name) const {
    std::string lower_head = head;
    for (char& c : lower_head) c = static_cast<char>(std::tolower(c));
    std::string key = "\r\n" + name + ":";
    for (char& c : key) c = static_cast<char>(std::tolower(c));
    size_t at = lower_head.find(key);
    if (at == std::string::npos) return "";
    size_t start = head.find_first_not_of(' ', at + key.size());
    size_t end = head.find("\r\n", start);
    return head.substr(start, end - start);
  }
};

// Reads an answer until the server closes the connection (or `timeout`).
inline Reply ReadReply(int fd, absl::Duration timeout = absl::Seconds(30)) {
  std::string data;
  char buf[65536];
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (ms <= 0 || ::poll(&p, 1, ms) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  Reply r;
  size_t end = data.find("\r\n\r\n");
  if (data.rfind("HTTP/1.", 0) != 0 || end == std::string::npos) return r;
  r.head = data.substr(0, end);
  r.body = data.substr(end + 4);
  absl::SimpleAtoi(data.substr(9, 3), &r.status);
  return r;
}

// Sends `bytes` as they are and reads the answer.
inline Reply RawExchange(int port, const std::string& bytes,
                         absl::Duration timeout = absl::Seconds(30)) {
  int fd = Connect(port);
  if (fd < 0) return {};
  SendAll(fd, bytes);
  Reply r = ReadReply(fd, timeout);
  ::close(fd);
  return r;
}

// A plain HTTP/1.1 request (Content-Length when there is a body).
inline Reply Http(int port, const std::string& method, const std::string& target,
                  const std::string& body = "",
                  const std::vector<std::string>& headers = {}) {
  std::string req = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: 127.0.0.1:",
                                 port, "\r\n");
  for (const std::string& h : headers) absl::StrAppend(&req, h, "\r\n");
  if (!body.empty() || method == "POST") {
    absl::StrAppend(&req, "Content-Type: application/json\r\nContent-Length: ",
                    body.size(), "\r\n");
  }
  req += "\r\n" + body;
  return RawExchange(port, req);
}

// A fixture head (tests/testdata/serve/*-head.txt: one header a line) with
// its placeholders filled, lines ended with CRLF, the blank line, the body.
inline std::string ReplayRequest(const std::string& head_file, const std::string& body,
                                 const std::map<std::string, std::string>& fill) {
  std::string head = ReadWholeFile(std::string(AURORA_TESTDATA_DIR) + "/serve/" + head_file);
  std::map<std::string, std::string> all = fill;
  all["{{LENGTH}}"] = absl::StrCat(body.size());
  for (const auto& [k, v] : all) head = absl::StrReplaceAll(head, {{k, v}});
  std::string out;
  size_t start = 0;
  while (start < head.size()) {
    size_t end = head.find('\n', start);
    if (end == std::string::npos) end = head.size();
    out += head.substr(start, end - start) + "\r\n";
    start = end + 1;
  }
  return out + "\r\n" + body;
}

inline std::string ServeTestdata(const std::string& rel) {
  return ReadWholeFile(std::string(AURORA_TESTDATA_DIR) + "/serve/" + rel);
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
}

}  // namespace aurora::testing

#endif  // AURORA_TESTS_E2E_SERVE_E2E_UTIL_H_
