#include "gates/notifier/action_spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/digest.h"
#include "base/output_file.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace aurora {
namespace {

constexpr std::string_view kSuffix = ".action";
constexpr std::string_view kTempSuffix = ".tmp";
constexpr std::string_view kIncidentSuffix = ".incident";
constexpr std::string_view kIncidentHeader = "aurora-gate incident v1";
constexpr std::string_view kLockName = "lock";
constexpr std::string_view kMemoryDir = "(in memory)";

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}
void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void KeyStr(Writer& w, std::string_view k, std::string_view s) {
  Key(w, k);
  Str(w, s);
}
void KeyInt(Writer& w, std::string_view k, int64_t v) {
  Key(w, k);
  w.Int64(v);
}
int64_t Nanos(absl::Time t) { return absl::ToUnixNanos(t); }
int64_t Millis(absl::Duration d) { return absl::ToInt64Milliseconds(d); }

std::string Errno(std::string_view what, std::string_view path) {
  return absl::StrCat(Sv(what), " ", Sv(path), ": ", std::strerror(errno));
}

bool ValidId(std::string_view id) {
  return !id.empty() && id.size() <= 128 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

absl::Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::UnavailableError(Errno("cannot open spool", dir));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return absl::UnavailableError(Errno("cannot fsync spool", dir));
  return absl::OkStatus();
}

// Field readers for ParseSpoolRecord: false (and *why set) when missing or
// of the wrong type.
struct Reader {
  const rapidjson::Value& obj;
  std::string why;
  const rapidjson::Value* Get(const char* name) {
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd()) {
      if (why.empty()) why = absl::StrCat("missing field \"", name, "\"");
      return nullptr;
    }
    return &it->value;
  }
  std::string String(const char* name) {
    const rapidjson::Value* v = Get(name);
    if (v == nullptr) return "";
    if (!v->IsString()) {
      if (why.empty()) why = absl::StrCat("field \"", name, "\": not a string");
      return "";
    }
    return std::string(v->GetString(), v->GetStringLength());
  }
  int64_t Int(const char* name) {
    const rapidjson::Value* v = Get(name);
    if (v == nullptr) return 0;
    if (!v->IsInt64()) {
      if (why.empty())
        why = absl::StrCat("field \"", name, "\": not an integer");
      return 0;
    }
    return v->GetInt64();
  }
};

}  // namespace

std::string SerializeSpoolRecord(const SpoolRecord& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  KeyStr(w, "id", r.id);
  KeyStr(w, "action", r.action);
  KeyStr(w, "gate", r.gate);
  KeyStr(w, "on", r.on);
  KeyStr(w, "idempotency_key", r.idempotency_key);
  KeyStr(w, "kind", r.kind);
  Key(w, "request");
  w.StartObject();
  KeyStr(w, "method", r.request.method);
  auto stored = [&r](const std::string& field, const std::string& value) {
    auto it = r.templates.find(field);
    return it == r.templates.end() ? value : it->second;
  };
  KeyStr(w, "url", stored("url", r.request.url));
  Key(w, "headers");
  w.StartArray();
  for (const HttpHeader& h : r.request.headers) {
    w.StartArray();
    Str(w, h.name);
    Str(w, stored("header:" + h.name, h.value));
    w.EndArray();
  }
  w.EndArray();
  KeyStr(w, "body", r.request.body);
  KeyInt(w, "timeout_ms", Millis(r.request.timeout));
  KeyInt(w, "connect_timeout_ms", Millis(r.request.connect_timeout));
  w.EndObject();
  Key(w, "argv");
  w.StartArray();
  for (size_t i = 0; i < r.argv.size(); ++i) {
    Str(w, stored(absl::StrCat("argv:", i), r.argv[i]));
  }
  w.EndArray();
  Key(w, "env");
  w.StartObject();
  for (const auto& [k, v] : r.env) KeyStr(w, k, v);
  w.EndObject();
  KeyStr(w, "stdin", r.stdin_data);
  KeyInt(w, "exec_timeout_ms", Millis(r.exec_timeout));
  KeyInt(w, "attempts", r.attempts);
  KeyInt(w, "max_attempts", r.max_attempts);
  KeyInt(w, "created", Nanos(r.created));
  KeyInt(w, "deadline", Nanos(r.deadline));
  KeyInt(w, "next_attempt", Nanos(r.next_attempt));
  KeyStr(w, "state",
         r.state == SpoolRecord::State::kPending ? "pending" : "failed");
  KeyStr(w, "last_error", r.last_error);
  Key(w, "templates");
  w.StartObject();
  for (const auto& [k, v] : r.templates) KeyStr(w, k, v);
  w.EndObject();
  w.EndObject();
  return absl::StrCat(Sv(kSpoolHeader), "\n", buffer.GetString(), "\n");
}

absl::StatusOr<SpoolRecord> ParseSpoolRecord(std::string_view text) {
  size_t eol = text.find('\n');
  std::string_view header = text.substr(0, eol);
  if (header != kSpoolHeader) {
    if (absl::StartsWith(Sv(header), "aurora-gate spool v")) {
      return absl::DataLossError(
          absl::StrCat("unsupported spool record version \"", Sv(header),
                       "\" (this build reads \"", Sv(kSpoolHeader), "\")"));
    }
    return absl::DataLossError(absl::StrCat(
        "not a spool record (first line is not \"", Sv(kSpoolHeader), "\")"));
  }
  if (eol == std::string_view::npos) {
    return absl::DataLossError(
        "truncated spool record: no JSON after the header");
  }
  std::string json(text.substr(eol + 1));
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::DataLossError(absl::StrCat(
        "corrupt spool record: invalid JSON at offset ", doc.GetErrorOffset()));
  }
  SpoolRecord r;
  Reader rd{doc, ""};
  r.id = rd.String("id");
  r.action = rd.String("action");
  // Optional: records spooled before these fields existed lack them.
  if (doc.HasMember("gate") && doc["gate"].IsString()) r.gate = doc["gate"].GetString();
  if (doc.HasMember("on") && doc["on"].IsString()) r.on = doc["on"].GetString();
  r.idempotency_key = rd.String("idempotency_key");
  r.kind = rd.String("kind");
  if (const rapidjson::Value* req = rd.Get("request");
      req != nullptr && req->IsObject()) {
    Reader q{*req, ""};
    r.request.method = q.String("method");
    r.request.url = q.String("url");
    if (const rapidjson::Value* hs = q.Get("headers");
        hs != nullptr && hs->IsArray()) {
      for (const auto& h : hs->GetArray()) {
        if (!h.IsArray() || h.Size() != 2 || !h[0].IsString() ||
            !h[1].IsString()) {
          q.why = "field \"headers\": expected [name, value] pairs";
          break;
        }
        r.request.headers.push_back({h[0].GetString(), h[1].GetString()});
      }
    }
    r.request.body = q.String("body");
    r.request.timeout = absl::Milliseconds(q.Int("timeout_ms"));
    r.request.connect_timeout = absl::Milliseconds(q.Int("connect_timeout_ms"));
    if (!q.why.empty() && rd.why.empty()) rd.why = "request: " + q.why;
  } else if (rd.why.empty()) {
    rd.why = "field \"request\": not an object";
  }
  if (const rapidjson::Value* a = rd.Get("argv");
      a != nullptr && a->IsArray()) {
    for (const auto& v : a->GetArray()) {
      if (v.IsString()) r.argv.push_back(v.GetString());
    }
  }
  if (const rapidjson::Value* e = rd.Get("env");
      e != nullptr && e->IsObject()) {
    for (const auto& m : e->GetObject()) {
      if (m.value.IsString()) r.env[m.name.GetString()] = m.value.GetString();
    }
  }
  if (doc.HasMember("templates") && doc["templates"].IsObject()) {
    for (const auto& m : doc["templates"].GetObject()) {
      if (m.value.IsString()) r.templates[m.name.GetString()] = m.value.GetString();
    }
  }
  r.stdin_data = rd.String("stdin");
  r.exec_timeout = absl::Milliseconds(rd.Int("exec_timeout_ms"));
  r.attempts = static_cast<int>(rd.Int("attempts"));
  r.max_attempts = static_cast<int>(rd.Int("max_attempts"));
  r.created = absl::FromUnixNanos(rd.Int("created"));
  r.deadline = absl::FromUnixNanos(rd.Int("deadline"));
  r.next_attempt = absl::FromUnixNanos(rd.Int("next_attempt"));
  const std::string state = rd.String("state");
  r.last_error = rd.String("last_error");
  if (rd.why.empty()) {
    if (state == "pending") {
      r.state = SpoolRecord::State::kPending;
    } else if (state == "failed") {
      r.state = SpoolRecord::State::kFailed;
    } else {
      rd.why = absl::StrCat(
          "field \"state\": expected pending or failed, got \"", state, "\"");
    }
  }
  if (rd.why.empty() && !ValidId(r.id)) rd.why = "field \"id\": not a hex id";
  if (rd.why.empty() && r.kind != "http" && r.kind != "exec") {
    rd.why = absl::StrCat("field \"kind\": expected http or exec, got \"",
                          r.kind, "\"");
  }
  if (!rd.why.empty()) {
    return absl::DataLossError(absl::StrCat("corrupt spool record: ", rd.why));
  }
  return r;
}

absl::StatusOr<HttpRequest> ResolveRequest(const SpoolRecord& record,
                                           const VarLookup& vars) {
  HttpRequest req = record.request;
  auto expand = [&](const std::string& field, std::string* value) -> absl::Status {
    auto it = record.templates.find(field);
    if (it == record.templates.end()) return absl::OkStatus();
    size_t off = 0;
    std::vector<std::string> used;
    absl::StatusOr<std::string> v = ExpandVars(it->second, vars, &off, &used);
    if (!v.ok()) {
      // The template names variables, not values: safe to show.
      return absl::FailedPreconditionError(absl::StrCat(
          field, ": ", v.status().message(),
          " (the spool keeps where secrets come from, not their values: set "
          "it and run aurora-gate spool retry)"));
    }
    *value = *std::move(v);
    return absl::OkStatus();
  };
  if (absl::Status s = expand("url", &req.url); !s.ok()) return s;
  for (HttpHeader& h : req.headers) {
    if (absl::Status s = expand("header:" + h.name, &h.value); !s.ok()) return s;
  }
  return req;
}

absl::StatusOr<std::vector<std::string>> ResolveArgv(const SpoolRecord& record,
                                                     const VarLookup& vars) {
  std::vector<std::string> argv = record.argv;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string field = absl::StrCat("argv:", i);
    auto it = record.templates.find(field);
    if (it == record.templates.end()) continue;
    size_t off = 0;
    absl::StatusOr<std::string> v = ExpandVars(it->second, vars, &off);
    if (!v.ok()) {
      // The template names variables, not values: safe to show.
      return absl::FailedPreconditionError(absl::StrCat(
          field, ": ", v.status().message(),
          " (the spool keeps where secrets come from, not their values: set "
          "it and run aurora-gate spool retry)"));
    }
    argv[i] = *std::move(v);
  }
  return argv;
}

absl::StatusOr<Spool> Spool::Open(std::string dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat(
          "cannot create spool directory ", dir, ": ", ec.message()));
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    return absl::UnavailableError(Errno("cannot stat spool directory", dir));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("spool directory ", dir, " is not a directory"));
  }
  if ((st.st_mode & 07777) != 0700) {
    if (st.st_uid != ::geteuid() || ::chmod(dir.c_str(), 0700) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "spool directory ", dir, " has mode ",
          absl::StrFormat("%04o", st.st_mode & 07777),
          " and cannot be narrowed to 0700 (it may hold secrets)"));
    }
  }
  // The lock: created (so a read-only directory is found unusable here,
  // before any action depends on it) and held for the life of the Spool.
  const std::string lock_path = absl::StrCat(dir, "/", Sv(kLockName));
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(Errno("cannot create the spool lock", lock_path));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    ::close(fd);
    if (e == EWOULDBLOCK) {
      std::string pid(buf, n > 0 ? static_cast<size_t>(n) : 0);
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      return absl::AbortedError(absl::StrCat(
          "spool directory ", dir, " is in use by another aurora-gate",
          pid.empty() ? "" : absl::StrCat(" (pid ", pid, ")"),
          "; give each watcher its own --spool-dir"));
    }
    errno = e;
    return absl::UnavailableError(Errno("cannot lock the spool", lock_path));
  }
  const std::string pid = absl::StrCat(::getpid(), "\n");
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    std::string msg = Errno("cannot write the spool lock", lock_path);
    ::close(fd);
    return absl::UnavailableError(msg);
  }
  // Temp files are from writes a crash interrupted: never renamed, so never
  // part of the spool. Only the lock's owner sweeps them (another process
  // may be writing one).
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    std::string msg = Errno("cannot read spool directory", dir);
    ::close(fd);
    return absl::UnavailableError(msg);
  }
  bool removed = false;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    // ".tmp": records written before base/output_file.h wrote them.
    if (IsTemporaryName(name) || absl::EndsWith(Sv(name), Sv(kTempSuffix))) {
      ::unlink(absl::StrCat(dir, "/", Sv(name)).c_str());
      removed = true;
    }
  }
  ::closedir(d);
  if (removed) {
    if (absl::Status s = SyncDir(dir); !s.ok()) {
      ::close(fd);
      return s;
    }
  }
  Spool spool(std::move(dir));
  spool.lock_fd_ = fd;
  return spool;
}

absl::StatusOr<Spool> Spool::OpenReadOnly(std::string dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat("spool directory ", dir, " does not exist"));
    }
    return absl::UnavailableError(Errno("cannot stat spool directory", dir));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("spool directory ", dir, " is not a directory"));
  }
  return Spool(std::move(dir));
}

struct Spool::Memory {
  std::mutex mu;
  std::map<std::string, std::string> files;  // path -> content
};

Spool Spool::InMemory() {
  Spool spool{std::string(kMemoryDir)};
  spool.memory_ = std::make_shared<Memory>();
  return spool;
}

Spool::Spool(Spool&& other) noexcept
    : dir_(std::move(other.dir_)),
      lock_fd_(std::exchange(other.lock_fd_, -1)),
      memory_(std::move(other.memory_)) {}

Spool& Spool::operator=(Spool&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    dir_ = std::move(other.dir_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
    memory_ = std::move(other.memory_);
  }
  return *this;
}

Spool::~Spool() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

bool IsSpoolLocked(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted;
}

absl::StatusOr<std::optional<std::string>> Spool::ReadText(
    const std::string& path) const {
  if (memory_) {
    std::lock_guard<std::mutex> lock(memory_->mu);
    auto it = memory_->files.find(path);
    if (it == memory_->files.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return absl::UnavailableError(Errno("cannot read", path));
  }
  std::string text;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) {
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(text));
}

absl::StatusOr<std::vector<std::string>> Spool::Names(
    std::string_view suffix) const {
  std::vector<std::string> names;
  if (memory_) {
    std::lock_guard<std::mutex> lock(memory_->mu);
    for (const auto& [path, text] : memory_->files) {
      std::string name = path.substr(dir_.size() + 1);
      if (absl::EndsWith(name, Sv(suffix))) names.push_back(name);
    }
    return names;
  }
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) {
    return absl::UnavailableError(Errno("cannot read spool directory", dir_));
  }
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (absl::EndsWith(Sv(name), Sv(suffix))) names.emplace_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status Spool::Unlink(const std::string& path) {
  if (memory_) {
    std::lock_guard<std::mutex> lock(memory_->mu);
    memory_->files.erase(path);
    return absl::OkStatus();
  }
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::UnavailableError(Errno("cannot remove", path));
  }
  return SyncDir(dir_);
}

absl::StatusOr<SpoolRecord> Spool::Get(std::string_view id) const {
  if (!ValidId(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", Sv(id), "\" is not a spool record id (hex digits)"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> text, ReadText(PathOf(id)));
  if (!text.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no action ", Sv(id), " in the spool ", dir_));
  }
  absl::StatusOr<SpoolRecord> r = ParseSpoolRecord(*text);
  if (!r.ok()) {
    return absl::DataLossError(absl::StrCat(PathOf(id), ": ", r.status().message()));
  }
  return r;
}


std::string Spool::PathOf(std::string_view id) const {
  return absl::StrCat(dir_, "/", Sv(id), Sv(kSuffix));
}

absl::StatusOr<bool> Spool::Add(const SpoolRecord& record) {
  if (!ValidId(record.id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("spool record id \"", record.id, "\" is not hex"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> existing,
                   ReadText(PathOf(record.id)));
  if (existing.has_value()) return false;
  if (absl::Status s = Put(record); !s.ok()) return s;
  return true;
}

absl::Status Spool::Put(const SpoolRecord& record) {
  if (!ValidId(record.id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("spool record id \"", record.id, "\" is not hex"));
  }
  return WriteAtomically(PathOf(record.id), SerializeSpoolRecord(record));
}

absl::Status Spool::WriteAtomically(const std::string& path,
                                    const std::string& data) const {
  if (memory_) {
    std::lock_guard<std::mutex> lock(memory_->mu);
    memory_->files[path] = data;
    return absl::OkStatus();
  }
  // Records may name webhook URLs: readable by their owner only.
  if (absl::Status s = ReplaceFileDurably(path, data, 0600); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot write spool record: ", s.message()));
  }
  return absl::OkStatus();
}

std::string Spool::IncidentPath(std::string_view gate_key) const {
  return absl::StrCat(dir_, "/", Sha256Hex(gate_key), Sv(kIncidentSuffix));
}

absl::Status Spool::PutIncident(std::string_view gate_key,
                                const OpenIncident& incident) {
  std::string text = absl::StrCat(Sv(kIncidentHeader), "\n", incident.on, "\n",
                                  absl::ToUnixNanos(incident.start), "\n");
  for (const std::string& rule : incident.rules) absl::StrAppend(&text, rule, "\n");
  return WriteAtomically(IncidentPath(gate_key), text);
}

absl::StatusOr<std::optional<OpenIncident>> Spool::LoadIncident(
    std::string_view gate_key) const {
  const std::string path = IncidentPath(gate_key);
  ASSIGN_OR_RETURN(std::optional<std::string> text, ReadText(path));
  if (!text.has_value()) return std::optional<OpenIncident>();
  std::istringstream in(*text);
  std::string header, on, start;
  OpenIncident incident;
  int64_t nanos = 0;
  if (!std::getline(in, header) || header != kIncidentHeader ||
      !std::getline(in, on) || !std::getline(in, start) ||
      !absl::SimpleAtoi(start, &nanos)) {
    return absl::DataLossError(
        absl::StrCat(path, ": not an aurora-gate incident file (expected \"",
                     Sv(kIncidentHeader), "\", a transition and a time)"));
  }
  incident.on = on;
  incident.start = absl::FromUnixNanos(nanos);
  for (std::string rule; std::getline(in, rule);) {
    if (!rule.empty()) incident.rules.push_back(rule);
  }
  return std::optional<OpenIncident>(std::move(incident));
}

absl::Status Spool::RemoveIncident(std::string_view gate_key) {
  return Unlink(IncidentPath(gate_key));
}

absl::Status Spool::Remove(std::string_view id) { return Unlink(PathOf(id)); }
absl::StatusOr<std::vector<SpoolRecord>> Spool::LoadPending(
    std::vector<std::string>* problems) const {
  return Load(SpoolRecord::State::kPending, problems);
}

absl::StatusOr<std::vector<SpoolRecord>> Spool::LoadFailed(
    std::vector<std::string>* problems) const {
  return Load(SpoolRecord::State::kFailed, problems);
}

absl::StatusOr<std::vector<SpoolRecord>> Spool::Load(
    SpoolRecord::State state, std::vector<std::string>* problems) const {
  ASSIGN_OR_RETURN(std::vector<std::string> names, Names(kSuffix));
  std::vector<SpoolRecord> out;
  for (const std::string& name : names) {
    const std::string path = absl::StrCat(dir_, "/", name);
    auto problem = [&](std::string_view why) {
      if (problems != nullptr) {
        problems->push_back(absl::StrCat(path, ": ", Sv(why)));
      }
    };
    absl::StatusOr<std::optional<std::string>> read = ReadText(path);
    if (!read.ok()) {
      problem(Sv(read.status().message()));
      continue;
    }
    if (!read->has_value()) continue;
    const std::string& text = **read;
    absl::StatusOr<SpoolRecord> r = ParseSpoolRecord(text);
    if (!r.ok()) {
      problem(Sv(r.status().message()));
      continue;
    }
    if (name != absl::StrCat(r->id, Sv(kSuffix))) {
      problem(absl::StrCat("record id \"", r->id,
                           "\" does not match the file name"));
      continue;
    }
    if (r->state == state) out.push_back(*std::move(r));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SpoolRecord& a, const SpoolRecord& b) {
                     return a.created < b.created;
                   });
  return out;
}

}  // namespace aurora
