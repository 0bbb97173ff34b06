#include "gates/app/serve/serve_command.h"

#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "base/strings.h"
#include "gates/app/serve/serve_library.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "rules/interpolate.h"

namespace aurora {
namespace {

// One log line at a time from the server threads: "TS LEVEL msg k=v ..." or
// a JSON object. Values are escaped (a path a client sent cannot forge a
// line); no secret is ever passed in.
class ServeLog {
 public:
  ServeLog(std::ostream& out, bool json) : out_(out), json_(json) {}

  void Log(std::string_view level, std::string_view msg,
           const std::vector<std::pair<std::string, std::string>>& fields,
           const std::vector<std::pair<std::string, double>>& numbers = {}) {
    const std::string ts =
        absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
    std::string line;
    if (json_) {
      rapidjson::StringBuffer b;
      rapidjson::Writer<rapidjson::StringBuffer> w(b);
      w.StartObject();
      w.Key("ts");
      w.String(ts.c_str());
      w.Key("level");
      w.String(level.data(), static_cast<rapidjson::SizeType>(level.size()));
      w.Key("msg");
      w.String(msg.data(), static_cast<rapidjson::SizeType>(msg.size()));
      for (const auto& [k, v] : fields) {
        w.Key(k.c_str());
        w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
      }
      for (const auto& [k, v] : numbers) {
        w.Key(k.c_str());
        w.Double(v);
      }
      w.EndObject();
      line.assign(b.GetString(), b.GetSize());
    } else {
      line = absl::StrCat(ts, " ", absl::AsciiStrToUpper(Sv(level)), " ", Sv(msg));
      for (const auto& [k, v] : fields) absl::StrAppend(&line, " ", k, "=", Quote(v));
      for (const auto& [k, v] : numbers) absl::StrAppend(&line, " ", k, "=", v);
    }
    std::lock_guard<std::mutex> lock(mu_);
    out_ << line << "\n";
    out_.flush();
  }

 private:
  // Plain when safe, else double-quoted with \\ \" and \xNN escapes.
  static std::string Quote(const std::string& v) {
    bool plain = !v.empty();
    for (unsigned char c : v) {
      if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) plain = false;
    }
    if (plain) return v;
    std::string out = "\"";
    for (unsigned char c : v) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20 || c == 0x7f) {
        absl::StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  }

  std::ostream& out_;
  bool json_;
  std::mutex mu_;
};

// Tokens of --token-file: one per line, surrounding blanks and empty lines
// ignored, a line starting with # is a comment.
absl::StatusOr<std::vector<std::string>> ReadTokens(const std::string& path,
                                                    FileReader& files) {
  absl::StatusOr<std::string> text = files.ReadFileAtMost(path, 1 << 20);
  if (!text.ok()) return text.status();
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    std::string t(absl::StripAsciiWhitespace(line));
    if (t.empty() || t[0] == '#') continue;
    out.push_back(t);
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no token in the token file (one per line)"));
  }
  return out;
}

// Files the process needs besides its connections (gate files, sources,
// Prometheus connections, logs).
constexpr long kSpareFiles = 256;

}  // namespace

int RunServe(const ServeOptions& options, const CommandEnv& env,
             ServeSignals& signals) {
  ServeLog log(*env.err, options.json_log);
  if (options.gate_roots.empty()) {
    *env.err << "aurora-gate serve: no gate files given (--gates DIR|FILE...)\n";
    return kExitUsage;
  }
  ServiceOptions service_options = options.service;
  if (!options.token_file.empty()) {
    absl::StatusOr<std::vector<std::string>> tokens =
        ReadTokens(options.token_file, *env.files);
    if (!tokens.ok()) {
      *env.err << "aurora-gate serve: --token-file: " << tokens.status().message()
               << "\n";
      return kExitUsage;
    }
    service_options.tokens = std::move(*tokens);
  }
  GateLibrary library(options.gate_roots, *env.files, EnvironmentLookup());
  std::vector<std::string> problems = library.Reload();
  for (const std::string& p : problems) *env.err << p << "\n";
  const size_t loaded = library.Snapshot()->by_name.size();
  if (!problems.empty() || loaded == 0) {
    *env.err << "aurora-gate serve: "
             << (loaded == 0 && problems.empty() ? "no gate file found; "
                                                 : "gate file errors; ")
             << "not serving\n";
    return kExitUsage;
  }
  // Every connection is a file descriptor: as many as the system allows.
  const long open_files = RaiseOpenFileLimit();
  ServeService service(service_options, library, env);
  service.metrics().RecordReload(true, loaded);
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      options.http, [&service](const HttpExchange& ex) { return service.Handle(ex); },
      [&service, &log](const HttpExchange& ex, const ServeAnswer& a, double seconds) {
        const std::string route = ServeService::Route(ex.path);
        service.metrics().RecordRequest(route, a.status, seconds);
        log.Log("info", "request",
                {{"remote", ex.remote}, {"method", ex.method}, {"path", ex.path},
                 {"route", route}},
                {{"status", static_cast<double>(a.status)},
                 {"bytes", static_cast<double>(a.body.size())},
                 {"duration_seconds", seconds}});
      });
  if (!server.ok()) {
    *env.err << "aurora-gate serve: " << server.status().message() << "\n";
    return kExitUsage;
  }
  const bool tls = !options.http.tls_cert.empty();
  const std::string host = options.http.listen.substr(0, options.http.listen.rfind(':'));
  log.Log("info", "serving",
          {{"url", absl::StrCat(tls ? "https://" : "http://", host, ":", (*server)->port())},
           {"auth", service_options.tokens.empty() ? "none" : "bearer"}},
          {{"gates", static_cast<double>(loaded)}, {"port", static_cast<double>((*server)->port())},
           {"threads", static_cast<double>(options.http.threads)},
           {"open_files", static_cast<double>(open_files)}});
  if (open_files >= 0 && open_files < options.http.threads + kSpareFiles) {
    log.Log("warn", "open-file limit below --threads: connections beyond it are refused",
            {{"hint", "raise the hard limit (ulimit -Hn, systemd LimitNOFILE=)"}},
            {{"open_files", static_cast<double>(open_files)},
             {"threads", static_cast<double>(options.http.threads)}});
  }
  std::string stamp = library.Stamp();
  absl::Time next_check = absl::Now() + options.watch_interval;
  while (!signals.stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bool reload = signals.reload.exchange(false);
    std::string why = "SIGHUP";
    if (!reload && absl::Now() >= next_check) {
      next_check = absl::Now() + options.watch_interval;
      std::string now_stamp = library.Stamp();
      if (now_stamp != stamp) {
        reload = true;
        why = "file change";
      }
    }
    if (!reload) continue;
    stamp = library.Stamp();
    std::vector<std::string> errors = library.Reload();
    const size_t n = library.Snapshot()->by_name.size();
    service.metrics().RecordReload(errors.empty(), n);
    for (const std::string& e : errors) log.Log("error", "reload rejected", {{"error", e}});
    log.Log(errors.empty() ? "info" : "warn", "reloaded", {{"trigger", why}},
            {{"gates", static_cast<double>(n)},
             {"errors", static_cast<double>(errors.size())}});
  }
  log.Log("info", "stopping", {});
  server->reset();  // waits for the requests being answered
  return kExitPass;
}

}  // namespace aurora
