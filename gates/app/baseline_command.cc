#include "gates/app/baseline_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/digest.h"
#include "base/file_reader.h"
#include "base/output_file.h"
#include "base/strings.h"
#include "gates/app/command_support.h"
#include "gates/core/run_gate.h"
#include "gates/core/source_cache.h"
#include "gates/app/version.h"
#include "gates/core/baseline_history_dir.h"
#include "gates/app/push_metrics.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "rules/outcome.h"

namespace aurora {
namespace {

struct Candidate {
  const GateFile* gate;
  const SourceSpec* source;
};

// mkdir -p of the directory part of `path`.
absl::Status MakeParentDirs(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
      return absl::ErrnoToStatus(errno, absl::StrCat(dir, ": cannot create "
                                                     "directory"));
    }
  }
  return absl::OkStatus();
}

std::string Sidecar(const Candidate& c, absl::Time now, const std::string& commit,
                    const std::string& verdict, const std::string& content) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  auto str = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("schema", "aurora-gate/baseline/v1");
  str("promoted_at", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone()));
  str("commit", commit);
  str("gate_file", c.gate->path);
  str("source", c.source->name);
  str("artifact", c.source->path);
  str("verdict", verdict);
  str("sha256", Sha256Hex(content));
  w.Key("bytes");
  w.Uint64(content.size());
  str("tool_version", kVersion);
  w.EndObject();
  return std::string(b.GetString()) + "\n";
}

// The gate with only the rules that read `source` (live rules never do).
GateFile OnlyRulesOf(const GateFile& gate, const std::string& source) {
  GateFile g = gate;
  for (RuleGroup& group : g.groups) {
    std::vector<Rule> kept;
    for (Rule& r : group.rules) {
      if (r.source == source && r.kind != Rule::Kind::kRecord) kept.push_back(std::move(r));
    }
    group.rules = std::move(kept);
  }
  return g;
}

// Removes the oldest entries of `history` (and their sidecars) beyond its
// `keep`; returns how many remain.
absl::StatusOr<int> PruneHistory(FileReader& files, const BaselineHistory& history) {
  absl::StatusOr<std::vector<std::string>> entries = ListHistory(files, history.dir);
  if (!entries.ok()) return entries.status();
  const size_t keep = static_cast<size_t>(history.keep);
  for (size_t i = 0; i + keep < entries->size(); ++i) {
    const std::string& old = (*entries)[i];
    for (const std::string& path : {old, absl::StrCat(old, ".meta.json")}) {
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return absl::ErrnoToStatus(errno, absl::StrCat(path, ": cannot remove"));
      }
    }
  }
  return static_cast<int>(std::min(entries->size(), keep));
}

// The gates cut down to their file artifact sources (what `baseline update`
// reads; no command is run, no endpoint asked) and the rules and publish:
// metrics that read them.
std::vector<GateFile> FileArtifactsOnly(const std::vector<GateFile>& gates) {
  std::vector<GateFile> out;
  for (const GateFile& gate : gates) {
    GateFile g = gate;
    for (auto it = g.sources.begin(); it != g.sources.end();) {
      it = it->second.reads_file() ? std::next(it) : g.sources.erase(it);
    }
    for (RuleGroup& group : g.groups) {
      std::vector<Rule> kept;
      for (Rule& r : group.rules) {
        if (g.sources.count(r.source) > 0) kept.push_back(std::move(r));
      }
      group.rules = std::move(kept);
    }
    std::vector<PublishSpec> publish;
    for (PublishSpec& p : g.publish) {
      if (g.sources.count(p.source) > 0) publish.push_back(std::move(p));
    }
    g.publish = std::move(publish);
    out.push_back(std::move(g));
  }
  return out;
}

// `baseline update --push`: the run's artifact samples, verdicts and
// publish: metrics to the Pushgateway, as `check --push` sends them.
bool PushArtifactRun(const std::vector<GateFile>& all, SourceCache& cache,
                     absl::Time now, const PushTarget& target, bool optional,
                     const CommandEnv& env) {
  const std::vector<GateFile> gates = FileArtifactsOnly(all);
  RunResult run;
  run.gates = RunGates(gates, cache, nullptr, now);
  run.verdict = RunVerdict(run.gates);
  run.eval_time = now;
  run.started = now;
  const std::string body = PushExposition(gates, run, cache);
  absl::StatusOr<std::unique_ptr<HttpClient>> client = env.make_http_client(target.tls);
  absl::Status pushed = client.ok() ? PushToGateway(target, body, **client) : client.status();
  if (pushed.ok()) {
    *env.err << "aurora-gate: pushed the run's metrics to " << RedactUrl(target.url)
             << PushPath(target) << "\n";
    return true;
  }
  *env.err << "aurora-gate: " << (optional ? "warning" : "error") << ": push to "
           << RedactUrl(target.url) << " failed: " << pushed.message()
           << (optional ? " (--push-optional)" : "") << "\n";
  return false;
}

}  // namespace

int RunBaselineUpdate(const BaselineOptions& options, const CommandEnv& env) {
  if (options.gate_files.empty()) {
    *env.err << "aurora-gate baseline update: no gate file given (see "
                "aurora-gate baseline --help)\n";
    return kExitUsage;
  }
  VarLookup vars = SettingsThenEnvironment(options.settings);
  std::vector<GateFile> gates;
  if (!LoadAll(options.gate_files, vars, env, &gates)) {
    *env.err << "aurora-gate: gate file errors; no baseline was changed\n";
    return kExitUsage;
  }
  std::vector<Candidate> candidates;
  std::set<std::pair<std::string, std::string>> seen;  // (artifact, baseline)
  for (const GateFile& g : gates) {
    for (const auto& [name, s] : g.sources) {
      if (!s.is_artifact() || (s.baseline.empty() && !s.history)) continue;
      const std::string target = s.history ? s.history->dir + "/" : s.baseline;
      if (seen.insert({s.path, target}).second) candidates.push_back({&g, &s});
    }
  }
  if (candidates.empty()) {
    *env.err << "aurora-gate baseline update: no artifact source of "
             << absl::StrJoin(options.gate_files, ", ")
             << " has a baseline: nothing to update\n";
    return kExitUsage;
  }
  const absl::Time now = env.clock->Now();
  SourceCache cache(*env.files);
  int code = kExitPass;
  for (const Candidate& c : candidates) {
    const SourceSpec& s = *c.source;
    const std::string what =
        absl::StrCat(s.path, " -> ",
                     s.history ? absl::StrCat(s.history->dir, "/ (history, keep ",
                                              s.history->keep, ")")
                               : s.baseline);
    if (!s.paths.empty() || HasGlobChars(s.path)) {
      *env.out << "error    " << what << ": the source reads several files "
               << "(a glob or a list); a baseline is one file\n";
      code = std::max(code, kExitUndecided);
      continue;
    }
    // The artifact's own rules decide whether it may become the baseline.
    GateResult result = RunGate(OnlyRulesOf(*c.gate, s.name), cache, nullptr, now);
    std::vector<std::string> bad;
    for (const RuleResult& r : result.rules) {
      if (r.dry_run) continue;
      // No baseline yet is what promoting fixes (the first run of a history).
      if (r.baseline_missing && r.outcome == Outcome::kInconclusive) continue;
      if (r.outcome == Outcome::kFail || r.outcome == Outcome::kError ||
          r.outcome == Outcome::kInconclusive) {
        bad.push_back(absl::StrCat(r.name, " ", Sv(OutcomeName(r.outcome)), ": ", r.reason));
      }
    }
    const std::string verdict =
        bad.empty() ? "pass" : absl::StrCat("not pass (", bad.size(), " rule",
                                            bad.size() == 1 ? "" : "s",
                                            ", promoted with --force)");
    if (!bad.empty() && !options.force) {
      *env.out << "refused  " << what << ": its rules do not pass ("
               << absl::StrJoin(bad, "; ") << "); --force promotes it anyway\n";
      code = std::max(code, kExitFail);
      continue;
    }
    absl::StatusOr<std::string> content = env.files->ReadFile(s.path);
    if (!content.ok()) {
      *env.out << "error    " << what << ": " << content.status().message() << "\n";
      code = std::max(code, kExitUndecided);
      continue;
    }
    if (options.dry_run) {
      *env.out << "would promote " << what << " (" << content->size()
               << " bytes, sha256 " << Sha256Hex(*content).substr(0, 12) << ")\n";
      continue;
    }
    // A history gets a new entry; a single baseline is replaced.
    const std::string target =
        s.history ? HistoryEntryPath(s.history->dir, now, Sha256Hex(*content), s.path)
                  : s.baseline;
    absl::Status written = MakeParentDirs(target);
    if (written.ok()) written = WriteOutputFile(target, *content);
    if (written.ok()) {
      written = WriteOutputFile(absl::StrCat(target, ".meta.json"),
                                Sidecar(c, now, options.commit, verdict, *content));
    }
    if (!written.ok()) {
      *env.out << "error    " << what << ": " << written.message() << "\n";
      code = std::max(code, kExitUndecided);
      continue;
    }
    std::string history_note;
    if (s.history) {
      absl::StatusOr<int> kept = PruneHistory(*env.files, *s.history);
      if (!kept.ok()) {
        *env.out << "error    " << what << ": promoted as " << target
                 << ", but pruning failed: " << kept.status().message() << "\n";
        code = std::max(code, kExitUndecided);
        continue;
      }
      history_note = absl::StrCat(", as ", target, "; ", *kept, " in the history");
    }
    *env.out << "promoted " << what << " (" << content->size() << " bytes, sha256 "
             << Sha256Hex(*content).substr(0, 12) << (bad.empty() ? "" : ", forced")
             << history_note << ")\n";
  }
  if (options.dry_run) {
    *env.err << "aurora-gate: dry run: no baseline was changed"
             << (options.push.url.empty() ? "" : "; nothing was pushed") << "\n";
    return code;
  }
  if (!options.push.url.empty() &&
      !PushArtifactRun(gates, cache, now, options.push, options.push_optional, env) &&
      !options.push_optional && code == kExitPass) {
    code = kExitUndecided;
  }
  return code;
}

}  // namespace aurora
