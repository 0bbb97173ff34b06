#include "gates/app/rule_test_engine.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/curl_http_client.h"
#include "base/number_format.h"
#include "base/prometheus_text.h"
#include "base/run_exec.h"
#include "rules/duration.h"

namespace aurora {
namespace {

bool IsExecutable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

std::string InPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (absl::string_view dir : absl::StrSplit(path, ':')) {
    std::string candidate =
        absl::StrCat(dir.empty() ? "." : dir, "/", name);
    if (IsExecutable(candidate)) return candidate;
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& s) {
  constexpr size_t kMax = 4000;
  return s.size() <= kMax ? s : "..." + s.substr(s.size() - kMax);
}

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Starts argv with stdin /dev/null, stdout+stderr to `log`; the child is
// killed if we die (PR_SET_PDEATHSIG), so no server outlives the run.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: async-signal-safe calls only.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  int in = ::open("/dev/null", O_RDONLY);
  int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (in < 0 || out < 0) ::_exit(127);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(out, 2);
  ::execv(args[0], args.data());
  ::_exit(127);
}

// Whether `pid` has exited (reaped here).
bool Exited(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

absl::StatusOr<EngineBinaries> FindEngineBinaries(const std::string& prometheus_flag) {
  EngineBinaries b;
  if (!prometheus_flag.empty()) {
    if (!IsExecutable(prometheus_flag)) {
      return absl::NotFoundError(absl::StrCat(
          "--prometheus-binary ", prometheus_flag, ": not an executable file"));
    }
    b.prometheus = prometheus_flag;
    const size_t slash = prometheus_flag.rfind('/');
    if (slash != std::string::npos) {
      std::string beside = prometheus_flag.substr(0, slash + 1) + "promtool";
      if (IsExecutable(beside)) b.promtool = beside;
    }
  } else {
    b.prometheus = InPath("prometheus");
    if (b.prometheus.empty()) {
      return absl::NotFoundError(
          "no `prometheus` in PATH: aurora-gate test runs the rules on a real "
          "Prometheus (install it, e.g. apt-get install prometheus, or name "
          "one with --prometheus-binary PATH)");
    }
  }
  if (b.promtool.empty()) b.promtool = InPath("promtool");
  if (b.promtool.empty()) {
    return absl::NotFoundError(
        "no `promtool` beside the prometheus binary or in PATH: it backfills "
        "the input series (it ships with Prometheus)");
  }
  return b;
}

std::string RenderOpenMetrics(std::vector<EngineSample> samples) {
  std::stable_sort(samples.begin(), samples.end(),
                   [](const EngineSample& a, const EngineSample& b) {
                     return std::tie(a.name, a.labels, a.unix_ms) <
                            std::tie(b.name, b.labels, b.unix_ms);
                   });
  std::string out;
  for (const EngineSample& s : samples) {
    out += s.name;
    if (!s.labels.empty()) {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : s.labels) {
        if (!first) out += ',';
        first = false;
        absl::StrAppend(&out, k, "=\"", EscapeLabelValue(v), "\"");
      }
      out += '}';
    }
    const int64_t sec = s.unix_ms / 1000;
    int64_t ms = s.unix_ms % 1000;
    std::string ts = absl::StrCat(sec);
    if (ms < 0) {  // before 1970: floor division
      ts = absl::StrCat(sec - 1);
      ms += 1000;
    }
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
    absl::StrAppend(&out, " ", FormatNumber(s.value), " ", ts, frac, "\n");
  }
  out += "# EOF\n";
  return out;
}

absl::StatusOr<std::unique_ptr<RuleTestEngine>> RuleTestEngine::Start(
    const Options& options, const std::vector<EngineSample>& samples) {
  std::unique_ptr<RuleTestEngine> engine(new RuleTestEngine());
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmpl = absl::StrCat(tmpdir != nullptr && *tmpdir ? tmpdir : "/tmp",
                                  "/aurora-gate-test-XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary directory for the engine");
  }
  engine->dir_ = tmpl;
  const std::string data = engine->dir_ + "/data";
  if (!samples.empty()) {
    const std::string input = engine->dir_ + "/input.om";
    {
      std::ofstream f(input, std::ios::binary | std::ios::trunc);
      f << RenderOpenMetrics(samples);
      if (!f.flush()) return absl::InternalError("cannot write the input series");
    }
    ExecRequest backfill;
    backfill.argv = {options.binaries.promtool, "tsdb", "create-blocks-from",
                     "openmetrics", input, data};
    backfill.timeout = absl::Minutes(5);
    absl::StatusOr<ExecResult> run = RunExec(backfill);
    if (!run.ok()) return run.status();
    if (!run->ok()) {
      return absl::InternalError(absl::StrCat(
          "promtool tsdb create-blocks-from openmetrics failed (", run->Describe(),
          "): ", Tail(run->output)));
    }
  }
  const std::string config = engine->dir_ + "/prometheus.yml";
  {
    std::ofstream f(config, std::ios::trunc);
    f << "global:\n  evaluation_interval: "
      << FormatPromDuration(options.evaluation_interval) << "\n";
    if (!f.flush()) return absl::InternalError("cannot write the engine's configuration");
  }
  const std::string log = engine->dir_ + "/prometheus.log";
  std::string last_log;
  for (int attempt = 0; attempt < 3; ++attempt) {
    engine->port_ = FreeLoopbackPort();
    if (engine->port_ == 0) return absl::UnavailableError("no free loopback port");
    engine->pid_ = Spawn(
        {options.binaries.prometheus, "--config.file=" + config,
         "--storage.tsdb.path=" + data,
         absl::StrCat("--web.listen-address=127.0.0.1:", engine->port_),
         "--storage.tsdb.retention.time=100y", "--log.level=warn"},
        log);
    if (engine->pid_ < 0) return absl::InternalError("cannot start prometheus");
    HttpClientOptions o;
    absl::StatusOr<std::unique_ptr<HttpClient>> client = NewCurlHttpClient(o);
    if (!client.ok()) return client.status();
    HttpRequest ready;
    ready.url = absl::StrCat("http://127.0.0.1:", engine->port_, "/-/ready");
    ready.timeout = absl::Seconds(2);
    const absl::Time deadline = absl::Now() + options.start_timeout;
    bool died = false;
    while (absl::Now() < deadline) {
      if (Exited(engine->pid_)) {
        engine->pid_ = -1;
        died = true;
        break;
      }
      auto r = (*client)->SendAll({ready});
      if (r[0].ok() && r[0]->status == 200) return engine;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    last_log = ReadFile(log);
    if (!died) {
      return absl::UnavailableError(absl::StrCat(
          "prometheus did not become ready within ",
          FormatPromDuration(options.start_timeout), ": ", Tail(last_log)));
    }
    // Another process may have taken the port between our probe and the
    // bind: try another one.
  }
  return absl::UnavailableError(
      absl::StrCat("prometheus exited at start: ", Tail(last_log)));
}

RuleTestEngine::~RuleTestEngine() {
  if (pid_ > 0) {
    // Its data is thrown away: no graceful shutdown to wait for.
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string RuleTestEngine::url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

}  // namespace aurora
