#include "queries/security_findings.h"

#include <fnmatch.h>

#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace aurora {

std::string SecurityFinding::DedupKey() const {
  return absl::StrCat(tool, "\x1f", category, "\x1f", rule, "\x1f", file,
                      "\x1f", line, "\x1f", package);
}

bool PathGlobMatch(std::string_view glob, std::string_view path) {
  return fnmatch(std::string(glob).c_str(), std::string(path).c_str(), 0) == 0;
}

namespace {

bool Matches(const IgnoreSpec& ig, const SecurityFinding& f) {
  bool id = ig.id == f.rule;
  for (const auto& other : f.ids) id = id || ig.id == other;
  if (!id) return false;
  return ig.path.empty() || PathGlobMatch(ig.path, f.file);
}

std::string Where(const IgnoreSpec& ig) {
  return ig.path.empty() ? "" : absl::StrCat(" in ", ig.path);
}

}  // namespace

void ApplyIgnores(const std::vector<IgnoreSpec>& ignore, absl::CivilDay today,
                  SecurityFindings& findings,
                  std::vector<std::string>& warnings) {
  std::vector<size_t> hits(ignore.size(), 0);
  std::vector<bool> expired(ignore.size(), false);
  for (size_t i = 0; i < ignore.size(); ++i) {
    expired[i] = ignore[i].expires.has_value() && *ignore[i].expires < today;
  }
  std::vector<SecurityFinding> kept;
  for (SecurityFinding& f : findings.findings) {
    bool ignored = false;
    for (size_t i = 0; i < ignore.size(); ++i) {
      if (!Matches(ignore[i], f)) continue;
      ++hits[i];
      if (!expired[i] && !ignored) ignored = true;
    }
    (ignored ? findings.ignored : kept).push_back(std::move(f));
  }
  findings.findings = std::move(kept);
  for (size_t i = 0; i < ignore.size(); ++i) {
    const IgnoreSpec& ig = ignore[i];
    if (expired[i]) {
      findings.expired_ignores += 1;
      warnings.push_back(absl::StrCat(
          "ignore entry ", ig.id, Where(ig), " expired on ",
          absl::FormatCivilTime(*ig.expires), " (reason was: ", ig.reason,
          "): its ", hits[i], " finding(s) count again"));
    } else if (hits[i] == 0) {
      warnings.push_back(absl::StrCat("ignore entry ", ig.id, Where(ig),
                                      " matched no finding"));
    } else {
      warnings.push_back(absl::StrCat("ignored ", hits[i], " finding(s) of ",
                                      ig.id, Where(ig), ": ", ig.reason));
    }
  }
}

std::string SevereFindingsSummary(const std::vector<SecurityFinding>& findings,
                                  size_t limit) {
  std::vector<const SecurityFinding*> severe;
  for (const char* level : {"critical", "high"}) {
    for (const SecurityFinding& f : findings) {
      if (f.severity == level) severe.push_back(&f);
    }
  }
  if (severe.empty()) return "";
  std::string out = absl::StrCat(severe.size(),
                                 " critical/high finding(s), worst first: ");
  for (size_t i = 0; i < severe.size() && i < limit; ++i) {
    const SecurityFinding& f = *severe[i];
    if (i > 0) out += ", ";
    absl::StrAppend(&out, f.severity, " ", f.tool, " ", f.rule);
    if (!f.file.empty()) {
      absl::StrAppend(&out, f.line > 0 ? " at " : " in ", f.file);
      if (f.line > 0) absl::StrAppend(&out, ":", f.line);
    }
    if (!f.package.empty()) absl::StrAppend(&out, " (", f.package, ")");
  }
  if (severe.size() > limit) {
    absl::StrAppend(&out, ", … and ", severe.size() - limit, " more");
  }
  return out;
}

namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string,
                       std::string>;  // severity, tool, category, rule, file

void Emit(std::string_view metric, const std::set<std::string>& tools,
          const std::vector<SecurityFinding>& list, std::vector<Sample>& out) {
  std::map<std::pair<std::string, std::string>, double> totals;
  for (const auto& tool : tools) {
    for (std::string_view s : kSeverities) totals[{std::string(s), tool}] = 0;
  }
  std::map<Key, double> category, rule, file;
  for (const SecurityFinding& f : list) {
    totals[{f.severity, f.tool}] += 1;
    category[{f.severity, f.tool, f.category, "", ""}] += 1;
    rule[{f.severity, f.tool, f.category, f.rule, ""}] += 1;
    if (!f.file.empty()) file[{f.severity, f.tool, f.category, f.rule, f.file}] += 1;
  }
  for (const auto& [k, n] : totals) {
    out.push_back(MakeSample(metric, Labels{{"severity", k.first}, {"tool", k.second}}, n));
  }
  for (const auto* level : {&category, &rule, &file}) {
    for (const auto& [k, n] : *level) {
      Labels l{{"severity", std::get<0>(k)}, {"tool", std::get<1>(k)}};
      l.Set("category", std::get<2>(k));
      l.Set("rule", std::get<3>(k));
      l.Set("file", std::get<4>(k));
      out.push_back(MakeSample(metric, l, n));
    }
  }
}

}  // namespace

SampleSet SecuritySamples(const SecurityFindings& findings) {
  SampleSet set;
  set.detail_labels = {"category", "rule", "file"};
  Emit("security_findings", findings.tools, findings.findings, set.samples);
  Emit("security_findings_ignored", findings.tools, findings.ignored,
       set.samples);
  set.samples.push_back(MakeSample("security_ignores_expired", Labels(),
                                   findings.expired_ignores));
  return set;
}

}  // namespace aurora
