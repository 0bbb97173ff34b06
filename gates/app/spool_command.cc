#include "gates/app/spool_command.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/http_client.h"
#include "gates/notifier/action_sender.h"
#include "gates/notifier/action_spool.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "reports/run_summary.h"

namespace aurora {
namespace {

const char* StateName(SpoolRecord::State s) {
  return s == SpoolRecord::State::kPending ? "pending" : "failed";
}

// Where the action goes, as it may be shown: the redacted URL or argv[0].
std::string Target(const SpoolRecord& r) {
  if (r.kind == "exec") return r.argv.empty() ? "exec" : "exec " + r.argv[0];
  return absl::StrCat(r.request.method, " ", RedactUrl(r.request.url));
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

int List(const SpoolOptions& o, const CommandEnv& env) {
  absl::StatusOr<Spool> spool = Spool::OpenReadOnly(o.spool_dir);
  std::vector<SpoolRecord> records;
  std::vector<std::string> problems;
  if (spool.ok()) {
    for (auto load : {&Spool::LoadPending, &Spool::LoadFailed}) {
      absl::StatusOr<std::vector<SpoolRecord>> got = ((*spool).*load)(&problems);
      if (!got.ok()) {
        *env.err << "aurora-gate spool: " << got.status().message() << "\n";
        return kExitUndecided;
      }
      records.insert(records.end(), got->begin(), got->end());
    }
    problems.erase(std::unique(problems.begin(), problems.end()), problems.end());
    std::stable_sort(records.begin(), records.end(),
                     [](const SpoolRecord& a, const SpoolRecord& b) {
                       return a.created < b.created;
                     });
  } else if (!absl::IsNotFound(spool.status())) {
    *env.err << "aurora-gate spool: " << spool.status().message() << "\n";
    return kExitUndecided;
  }
  if (o.json) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartArray();
    for (const SpoolRecord& r : records) {
      w.StartObject();
      auto str = [&w](const char* k, const std::string& v) {
        w.Key(k);
        w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
      };
      str("id", r.id);
      str("gate", r.gate);
      str("trigger", r.on);
      str("action", r.action);
      str("target", Target(r));
      str("created", Rfc3339Utc(r.created));
      w.Key("attempts");
      w.Int(r.attempts);
      w.Key("max_attempts");
      w.Int(r.max_attempts);
      str("state", StateName(r.state));
      str("last_error", r.last_error);
      str("idempotency_key", r.idempotency_key);
      w.EndObject();
    }
    w.EndArray();
    *env.out << buf.GetString() << "\n";
  } else if (records.empty()) {
    *env.out << "no actions in the spool " << o.spool_dir << "\n";
  } else {
    *env.out << absl::StrFormat("%-32s  %-8s  %-16s  %-8s  %-20s  %-8s  %s\n",
                                "ID", "STATE", "GATE", "TRIGGER", "CREATED",
                                "ATTEMPTS", "LAST ERROR");
    for (const SpoolRecord& r : records) {
      *env.out << absl::StrFormat(
          "%-32s  %-8s  %-16s  %-8s  %-20s  %-8s  %s\n", r.id,
          StateName(r.state), OrDash(r.gate), OrDash(r.on),
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", r.created, absl::UTCTimeZone()),
          absl::StrCat(r.attempts, "/", r.max_attempts),
          OrDash(r.last_error));
      *env.out << "    " << r.action << "\n";
    }
  }
  for (const std::string& p : problems) {
    *env.err << "aurora-gate spool: unreadable record (left in place): " << p << "\n";
  }
  return problems.empty() ? kExitPass : kExitUndecided;
}

// The records `o` names (ids, or every failed one), from the locked spool.
absl::StatusOr<std::vector<SpoolRecord>> Chosen(const SpoolOptions& o,
                                                const Spool& spool) {
  if (o.all_failed) return spool.LoadFailed();
  std::vector<SpoolRecord> out;
  for (const std::string& id : o.ids) {
    absl::StatusOr<SpoolRecord> r = spool.Get(id);
    if (!r.ok()) return r.status();
    out.push_back(*std::move(r));
  }
  return out;
}

}  // namespace

int RunSpool(const SpoolOptions& o, const CommandEnv& env) {
  if (o.action == "list") return List(o, env);
  if (o.action != "retry" && o.action != "drop") {
    *env.err << "aurora-gate spool: expected list, retry or drop, got \""
             << o.action << "\" (see aurora-gate spool --help)\n";
    return kExitUsage;
  }
  if (o.ids.empty() == !o.all_failed) {
    *env.err << "aurora-gate spool " << o.action
             << ": give action ids (from aurora-gate spool list) or "
                "--all-failed\n";
    return kExitUsage;
  }
  absl::StatusOr<Spool> spool = Spool::OpenReadOnly(o.spool_dir);
  if (spool.ok()) spool = Spool::Open(o.spool_dir);  // takes the lock
  if (!spool.ok()) {
    *env.err << "aurora-gate spool " << o.action << ": "
             << spool.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<std::vector<SpoolRecord>> chosen = Chosen(o, *spool);
  if (!chosen.ok()) {
    *env.err << "aurora-gate spool " << o.action << ": "
             << chosen.status().message() << "\n";
    return kExitUsage;
  }
  if (o.action == "drop") {
    int code = kExitPass;
    for (const SpoolRecord& r : *chosen) {
      if (absl::Status st = spool->Remove(r.id); !st.ok()) {
        *env.err << "aurora-gate spool drop: " << st.message() << "\n";
        code = kExitUndecided;
        continue;
      }
      *env.err << "aurora-gate: dropped " << StateName(r.state) << " action "
               << r.id << ": " << r.action << " (" << Target(r) << "), spooled "
               << Rfc3339Utc(r.created) << ", " << r.attempts
               << " attempts, last error: " << OrDash(r.last_error)
               << "; it will not be delivered\n";
    }
    return code;
  }
  // retry: pending again with a fresh budget as long as the first one,
  // the same idempotency key (receivers dedupe), delivered now.
  const absl::Time now = env.clock->Now();
  std::vector<SpoolRecord> again;
  for (SpoolRecord r : *chosen) {
    const absl::Duration budget = std::max(r.deadline - r.created, absl::Seconds(1));
    r.state = SpoolRecord::State::kPending;
    r.attempts = 0;
    r.next_attempt = now;
    r.deadline = now + budget;
    if (absl::Status st = spool->Put(r); !st.ok()) {
      *env.err << "aurora-gate spool retry: " << st.message() << "\n";
      return kExitUndecided;
    }
    *env.err << "aurora-gate: retrying action " << r.id << ": " << r.action
             << " (idempotency key " << r.idempotency_key << ")\n";
    again.push_back(std::move(r));
  }
  absl::StatusOr<std::unique_ptr<HttpClient>> http =
      env.make_http_client(HttpClientOptions{});
  if (!http.ok()) {
    *env.err << "aurora-gate spool retry: " << http.status().message() << "\n";
    return kExitUndecided;
  }
  ActionSender sender(*spool, **http, *env.clock);
  sender.set_observer([&env](const DeliveryAttempt& a) {
    const char* result = a.result == DeliveryAttempt::Result::kDelivered ? "delivered"
                         : a.result == DeliveryAttempt::Result::kRetry   ? "retry"
                                                                         : "failed";
    *env.err << "aurora-gate: action " << a.action << " attempt " << a.attempt
             << ": " << result << (a.detail.empty() ? "" : " (" + a.detail + ")")
             << "\n";
  });
  absl::Status st = sender.Deliver(std::move(again));
  if (!st.ok()) {
    *env.err << "aurora-gate: error: " << st.message() << "\n";
    return kExitUndecided;
  }
  return kExitPass;
}

}  // namespace aurora
