#include "gates/core/source_cache.h"

#include <memory>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "base/run_exec.h"
#include "queries/source_auth.h"
#include "base/strings.h"
#include "evaluator/baseline_history.h"
#include "gates/core/baseline_history_dir.h"
#include "queries/command_source.h"
#include "queries/env_source.h"
#include "queries/artifact_source.h"
#include "queries/http_source.h"
#include "queries/json_values_reader.h"

namespace aurora {
namespace {

// What makes two sources read the same data.
std::string KeyOf(const SourceSpec& s, const std::string& path) {
  std::string key = absl::StrCat(Sv(SourceTypeName(s.type)), "\x1f", path);
  if (s.is_http()) {
    absl::StrAppend(&key, "\x1f", s.method, "\x1f", s.url, "\x1f", s.body,
                    "\x1f", s.bearer_token_file, "\x1f",
                    s.basic_auth_username, "\x1f", s.basic_auth_password_file,
                    "\x1f", absl::FormatDuration(s.timeout), "\x1f", s.ca_file,
                    "\x1f", s.cert_file, "\x1f", s.key_file, "\x1f",
                    s.insecure_skip_verify ? "k" : "-");
    for (const auto& [k, v] : s.headers) absl::StrAppend(&key, "\x1f", k, "=", v);
  }
  if (s.type == SourceType::kMutation || s.type == SourceType::kSecurity) {
    absl::StrAppend(&key, "\x1f", s.module_depth);
    for (const auto& i : s.ignore) {
      absl::StrAppend(&key, "\x1e", i.id, "\x1f", i.path, "\x1f",
                      i.expires ? absl::FormatCivilTime(*i.expires) : "");
    }
  }
  for (const auto& a : s.argv) absl::StrAppend(&key, "\x1d", a);
  for (const auto& [k, v] : s.env) absl::StrAppend(&key, "\x1d", k, "=", v);
  absl::StrAppend(&key, "\x1d", s.dir);
  for (const auto& r : s.required) absl::StrAppend(&key, "\x1c", r);
  for (const auto& [k, v] : s.patterns) absl::StrAppend(&key, "\x1c", k, "=", v);
  for (const auto& v : s.values) {
    absl::StrAppend(&key, "\x1e", v.metric, "\x1f", v.pointer.text, "\x1f",
                    JsonReduceName(v.reduce), "\x1f", v.match);
  }
  return key;
}

// Runs a command source's argv (no shell) and turns the run into samples.
// A command that cannot start, times out (its process group is killed) or
// dies of a signal is an error naming argv[0] only (the other arguments may
// hold secrets).
absl::StatusOr<ArtifactData> RunCommandSource(const SourceSpec& source) {
  ExecRequest request;
  request.argv = source.argv;
  request.env = source.env;
  request.dir = source.dir;
  request.timeout = source.timeout;
  request.stderr_apart = true;
  request.max_output = source.max_output;
  ASSIGN_OR_RETURN(ExecResult run, RunExec(request));
  const std::string& program = source.argv[0];
  if (run.timed_out || run.signal != 0) {
    return absl::UnavailableError(absl::StrCat(
        "command ", program, ": ", run.Describe(), "; not a result"));
  }
  CommandRun done;
  done.exit_code = run.exit_code;
  done.elapsed = run.elapsed;
  done.stdout_text = std::move(run.output);
  done.stdout_truncated = run.output_truncated;
  done.stderr_text = std::move(run.errors);
  return CommandSamples(source, done);
}

}  // namespace

const absl::StatusOr<ArtifactData>& SourceCache::Read(const SourceSpec& source,
                                                      const std::string& path) {
  std::string key = KeyOf(source, path);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  if (source.is_http()) {
    PrefetchHttp({&source});
    return cache_.at(key);
  }
  absl::StatusOr<ArtifactData> data;
  if (source.type == SourceType::kEnv) {
    data = ReadEnvSource(source, ProcessEnvironment());
  } else if (source.type == SourceType::kCommand) {
    data = RunCommandSource(source);
  } else if (source.type == SourceType::kJson) {
    absl::StatusOr<std::string> content = reader_.ReadFile(path);
    data = content.ok() ? ParseJsonValues(*content, path, source.values)
                        : absl::StatusOr<ArtifactData>(content.status());
  } else {
    data = ReadSourceArtifact(source, path, reader_, absl::Now());
  }
  return cache_.emplace(key, std::move(data)).first->second;
}

void SourceCache::PrefetchHttp(const std::vector<const SourceSpec*>& sources) {
  using ClientKey = std::tuple<std::string, std::string, std::string, bool>;
  struct Pending {
    const SourceSpec* source;
    std::string key;
    HttpRequest request;
  };
  std::map<ClientKey, std::pair<HttpClientOptions, std::vector<Pending>>> plan;
  for (const SourceSpec* s : sources) {
    std::string key = KeyOf(*s, "");
    if (!s->is_http() || cache_.count(key)) continue;
    if (http_ == nullptr) {
      cache_.emplace(key, absl::FailedPreconditionError(
                              "no HTTP client in this run"));
      continue;
    }
    absl::StatusOr<std::vector<HttpHeader>> auth =
        SourceHeaders(*s, *http_->files);
    if (!auth.ok()) {
      cache_.emplace(key, auth.status());
      continue;
    }
    // Placeholder so a source listed twice is fetched once.
    cache_.emplace(key, absl::UnknownError("not fetched"));
    HttpClientOptions o = SourceClientOptions(*s, http_->max_concurrency);
    o.max_response_bytes = http_->max_response_bytes;
    auto& slot = plan[{o.ca_file, o.client_cert_file, o.client_key_file,
                       o.insecure_skip_verify}];
    slot.first = o;
    slot.second.push_back({s, key, HttpSourceRequest(*s, *std::move(auth))});
  }
  for (auto& [client_key, entry] : plan) {
    auto& [options, pending] = entry;
    absl::StatusOr<std::unique_ptr<HttpClient>> client =
        http_->make_client(options);
    std::vector<absl::StatusOr<HttpResponse>> responses;
    if (!client.ok()) {
      responses.assign(pending.size(), client.status());
    } else {
      std::vector<HttpRequest> requests;
      for (const auto& p : pending) requests.push_back(p.request);
      responses = (*client)->SendAll(requests);
    }
    for (size_t i = 0; i < pending.size(); ++i) {
      cache_.insert_or_assign(pending[i].key,
                              HttpSourceSamples(*pending[i].source, responses[i]));
    }
  }
}

const absl::StatusOr<ArtifactData>& SourceCache::Artifact(
    const SourceSpec& source) {
  return Read(source, source.path);
}

const absl::StatusOr<ArtifactData>& SourceCache::Baseline(
    const SourceSpec& source) {
  if (!source.history) return Read(source, source.baseline);
  const BaselineHistory& h = *source.history;
  const std::string key = absl::StrCat("history\x1f", KeyOf(source, h.dir),
                                       "\x1f", h.keep, "\x1f",
                                       Sv(CompareName(h.compare)));
  auto found = cache_.find(key);
  if (found != cache_.end()) return found->second;
  absl::StatusOr<ArtifactData> combined = [&]() -> absl::StatusOr<ArtifactData> {
    absl::StatusOr<std::vector<std::string>> entries = ListHistory(reader_, h.dir);
    if (!entries.ok()) return entries.status();
    if (entries->size() > static_cast<size_t>(h.keep)) {
      entries->erase(entries->begin(), entries->end() - h.keep);
    }
    std::vector<const SampleSet*> runs;
    for (const std::string& path : *entries) {
      const absl::StatusOr<ArtifactData>& run = Read(source, path);
      if (!run.ok()) {
        // A broken entry is an error, not a missing baseline.
        return absl::DataLossError(absl::StrCat("baseline history entry ",
                                                run.status().message()));
      }
      runs.push_back(&run->samples);
    }
    ArtifactData out;
    out.samples = CombineHistory(runs, h.compare);
    out.format = h.compare == BaselineHistory::Compare::kLast
                     ? absl::StrCat("the newest of ", runs.size(),
                                    " promoted artifacts in ", h.dir)
                     : absl::StrCat(Sv(CompareName(h.compare)), " of ",
                                    runs.size(), " promoted artifact",
                                    runs.size() == 1 ? "" : "s", " in ", h.dir);
    return out;
  }();
  return cache_.insert_or_assign(key, std::move(combined)).first->second;
}

}  // namespace aurora
