#include "base/run_exec.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/strings.h"

extern char** environ;

namespace aurora {
namespace {

constexpr size_t kMaxOutput = 64 * 1024;
constexpr absl::Duration kKillGrace = absl::Seconds(5);

absl::Time MonotonicNow() {
  // Wall-clock jumps must not cut or stretch the timeout.
  auto d = std::chrono::steady_clock::now().time_since_epoch();
  return absl::UnixEpoch() + absl::FromChrono(d);
}

}  // namespace

std::string ExecResult::Describe() const {
  if (timed_out) {
    return absl::StrCat("timed out after ",
                        absl::FormatDuration(absl::Trunc(elapsed, absl::Milliseconds(100))),
                        signal != 0
                            ? absl::StrCat(" (killed by signal ", signal, ")")
                            : std::string());
  }
  if (signal != 0) return absl::StrCat("killed by signal ", signal);
  return absl::StrCat("exit code ", exit_code);
}

absl::StatusOr<ExecResult> RunExec(const ExecRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) {
    return absl::InvalidArgumentError("exec: empty command");
  }
  const std::string& prog = request.argv[0];
  // Environment: the parent's, then ours on top.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv = *e;
    std::string name(kv.substr(0, kv.find('=')));
    if (request.env.count(name) == 0) env_strings.emplace_back(kv);
  }
  for (const auto& [k, v] : request.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv = request.argv;
  for (std::string& s : argv) args.push_back(s.data());
  args.push_back(nullptr);

  int in[2], out[2], err[2] = {-1, -1};
  if (::pipe2(in, O_CLOEXEC) != 0) {
    return absl::InternalError(
        absl::StrCat("exec ", prog, ": pipe: ", std::strerror(errno)));
  }
  if (::pipe2(out, O_CLOEXEC) != 0 ||
      (request.stderr_apart && ::pipe2(err, O_CLOEXEC) != 0)) {
    const int saved = errno;
    for (int fd : {in[0], in[1], out[0], out[1]}) {
      if (fd >= 0) ::close(fd);
    }
    return absl::InternalError(
        absl::StrCat("exec ", prog, ": pipe: ", std::strerror(saved)));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, request.stderr_apart ? err[1] : out[1],
                                   2);
  if (!request.dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&fa, request.dir.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a timeout kills the command's children too;
  // default signal handling (we may ignore SIGPIPE).
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);
  // A command that closes its stdin must not kill us with SIGPIPE: block it
  // in this thread while we write, and consume any that arrived.
  sigset_t pipe_set, old_mask;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  const absl::Time start = MonotonicNow();
  pid_t pid = 0;
  int rc =
      ::posix_spawnp(&pid, prog.c_str(), &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  if (err[1] >= 0) ::close(err[1]);
  if (rc != 0) {
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    ::close(in[1]);
    ::close(out[0]);
    if (err[0] >= 0) ::close(err[0]);
    std::string msg =
        absl::StrCat("exec ", prog, ": cannot start: ", std::strerror(rc));
    if (rc == ENOENT) return absl::NotFoundError(msg);
    if (rc == EACCES) return absl::PermissionDeniedError(msg);
    return absl::InternalError(msg);
  }

  ExecResult result;
  size_t written = 0;
  int in_fd = in[1];
  ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
  if (request.stdin_data.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  int out_fd = out[0];
  int err_fd = err[0];
  // One read of `fd` into `to` (at most `cap` bytes kept, the rest
  // dropped): read(2)'s result.
  auto read_some = [&](int fd, std::string& to, size_t cap) -> ssize_t {
    char buf[8192];
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n > 0) {
      size_t room = cap - std::min(cap, to.size());
      if (static_cast<size_t>(n) > room && &to == &result.output) {
        result.output_truncated = true;
      }
      to.append(buf, std::min(room, static_cast<size_t>(n)));
    }
    return n;
  };
  // False at the end of the stream or on an error.
  auto drain = [&](int fd, std::string& to, size_t cap) -> bool {
    ssize_t n = read_some(fd, to, cap);
    return n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN));
  };
  absl::Time deadline = start + request.timeout;
  bool term_sent = false, kill_sent = false;
  int status = 0;
  bool reaped = false;
  while (!reaped) {
    const absl::Time now = MonotonicNow();
    if (now >= deadline) {
      if (!term_sent) {
        result.timed_out = true;
        ::kill(-pid, SIGTERM);
        term_sent = true;
        deadline = now + kKillGrace;
      } else if (!kill_sent) {
        ::kill(-pid, SIGKILL);
        kill_sent = true;
        deadline = absl::InfiniteFuture();
      }
    }
    pollfd fds[3];
    int nfds = 0;
    if (out_fd >= 0) fds[nfds++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[nfds++] = {err_fd, POLLIN, 0};
    if (in_fd >= 0) fds[nfds++] = {in_fd, POLLOUT, 0};
    int wait_ms = 50;  // also how often we look for the exit
    if (deadline != absl::InfiniteFuture()) {
      wait_ms = std::min<int64_t>(
          wait_ms,
          std::max<int64_t>(
              0, absl::ToInt64Milliseconds(deadline - MonotonicNow()) + 1));
    }
    if (nfds > 0) {
      ::poll(fds, static_cast<nfds_t>(nfds), wait_ms);
      for (int i = 0; i < nfds; ++i) {
        if (fds[i].revents == 0) continue;
        if (fds[i].fd == out_fd) {
          if (!drain(out_fd, result.output, request.max_output)) {
            ::close(out_fd);
            out_fd = -1;
          }
        } else if (fds[i].fd == err_fd) {
          if (!drain(err_fd, result.errors, kMaxOutput)) {
            ::close(err_fd);
            err_fd = -1;
          }
        } else if (fds[i].fd == in_fd) {
          ssize_t n = ::write(in_fd, request.stdin_data.data() + written,
                              request.stdin_data.size() - written);
          if (n > 0) written += static_cast<size_t>(n);
          // EPIPE (the command does not read stdin) is fine: stop writing.
          if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
              written == request.stdin_data.size()) {
            ::close(in_fd);
            in_fd = -1;
          }
        }
      }
    } else {
      ::usleep(static_cast<useconds_t>(wait_ms) * 1000);
    }
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) reaped = true;
  }
  // Output the command's children still write after it exited is dropped.
  if (in_fd >= 0) ::close(in_fd);
  for (auto [fd, to, cap] :
       {std::tuple<int, std::string*, size_t>{out_fd, &result.output,
                                              request.max_output},
        std::tuple<int, std::string*, size_t>{err_fd, &result.errors,
                                              kMaxOutput}}) {
    if (fd < 0) continue;
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
    while (read_some(fd, *to, cap) > 0) {
    }
    ::close(fd);
  }
  result.elapsed = MonotonicNow() - start;
  sigset_t pending;
  sigpending(&pending);
  if (sigismember(&pending, SIGPIPE) == 1) {
    const timespec zero = {0, 0};
    ::sigtimedwait(&pipe_set, nullptr, &zero);
  }
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace aurora
