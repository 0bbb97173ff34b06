// File: gates/notifier/action_spool.h
// The crash-safe action spool: every action is written here before it is
// attempted and removed only after it succeeded, so a later run delivers
// what a crash interrupted. One file per action, replaced atomically (temp
// file, fsync, rename, fsync of the directory); directory 0700, files 0600
// (requests may hold secrets). Record format: docs in SerializeSpoolRecord.
// One owner at a time: Open takes an exclusive flock(2) on "<dir>/lock"
// (released by the kernel when the process dies, so kill -9 leaves no stale
// lock). When the directory cannot be used, InMemory() keeps the same
// records in memory only (delivery is still attempted; a crash loses them).
#ifndef AURORA_GATES_NOTIFIER_ACTION_SPOOL_H_
#define AURORA_GATES_NOTIFIER_ACTION_SPOOL_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/http_client.h"
#include "rules/interpolate.h"

namespace aurora {

// The first line of every spool file; the number is the format version.
inline constexpr std::string_view kSpoolHeader = "aurora-gate spool v1";

struct SpoolRecord {
  enum class State { kPending, kFailed };
  std::string id;      // file stem: [0-9a-f]+ (see ActionRecordId)
  std::string action;  // display name, never a secret
  std::string gate;    // the gate's name (may be absent in older records)
  std::string on;      // the transition that fired it: fail, error, ...
  std::string idempotency_key;
  std::string kind;                        // "http" or "exec"
  HttpRequest request;                     // kind http
  // Where secrets come from: "url" or "header:<Name>" -> the value as the
  // gate file wrote it ("Bearer ${TOKEN}"). The spool stores these in place
  // of the values; ResolveRequest expands them again at delivery.
  std::map<std::string, std::string> templates;
  std::vector<std::string> argv;           // kind exec
  std::map<std::string, std::string> env;  // kind exec: added variables
  std::string stdin_data;                  // kind exec
  absl::Duration exec_timeout = absl::Minutes(5);
  int attempts = 0;  // made so far
  int max_attempts = 1;
  absl::Time created;       // when it was spooled
  absl::Time deadline;      // no attempt starts after this
  absl::Time next_attempt;  // not before this
  State state = State::kPending;
  std::string last_error;  // why the last attempt failed (redacted)
};

// "aurora-gate spool v1\n" then one JSON object: id, action,
// gate, on, idempotency_key, kind, request {method, url, headers [[name, value]...],
// body, timeout_ms, connect_timeout_ms}, argv, env, stdin, exec_timeout_ms,
// attempts, max_attempts, created/deadline/next_attempt (Unix ns), state
// ("pending" | "failed"), last_error, templates {field: as written}; then
// "\n". A templated url or header value is stored as its template.
std::string SerializeSpoolRecord(const SpoolRecord& record);
// kDataLoss naming what is wrong (unknown version, bad JSON, missing field).
absl::StatusOr<SpoolRecord> ParseSpoolRecord(std::string_view text);

// The request to send for `record`: its templated fields expanded with
// `vars` (the environment, --set values) now. kFailedPrecondition naming the
// field and the variable (never a value) when one cannot be expanded.
absl::StatusOr<HttpRequest> ResolveRequest(const SpoolRecord& record,
                                           const VarLookup& vars);
// The record's exec argv with its templated arguments (`${TOKEN}` kept in
// the spool instead of the value) expanded again, as ResolveRequest does.
absl::StatusOr<std::vector<std::string>> ResolveArgv(const SpoolRecord& record,
                                                     const VarLookup& vars);

// The incident a watcher opened for a gate and has fired actions for: the
// transition (fail, error, warn), when it began and the rules that tripped
// it. Kept in the spool until the gate is healthy again, so a restarted
// watcher continues the incident (same idempotency key) instead of opening
// a new one.
struct OpenIncident {
  std::string on;
  absl::Time start;
  std::vector<std::string> rules;
};

// Thread-safe: records and incidents may be written from different threads
// (each file is replaced atomically; the in-memory spool has a mutex).
class Spool {
 public:
  // Opens `dir`, creating it (and missing parents) with mode 0700; an
  // existing directory we own is narrowed to 0700; takes the directory's
  // lock. Deletes temp files left by an interrupted write. Errors name the
  // directory; kAborted (IsSpoolLocked) when another process holds the lock,
  // naming its pid.
  static absl::StatusOr<Spool> Open(std::string dir);
  // Reads `dir` as it is, without creating it, locking it or cleaning it
  // (`spool list`, and runs that only report failed actions). kNotFound
  // when it does not exist.
  static absl::StatusOr<Spool> OpenReadOnly(std::string dir);
  // A spool that keeps everything in memory (when the directory is
  // unusable): same behaviour, no durability.
  static Spool InMemory();

  Spool(Spool&& other) noexcept;
  Spool& operator=(Spool&& other) noexcept;
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  ~Spool();  // releases the lock

  // False for InMemory(): records do not survive the process.
  bool durable() const { return memory_ == nullptr; }

  // Writes `record` unless a record with its id is already spooled (pending
  // or failed): true when written, false when it was already there (the
  // same action of the same incident is never spooled twice).
  absl::StatusOr<bool> Add(const SpoolRecord& record);
  // Atomically replaces (or creates) the record's file.
  absl::Status Put(const SpoolRecord& record);
  // Deletes the record's file (and syncs the directory); OK when absent.
  absl::Status Remove(std::string_view id);

  // Records a later run must deliver (state pending), oldest first. A file
  // that cannot be read or parsed is left in place and described in
  // `*problems` ("FILE: why") when given.
  absl::StatusOr<std::vector<SpoolRecord>> LoadPending(
      std::vector<std::string>* problems = nullptr) const;
  // Records whose delivery gave up (state failed), oldest first.
  absl::StatusOr<std::vector<SpoolRecord>> LoadFailed(
      std::vector<std::string>* problems = nullptr) const;

  // The open incident of the gate identified by `gate_key` (its file
  // path): "<sha256(gate_key)>.incident", written atomically like a record.
  // LoadIncident: nullopt when none; kDataLoss naming the file when it is
  // not an incident file.
  absl::Status PutIncident(std::string_view gate_key, const OpenIncident& incident);
  absl::StatusOr<std::optional<OpenIncident>> LoadIncident(
      std::string_view gate_key) const;
  absl::Status RemoveIncident(std::string_view gate_key);

  // A record by id (pending or failed); kNotFound when absent.
  absl::StatusOr<SpoolRecord> Get(std::string_view id) const;

  const std::string& dir() const { return dir_; }
  std::string PathOf(std::string_view id) const;

 private:
  struct Memory;
  explicit Spool(std::string dir) : dir_(std::move(dir)) {}
  // nullopt when the file does not exist.
  absl::StatusOr<std::optional<std::string>> ReadText(const std::string& path) const;
  absl::StatusOr<std::vector<std::string>> Names(std::string_view suffix) const;
  absl::Status Unlink(const std::string& path);
  absl::StatusOr<std::vector<SpoolRecord>> Load(
      SpoolRecord::State state, std::vector<std::string>* problems) const;
  // Temp file, fsync, rename, fsync of the directory.
  absl::Status WriteAtomically(const std::string& path, const std::string& data) const;
  std::string IncidentPath(std::string_view gate_key) const;

  std::string dir_;
  int lock_fd_ = -1;
  std::shared_ptr<Memory> memory_;  // set: InMemory()
};

// Whether `status` (from Spool::Open) says another process holds the lock.
bool IsSpoolLocked(const absl::Status& status);

}  // namespace aurora

#endif  // AURORA_GATES_NOTIFIER_ACTION_SPOOL_H_
