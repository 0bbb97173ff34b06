#include "gates/app/serve/serve_library.h"

#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "rules/gate_loader.h"

namespace aurora {
namespace {

constexpr char kUnsetMarker[] = "is not set and has no default";

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// What a request may not change: every source's and action's settings, as
// one string.
std::string OperatorFingerprint(const GateFile& gate) {
  std::string out;
  for (const auto& [name, s] : gate.sources) {
    absl::StrAppend(&out, name, "\x1f", Sv(SourceTypeName(s.type)), "\x1f", s.path, "\x1f", s.baseline,
                    "\x1f", absl::StrJoin(s.paths, "\x1f"), "\x1f", s.url, "\x1f",
                    s.method, "\x1f", s.body, "\x1f", s.bearer_token_file, "\x1f",
                    s.basic_auth_username, "\x1f", s.basic_auth_password_file,
                    "\x1f", s.ca_file, s.cert_file, s.key_file, "\x1f",
                    absl::StrJoin(s.argv, "\x1f"), "\x1f", s.dir, "\x1f",
                    absl::StrJoin(s.required, ","), "\x1e");
    for (const auto& [k, v] : s.headers) absl::StrAppend(&out, k, "=", v, "\x1f");
    for (const auto& [k, v] : s.env) absl::StrAppend(&out, k, "=", v, "\x1f");
    for (const auto& [k, v] : s.patterns) absl::StrAppend(&out, k, "=", v, "\x1f");
    for (const auto& v : s.values) absl::StrAppend(&out, v.metric, "=", v.match, "\x1f");
  }
  for (const ActionSpec& a : gate.actions) {
    absl::StrAppend(&out, Sv(ActionTriggerName(a.on)), "\x1f", a.kind, "\x1f", absl::StrJoin(a.argv, "\x1f"),
                    "\x1e");
    for (const auto& [k, v] : a.settings) absl::StrAppend(&out, k, "=", v, "\x1f");
  }
  return out;
}

// Another value of the same kind as `v` (a number, a duration, a name, any
// text): where `v` is accepted, so is it, and it differs from `v`.
std::string Stand_in(const std::string& v) {
  double d;
  if (absl::SimpleAtod(v, &d)) return v == "7" ? "8" : "7";
  if (!v.empty() && v[0] >= '0' && v[0] <= '9') return v == "7m" ? "8m" : "7m";
  return v == "zz" ? "zy" : "zz";
}

VarLookup Layered(const std::map<std::string, std::string>& set,
                  const VarLookup& env,
                  std::set<std::string>* missing = nullptr) {
  return [&set, &env, missing](const std::string& name) -> std::optional<std::string> {
    auto it = set.find(name);
    if (it != set.end()) return it->second;
    std::optional<std::string> v = env(name);
    if (!v && missing != nullptr) missing->insert(name);
    return v;
  };
}

bool OnlyUnsetErrors(const LoadedGate& loaded) {
  for (const GateError& e : loaded.errors) {
    if (!absl::StrContains(e.message, kUnsetMarker)) return false;
  }
  return !loaded.errors.empty();
}

}  // namespace

GateLibrary::GateLibrary(std::vector<std::string> roots, FileReader& files,
                         VarLookup env)
    : roots_(std::move(roots)),
      files_(files),
      env_(std::move(env)),
      snapshot_(std::make_shared<LibrarySnapshot>()) {}

std::vector<std::string> GateLibrary::GatePaths(
    std::vector<std::string>* problems) const {
  std::vector<std::string> out;
  for (const std::string& root : roots_) {
    if (!IsDirectory(root)) {
      out.push_back(root);
      continue;
    }
    for (const char* ext : {"/*.yaml", "/*.yml"}) {
      absl::StatusOr<std::vector<std::string>> paths = files_.Glob(root + ext);
      if (paths.ok()) {
        out.insert(out.end(), paths->begin(), paths->end());
      } else if (!absl::IsNotFound(paths.status()) && problems != nullptr) {
        problems->push_back(std::string(paths.status().message()));
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> GateLibrary::Reload() {
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  std::vector<std::string> problems;
  std::shared_ptr<const LibrarySnapshot> old = Snapshot();
  auto next = std::make_shared<LibrarySnapshot>();
  next->generation = old->generation + 1;
  // The previous version of each file, by path, for files that fail now.
  std::map<std::string, const LibraryGate*> old_by_path;
  for (const auto& [name, g] : old->by_name) old_by_path[g.path] = &g;
  auto keep_old = [&](const std::string& path) {
    auto it = old_by_path.find(path);
    if (it == old_by_path.end()) return;
    problems.push_back(absl::StrCat(path, ": the previous version keeps serving"));
    next->by_name[it->second->reference.name] = *it->second;
  };
  for (const std::string& path : GatePaths(&problems)) {
    absl::StatusOr<std::string> text = files_.ReadFileAtMost(path, 16 << 20);
    if (!text.ok()) {
      problems.push_back(std::string(text.status().message()));
      keep_old(path);
      continue;
    }
    std::set<std::string> missing;
    const std::map<std::string, std::string> none;
    LoadedGate loaded = ParseGate(path, *text, Layered(none, env_, &missing));
    LibraryGate g;
    g.path = path;
    g.text = *text;
    if (loaded.ok()) {
      g.reference = std::move(loaded.gate);
    } else if (OnlyUnsetErrors(loaded)) {
      // Needs a request's `set`: the name is what the file says (or its
      // base name), read from the partly loaded model.
      g.reference = std::move(loaded.gate);
      g.needs.assign(missing.begin(), missing.end());
    } else {
      for (const GateError& e : loaded.errors) problems.push_back(e.ToString());
      keep_old(path);
      continue;
    }
    if (g.reference.name.empty()) {
      problems.push_back(absl::StrCat(path, ": no gate name"));
      continue;
    }
    const std::string name = g.reference.name;
    auto [it, inserted] = next->by_name.emplace(name, std::move(g));
    if (!inserted) {
      problems.push_back(absl::StrCat(path, ": gate \"", name,
                                      "\" is also defined by ", it->second.path,
                                      "; the first one is served"));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = std::move(next);
  return problems;
}

std::shared_ptr<const LibrarySnapshot> GateLibrary::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

std::string GateLibrary::Stamp() const {
  std::string out;
  for (const std::string& root : roots_) {
    struct stat st;
    if (::stat(root.c_str(), &st) == 0) {
      absl::StrAppend(&out, root, ":", st.st_size, ":", st.st_mtim.tv_sec, ".",
                      st.st_mtim.tv_nsec, ";");
    }
  }
  for (const std::string& path : GatePaths(nullptr)) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) {
      absl::StrAppend(&out, path, ":", st.st_size, ":", st.st_mtim.tv_sec, ".",
                      st.st_mtim.tv_nsec, ";");
    } else {
      absl::StrAppend(&out, path, ":gone;");
    }
  }
  return out;
}

bool InstantiateGates(const LibrarySnapshot& library, const EvalRequest& request,
                      const VarLookup& env, std::vector<GateFile>* out,
                      ApiError* error) {
  for (size_t i = 0; i < request.gates.size(); ++i) {
    auto it = library.by_name.find(request.gates[i]);
    if (it == library.by_name.end()) {
      error->status = 404;
      error->field = absl::StrCat("gates[", i, "]");
      error->message = absl::StrCat("no gate named \"", request.gates[i],
                                    "\" (GET /api/v1/gates lists them)");
      return false;
    }
    const LibraryGate& g = it->second;
    std::set<std::string> missing;
    LoadedGate loaded = ParseGate(g.path, g.text, Layered(request.set, env, &missing));
    if (!loaded.ok()) {
      error->status = 400;
      const std::string message = loaded.errors.front().message;
      error->message = absl::StrCat("gate \"", g.reference.name, "\": ", message);
      error->field = "set";
      if (absl::StrContains(message, kUnsetMarker) && !missing.empty()) {
        error->field = absl::StrCat("set.", *missing.begin());
      } else {
        for (const auto& [name, value] : request.set) {
          if (absl::StrContains(message, absl::StrCat("${", name))) {
            error->field = absl::StrCat("set.", name);
            break;
          }
        }
        // The message names no variable (e.g. a criterion that is no
        // number): the value without which the file loads is at fault.
        for (const auto& [name, value] : request.set) {
          if (error->field != "set") break;
          std::map<std::string, std::string> without = request.set;
          without.erase(name);
          if (ParseGate(g.path, g.text, Layered(without, env)).ok()) {
            error->field = absl::StrCat("set.", name);
          }
        }
      }
      return false;
    }
    // A value that reaches a source or an action is refused: parse again
    // with stand-ins for the values and compare what the operator owns.
    if (!request.set.empty()) {
      const std::string mine = OperatorFingerprint(loaded.gate);
      for (const auto& [name, value] : request.set) {
        std::map<std::string, std::string> probe = request.set;
        probe[name] = Stand_in(value);
        LoadedGate other = ParseGate(g.path, g.text, Layered(probe, env));
        if (!other.ok() || OperatorFingerprint(other.gate) != mine) {
          error->status = 400;
          error->field = absl::StrCat("set.", name);
          error->message = absl::StrCat(
              "gate \"", g.reference.name, "\" uses ${", name,
              "} in a source or an action (a URL, path, header or command); "
              "those are set by the service's environment, not by a request");
          return false;
        }
      }
    }
    out->push_back(std::move(loaded.gate));
  }
  return true;
}

}  // namespace aurora
