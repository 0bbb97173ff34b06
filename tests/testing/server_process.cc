#include "tests/testing/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <thread>

namespace aurora::testing {
namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  int log_fd =
      ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    if (log_fd >= 0) ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return -1;
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  return pid;
}

bool Exited(pid_t* pid) {
  if (*pid <= 0) return true;
  int status = 0;
  pid_t r = ::waitpid(*pid, &status, WNOHANG);
  if (r == *pid || (r < 0 && errno == ECHILD)) {
    *pid = -1;
    return true;
  }
  return false;
}

void Stop(pid_t* pid) {
  if (Exited(pid)) return;
  ::kill(*pid, SIGTERM);
  auto deadline = Clock::now() + kServerStopDeadline;
  while (Clock::now() < deadline) {
    if (Exited(pid)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(*pid, SIGKILL);
  int status = 0;
  ::waitpid(*pid, &status, 0);
  *pid = -1;
}

// Spawns `make_argv(port)` on fresh ports until /health-style `ready_path`
// answers 2xx. Retries only when the log says the port was taken meanwhile.
Launch LaunchOnFreePort(
    const std::function<std::vector<std::string>(int)>& make_argv,
    const std::string& ready_path, const std::string& log_path, pid_t* pid,
    int* port, std::string* why) {
  for (int attempt = 0; attempt < kServerPortAttempts; ++attempt) {
    *port = FreeLoopbackPort();
    if (*port <= 0) {
      *why = "no free loopback port";
      return Launch::kFailed;
    }
    *pid = Spawn(make_argv(*port), log_path);
    if (*pid < 0) {
      *why = "cannot start " + make_argv(*port)[0];
      return Launch::kFailed;
    }
    std::string url = "http://127.0.0.1:" + std::to_string(*port) + ready_path;
    auto deadline = Clock::now() + kServerStartDeadline;
    bool exited = false;
    while (Clock::now() < deadline) {
      if (Exited(pid)) {
        exited = true;
        break;
      }
      // Another test's server may have taken the port between
      // FreeLoopbackPort() and our bind: its answer is not ours.
      if (HttpGet(url).exit_code == 0 && ListensOn(*pid, *port)) {
        return Launch::kReady;
      }
      std::this_thread::sleep_for(kServerPollInterval);
    }
    if (!exited) {
      Stop(pid);
      *why = "not ready within " + std::to_string(kServerStartDeadline.count()) +
             " s at " + url;
      return Launch::kFailed;
    }
    if (ReadWholeFile(log_path).find("address already in use") ==
        std::string::npos) {
      *why = "exited during start-up";
      return Launch::kFailed;
    }
    *why = "port " + std::to_string(*port) + " taken";
  }
  return Launch::kPortTaken;
}

ToolResult HttpGet(
    const std::string& url,
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::string> argv = {
      "curl", "-sS", "--fail-with-body", "--max-time", "10", "-G", url};
  for (const auto& [k, v] : params) {
    argv.push_back("--data-urlencode");
    argv.push_back(k + "=" + v);
  }
  ProcessResult r = RunProcess(argv);
  return {r.exit_code, r.exit_code == 0 ? r.out : r.out + r.err};
}

bool ListensOn(pid_t pid, int port) {
  // Inodes of listening TCP sockets on `port` (/proc/net/tcp{,6}: local
  // address "HEXADDR:HEXPORT", state 0A = LISTEN, inode in column 10).
  std::vector<std::string> inodes;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string sl, local, remote, state, txrx, trtm, retr, uid, timeout,
          inode;
      if (!(fields >> sl >> local >> remote >> state >> txrx >> trtm >> retr >>
            uid >> timeout >> inode)) {
        continue;
      }
      const size_t colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos) continue;
      if (std::strtol(local.c_str() + colon + 1, nullptr, 16) == port) {
        inodes.push_back("socket:[" + inode + "]");
      }
    }
  }
  if (inodes.empty()) return false;
  std::error_code ec;
  const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir, ec)) {
    std::error_code link_ec;
    const std::string target =
        std::filesystem::read_symlink(entry.path(), link_ec).string();
    if (link_ec) continue;
    if (std::find(inodes.begin(), inodes.end(), target) != inodes.end()) {
      return true;
    }
  }
  return false;
}

std::unique_ptr<ServerProcess> ServerProcess::Start(
    const std::function<std::vector<std::string>(int, const std::string&)>&
        make_argv,
    const std::string& ready_path, std::string* why, std::string dir) {
  auto p = std::unique_ptr<ServerProcess>(new ServerProcess);
  p->dir_ = dir.empty() ? MakeTempDir() : std::move(dir);
  if (p->dir_.empty()) {
    *why = "cannot make a temp dir";
    return nullptr;
  }
  const std::string log = p->dir_ + "/log";
  const std::string& d = p->dir_;
  Launch l = LaunchOnFreePort([&](int port) { return make_argv(port, d); },
                              ready_path, log, &p->pid_, &p->port_, why);
  if (l != Launch::kReady) {
    const std::string text = ReadWholeFile(log);
    *why += "; log: " + text.substr(text.size() > 4096 ? text.size() - 4096 : 0);
    return nullptr;
  }
  return p;
}

ServerProcess::~ServerProcess() {
  Stop(&pid_);
  RemoveDir(dir_);
}

}  // namespace aurora::testing
