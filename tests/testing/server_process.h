// File: tests/testing/server_process.h
// The one helper for tests that run a server: spawn it on a free loopback
// port in its own temp dir (retrying when another test took the port first),
// wait until it answers, stop it by PID (SIGTERM, then SIGKILL), remove its
// dir. PrometheusServer, VictoriaMetricsServer, Pushgateway and Alertmanager
// are built on it.
#ifndef AURORA_TESTS_TESTING_SERVER_PROCESS_H_
#define AURORA_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/testing/subprocess.h"

namespace aurora::testing {

inline constexpr auto kServerStartDeadline = std::chrono::seconds(30);
inline constexpr auto kServerStopDeadline = std::chrono::seconds(10);
inline constexpr auto kServerPollInterval = std::chrono::milliseconds(25);
inline constexpr int kServerPortAttempts = 3;

// Exit code and combined stdout+stderr of a tool run.
struct ToolResult {
  int exit_code;
  std::string output;
};

// GET `url` with `params` URL-encoded into the query string (curl -G
// --data-urlencode). exit_code 0 and the body on HTTP 2xx; curl's exit code
// (22 for HTTP >= 400, body kept) otherwise.
ToolResult HttpGet(
    const std::string& url,
    const std::vector<std::pair<std::string, std::string>>& params = {});

// True when process `pid` itself holds a listening TCP socket on `port`
// (read from /proc): tells our server's answer from another one's that took
// the port first.
bool ListensOn(pid_t pid, int port);

// Starts argv with stdin /dev/null and stdout+stderr appended to log_path.
// The child gets SIGKILL if this (test) process dies, so a crashed test
// leaves no server behind. Returns the pid or -1.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path);

// True once *pid has exited; reaps it and sets *pid to -1, so that no
// signal can ever reach a recycled pid.
bool Exited(pid_t* pid);

// SIGTERM, wait up to kServerStopDeadline, then SIGKILL; always reaps.
void Stop(pid_t* pid);

// How a server start went: up, or gone with a log saying why.
enum class Launch { kReady, kPortTaken, kFailed };

// Spawns `make_argv(port)` on fresh ports until `ready_path` answers 2xx
// from that very process. Retries only when the log says the port was taken
// meanwhile.
Launch LaunchOnFreePort(
    const std::function<std::vector<std::string>(int)>& make_argv,
    const std::string& ready_path, const std::string& log_path, pid_t* pid,
    int* port, std::string* why);

// A server process owned by a test: started by Start, stopped (and its dir
// removed) by the destructor.
class ServerProcess {
 public:
  // make_argv(port, dir) builds the command line; `dir` is the server's
  // fresh temp dir (config, data, and its log at dir + "/log"). nullptr, with
  // the reason and the log's tail in *why, when it does not come up.
  static std::unique_ptr<ServerProcess> Start(
      const std::function<std::vector<std::string>(int port,
                                                    const std::string& dir)>&
          make_argv,
      const std::string& ready_path, std::string* why,
      std::string dir = "");
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return ReadWholeFile(dir_ + "/log"); }

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_SERVER_PROCESS_H_
