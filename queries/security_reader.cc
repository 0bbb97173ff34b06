// File: queries/security_reader.cc
// Over ~700 lines on purpose: one reader per scanner format (SARIF, Trivy,
// Bandit, npm audit, Semgrep, Grype, pip-audit), each a short section below,
// sharing one severity mapping (docs/FORMATS.md, security) and one set of
// JSON field readers, so the table a user reads in docs matches one place.
#include "queries/security_reader.h"

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/json_document.h"
#include "queries/json_pieces.h"
#include "queries/source_breakdown.h"

namespace aurora {
namespace {

using rapidjson::Value;

constexpr std::string_view kExpected =
    "expected SARIF 2.1.0, Trivy JSON, Bandit JSON, npm audit JSON, Semgrep "
    "JSON, Grype JSON or pip-audit JSON";

absl::Status Invalid(std::string_view file, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(Sv(file), ": ", Sv(problem)));
}

const Value* Member(const Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

// The string at `key`, "" when absent or not a string.
std::string String(const Value& v, const char* key) {
  const Value* m = Member(v, key);
  if (m == nullptr || !m->IsString()) return "";
  return std::string(m->GetString(), m->GetStringLength());
}

int Int(const Value& v, const char* key) {
  const Value* m = Member(v, key);
  return m != nullptr && m->IsInt() ? m->GetInt() : 0;
}

// The array at `key`: nullptr when absent or null; an error when another type.
absl::StatusOr<const Value*> Array(const Value& v, const char* key,
                                   std::string_view file,
                                   std::string_view where) {
  const Value* m = Member(v, key);
  if (m == nullptr || m->IsNull()) return nullptr;
  if (!m->IsArray()) {
    return Invalid(file, absl::StrCat(Sv(where), "\"", key, "\" is ",
                                      JsonTypeName(*m), ", expected an array"));
  }
  return m;
}

std::string Lower(std::string s) {
  absl::AsciiStrToLower(&s);
  return s;
}

// Trivy/Bandit/Grype words.
std::string SeverityWord(std::string_view raw) {
  const std::string s = Lower(std::string(raw));
  if (s == "critical") return "critical";
  if (s == "high") return "high";
  if (s == "medium" || s == "moderate") return "medium";
  if (s == "low" || s == "negligible" || s == "info") return "low";
  return "unknown";
}

// ---- SARIF ----------------------------------------------------------------

// GitHub's security-severity buckets; nullopt when not a number in (0, 10].
std::optional<std::string> SecuritySeverityBucket(const Value* props) {
  if (props == nullptr) return std::nullopt;
  const Value* v = Member(*props, "security-severity");
  if (v == nullptr) return std::nullopt;
  double score = 0;
  if (v->IsString()) {
    if (!absl::SimpleAtod(std::string(v->GetString(), v->GetStringLength()), &score)) {
      return std::nullopt;
    }
  } else if (v->IsNumber()) {
    score = v->GetDouble();
  } else {
    return std::nullopt;
  }
  if (!(score > 0 && score <= 10)) return std::nullopt;
  if (score >= 9.0) return "critical";
  if (score >= 7.0) return "high";
  if (score >= 4.0) return "medium";
  if (score >= 0.1) return "low";
  return std::nullopt;
}

std::string LevelSeverity(std::string_view level) {
  if (level == "error") return "high";
  if (level == "warning") return "medium";
  return "low";  // note
}

struct SarifRun {
  const Value* driver_rules = nullptr;
  std::vector<const Value*> extension_rules;
  std::map<std::string, const Value*> rules_by_id;
  // invocation index -> (rule key -> level); key "i:<index>" or "id:<id>"
  std::vector<std::map<std::string, std::string>> overrides;
};

const Value* RuleAt(const Value* rules, const Value* index) {
  if (rules == nullptr || !rules->IsArray() || index == nullptr ||
      !index->IsInt() || index->GetInt() < 0 ||
      static_cast<rapidjson::SizeType>(index->GetInt()) >= rules->Size()) {
    return nullptr;
  }
  return &(*rules)[static_cast<rapidjson::SizeType>(index->GetInt())];
}

const Value* LookupRule(const SarifRun& run, const Value& result,
                        const std::string& rule_id) {
  if (const Value* ref = Member(result, "rule")) {
    const Value* tc = Member(*ref, "toolComponent");
    const Value* tc_index = tc != nullptr ? Member(*tc, "index") : nullptr;
    if (tc_index != nullptr && tc_index->IsInt() && tc_index->GetInt() >= 0 &&
        static_cast<size_t>(tc_index->GetInt()) < run.extension_rules.size()) {
      if (const Value* r = RuleAt(run.extension_rules[tc_index->GetInt()],
                                  Member(*ref, "index"))) {
        return r;
      }
    } else if (const Value* r = RuleAt(run.driver_rules, Member(*ref, "index"))) {
      return r;
    }
  }
  if (const Value* r = RuleAt(run.driver_rules, Member(result, "ruleIndex"))) {
    return r;
  }
  auto it = run.rules_by_id.find(rule_id);
  return it == run.rules_by_id.end() ? nullptr : it->second;
}

bool Suppressed(const Value& result) {
  const Value* s = Member(result, "suppressions");
  if (s == nullptr || !s->IsArray() || s->Empty()) return false;
  for (const Value& sup : s->GetArray()) {
    const std::string status = String(sup, "status");
    // Semgrep writes {"kind": "inSource"} without status for nosemgrep.
    if (status.empty() || status == "accepted") return true;
  }
  return false;
}

std::string SarifTool(const Value& run) {
  const Value* tool = Member(run, "tool");
  const Value* driver = tool != nullptr ? Member(*tool, "driver") : nullptr;
  std::string name = driver != nullptr ? String(*driver, "name") : "";
  return name.empty() ? "sarif" : Lower(name);
}

std::string SarifCategory(const std::string& tool) {
  for (const char* v : {"trivy", "grype", "dependency-check", "snyk", "osv"}) {
    if (absl::StrContains(tool, v)) return "vulnerability";
  }
  return "code";
}

// `log`: the SARIF text split at "/runs/*/results" (one result's DOM at a
// time: a 100 MB log never becomes a 500 MB DOM).
absl::Status ReadSarif(const JsonPieces& log, std::string_view file,
                       SecurityFindings& out, std::vector<std::string>& warnings) {
  const Value& root = log.skeleton();
  JsonPieces::Scratch scratch;
  ASSIGN_OR_RETURN(const Value* runs, Array(root, "runs", file, ""));
  if (runs == nullptr || runs->Empty()) {
    return Invalid(file, "SARIF log has no runs: the tool produced no "
                         "results (a failed scan is not a clean one)");
  }
  size_t suppressed = 0, absent = 0;
  for (rapidjson::SizeType ri = 0; ri < runs->Size(); ++ri) {
    const Value& r = (*runs)[ri];
    const std::string where = absl::StrCat("runs[", ri, "]: ");
    if (!r.IsObject()) {
      return Invalid(file, absl::StrCat(where, "is ", JsonTypeName(r),
                                        ", expected an object"));
    }
    const std::string tool = SarifTool(r);
    out.tools.insert(tool);
    SarifRun run;
    const Value* t = Member(r, "tool");
    const Value* driver = t != nullptr ? Member(*t, "driver") : nullptr;
    if (driver == nullptr || !driver->IsObject()) {
      return Invalid(file, absl::StrCat(where, "no tool.driver object"));
    }
    run.driver_rules = Member(*driver, "rules");
    if (run.driver_rules != nullptr && run.driver_rules->IsArray()) {
      for (const Value& rule : run.driver_rules->GetArray()) {
        std::string id = String(rule, "id");
        if (!id.empty()) run.rules_by_id.emplace(id, &rule);
      }
    }
    if (const Value* ext = t != nullptr ? Member(*t, "extensions") : nullptr;
        ext != nullptr && ext->IsArray()) {
      for (const Value& e : ext->GetArray()) {
        const Value* rules = Member(e, "rules");
        run.extension_rules.push_back(rules);
        if (rules != nullptr && rules->IsArray()) {
          for (const Value& rule : rules->GetArray()) {
            std::string id = String(rule, "id");
            if (!id.empty()) run.rules_by_id.emplace(id, &rule);
          }
        }
      }
    }
    bool failed = false;
    if (const Value* inv = Member(r, "invocations"); inv != nullptr && inv->IsArray()) {
      for (const Value& i : inv->GetArray()) {
        std::map<std::string, std::string> levels;
        if (const Value* ov = Member(i, "ruleConfigurationOverrides");
            ov != nullptr && ov->IsArray()) {
          for (const Value& o : ov->GetArray()) {
            const Value* desc = Member(o, "descriptor");
            const Value* conf = Member(o, "configuration");
            if (desc == nullptr || conf == nullptr) continue;
            const std::string level = String(*conf, "level");
            if (level.empty()) continue;
            if (const Value* idx = Member(*desc, "index"); idx && idx->IsInt()) {
              levels[absl::StrCat("i:", idx->GetInt())] = level;
            }
            std::string id = String(*desc, "id");
            if (!id.empty()) levels["id:" + id] = level;
          }
        }
        run.overrides.push_back(std::move(levels));
        if (const Value* ok = Member(i, "executionSuccessful");
            ok != nullptr && ok->IsFalse()) {
          failed = true;
        }
      }
    }
    ASSIGN_OR_RETURN(const Value* results, Array(r, "results", file, where));
    const std::string results_at = absl::StrCat("/runs/", ri, "/results");
    const size_t result_count = log.Count(results_at);
    if (results == nullptr) {
      return Invalid(file, absl::StrCat(where, "tool \"", tool,
                                        "\" wrote no \"results\": it did not "
                                        "analyse (not a clean scan)"));
    }
    if (failed) {
      if (result_count == 0) {
        return Invalid(file, absl::StrCat(where, "tool \"", tool,
                                          "\" reports executionSuccessful: "
                                          "false and no results"));
      }
      warnings.push_back(absl::StrCat(Sv(file), ": ", where, "tool \"", tool,
                                      "\" reports executionSuccessful: false; "
                                      "its results may be incomplete"));
    }
    for (size_t i = 0; i < result_count; ++i) {
      const Value& res = log.Piece(results_at, i, scratch);
      if (!res.IsObject()) {
        return Invalid(file, absl::StrCat(where, "results[", i, "] is ",
                                          JsonTypeName(res), ", expected an object"));
      }
      const std::string kind = String(res, "kind");
      if (!kind.empty() && kind != "fail") continue;
      if (String(res, "baselineState") == "absent") {
        ++absent;
        continue;
      }
      if (Suppressed(res)) {
        ++suppressed;
        continue;
      }
      std::string rule_id = String(res, "ruleId");
      if (rule_id.empty()) {
        if (const Value* ref = Member(res, "rule")) rule_id = String(*ref, "id");
      }
      const Value* rule = LookupRule(run, res, rule_id);
      if (rule_id.empty() && rule != nullptr) rule_id = String(*rule, "id");
      std::string level = String(res, "level");
      if (level.empty()) {
        const Value* prov = Member(res, "provenance");
        const Value* inv = prov != nullptr ? Member(*prov, "invocationIndex") : nullptr;
        const size_t inv_index = inv != nullptr && inv->IsUint() ? inv->GetUint() : 0;
        if (inv_index < run.overrides.size()) {
          const auto& ov = run.overrides[inv_index];
          auto it = ov.end();
          if (const Value* ri_v = Member(res, "ruleIndex"); ri_v && ri_v->IsInt()) {
            it = ov.find(absl::StrCat("i:", ri_v->GetInt()));
          }
          if (it == ov.end()) it = ov.find("id:" + rule_id);
          if (it != ov.end()) level = it->second;
        }
      }
      if (level.empty() && rule != nullptr) {
        if (const Value* dc = Member(*rule, "defaultConfiguration")) {
          level = String(*dc, "level");
        }
      }
      if (level.empty()) level = "warning";
      if (level == "none") continue;
      SecurityFinding f;
      f.tool = tool;
      f.category = SarifCategory(tool);
      f.rule = rule_id.empty() ? "(no rule id)" : rule_id;
      std::optional<std::string> bucket =
          SecuritySeverityBucket(rule != nullptr ? Member(*rule, "properties") : nullptr);
      if (!bucket) bucket = SecuritySeverityBucket(Member(res, "properties"));
      f.severity = bucket ? *bucket : LevelSeverity(level);
      if (const Value* locs = Member(res, "locations");
          locs != nullptr && locs->IsArray() && !locs->Empty()) {
        const Value* phys = Member((*locs)[0], "physicalLocation");
        const Value* art = phys != nullptr ? Member(*phys, "artifactLocation") : nullptr;
        if (art != nullptr) {
          f.file = String(*art, "uri");
          if (f.file.empty()) {
            const Value* idx = Member(*art, "index");
            const Value* arts = Member(r, "artifacts");
            if (const Value* a = RuleAt(arts, idx)) {
              if (const Value* loc = Member(*a, "location")) f.file = String(*loc, "uri");
            }
          }
        }
        if (const Value* region = phys != nullptr ? Member(*phys, "region") : nullptr) {
          f.line = Int(*region, "startLine");
        }
      }
      if (const Value* msg = Member(res, "message")) f.title = String(*msg, "text");
      out.findings.push_back(std::move(f));
    }
  }
  if (suppressed > 0) {
    warnings.push_back(absl::StrCat(Sv(file), ": ", suppressed,
                                    " suppressed result(s) not counted"));
  }
  if (absent > 0) {
    warnings.push_back(absl::StrCat(Sv(file), ": ", absent,
                                    " result(s) with baselineState \"absent\" "
                                    "(fixed since the baseline) not counted"));
  }
  return absl::OkStatus();
}

// ---- Trivy ----------------------------------------------------------------

absl::Status ReadTrivyResults(const Value& results, std::string_view file,
                              SecurityFindings& out) {
  out.tools.insert("trivy");
  for (rapidjson::SizeType i = 0; i < results.Size(); ++i) {
    const Value& r = results[i];
    const std::string where = absl::StrCat("Results[", i, "]: ");
    if (!r.IsObject()) {
      return Invalid(file, absl::StrCat(where, "is ", JsonTypeName(r),
                                        ", expected an object"));
    }
    const std::string target = String(r, "Target");
    auto add = [&](const Value& e, const char* category, std::string rule,
                   std::string package, int line) {
      SecurityFinding f;
      f.tool = "trivy";
      f.category = category;
      f.rule = rule.empty() ? "(no id)" : rule;
      f.severity = SeverityWord(String(e, "Severity"));
      f.file = target;
      f.package = std::move(package);
      f.line = line;
      f.title = String(e, "Title");
      out.findings.push_back(std::move(f));
    };
    ASSIGN_OR_RETURN(const Value* vulns, Array(r, "Vulnerabilities", file, where));
    if (vulns != nullptr) {
      for (const Value& v : vulns->GetArray()) {
        add(v, "vulnerability", String(v, "VulnerabilityID"),
            absl::StrCat(String(v, "PkgName"), "@", String(v, "InstalledVersion")),
            0);
      }
    }
    ASSIGN_OR_RETURN(const Value* misconf,
                     Array(r, "Misconfigurations", file, where));
    if (misconf != nullptr) {
      for (const Value& m : misconf->GetArray()) {
        if (String(m, "Status") != "FAIL") continue;  // PASS, EXCEPTION
        std::string id = String(m, "AVDID");
        if (id.empty()) id = String(m, "ID");
        int line = 0;
        if (const Value* cm = Member(m, "CauseMetadata")) line = Int(*cm, "StartLine");
        add(m, "misconfiguration", id, "", line);
      }
    }
    ASSIGN_OR_RETURN(const Value* secrets, Array(r, "Secrets", file, where));
    if (secrets != nullptr) {
      for (const Value& s : secrets->GetArray()) {
        add(s, "secret", String(s, "RuleID"), "", Int(s, "StartLine"));
      }
    }
    ASSIGN_OR_RETURN(const Value* licenses, Array(r, "Licenses", file, where));
    if (licenses != nullptr) {
      for (const Value& l : licenses->GetArray()) {
        add(l, "license", String(l, "Name"), String(l, "PkgName"), 0);
      }
    }
  }
  return absl::OkStatus();
}

// ---- Bandit ---------------------------------------------------------------

absl::Status ReadBandit(const Value& root, std::string_view file,
                        SecurityFindings& out, std::vector<std::string>& warnings) {
  out.tools.insert("bandit");
  ASSIGN_OR_RETURN(const Value* results, Array(root, "results", file, ""));
  for (rapidjson::SizeType i = 0; i < results->Size(); ++i) {
    const Value& r = (*results)[i];
    if (!r.IsObject() || !Member(r, "test_id")) {
      return Invalid(file, absl::StrCat("results[", i, "] has no \"test_id\""));
    }
    SecurityFinding f;
    f.tool = "bandit";
    f.category = "code";
    f.rule = String(r, "test_id");
    f.severity = SeverityWord(String(r, "issue_severity"));
    f.file = String(r, "filename");
    f.line = Int(r, "line_number");
    f.title = String(r, "issue_text");
    out.findings.push_back(std::move(f));
  }
  if (const Value* errors = Member(root, "errors");
      errors != nullptr && errors->IsArray() && !errors->Empty()) {
    warnings.push_back(absl::StrCat(Sv(file), ": Bandit could not scan ",
                                    errors->Size(), " file(s)"));
  }
  return absl::OkStatus();
}

// ---- npm audit ------------------------------------------------------------

// "https://github.com/advisories/GHSA-x" -> "GHSA-x".
std::string UrlTail(const std::string& url) {
  const size_t slash = url.rfind('/');
  return slash == std::string::npos ? url : url.substr(slash + 1);
}

absl::Status ReadNpmAudit(const Value& root, std::string_view file,
                          SecurityFindings& out, std::string* format) {
  out.tools.insert("npm-audit");
  if (const Value* vulns = Member(root, "vulnerabilities");
      vulns != nullptr && Member(root, "auditReportVersion") != nullptr) {
    if (!vulns->IsObject()) {
      return Invalid(file, "\"vulnerabilities\" is not an object");
    }
    *format = absl::StrCat("npm audit JSON (v", Int(root, "auditReportVersion"), ")");
    for (auto it = vulns->MemberBegin(); it != vulns->MemberEnd(); ++it) {
      const Value& v = it->value;
      SecurityFinding f;
      f.tool = "npm-audit";
      f.category = "dependency";
      f.rule = std::string(it->name.GetString(), it->name.GetStringLength());
      f.severity = SeverityWord(String(v, "severity"));
      f.package = f.rule;
      if (const Value* nodes = Member(v, "nodes");
          nodes != nullptr && nodes->IsArray() && !nodes->Empty() &&
          (*nodes)[0].IsString()) {
        f.file = (*nodes)[0].GetString();
      }
      if (const Value* via = Member(v, "via"); via != nullptr && via->IsArray()) {
        for (const Value& a : via->GetArray()) {
          if (!a.IsObject()) continue;
          std::string url = String(a, "url");
          if (!url.empty()) f.ids.push_back(UrlTail(url));
          if (const Value* src = Member(a, "source"); src && src->IsNumber()) {
            f.ids.push_back(absl::StrCat(src->GetInt64()));
          }
          if (f.title.empty()) f.title = String(a, "title");
        }
      }
      out.findings.push_back(std::move(f));
    }
    return absl::OkStatus();
  }
  const Value* advisories = Member(root, "advisories");
  if (advisories == nullptr || !advisories->IsObject()) {
    return Invalid(file, "npm audit JSON without \"vulnerabilities\" (v2) or "
                         "\"advisories\" (v1)");
  }
  *format = "npm audit JSON (v1)";
  for (auto it = advisories->MemberBegin(); it != advisories->MemberEnd(); ++it) {
    const Value& a = it->value;
    std::vector<std::string> ids = {
        std::string(it->name.GetString(), it->name.GetStringLength())};
    if (const Value* cves = Member(a, "cves"); cves != nullptr && cves->IsArray()) {
      for (const Value& c : cves->GetArray()) {
        if (c.IsString()) ids.push_back(c.GetString());
      }
    }
    std::string ghsa = String(a, "github_advisory_id");
    if (!ghsa.empty()) ids.push_back(ghsa);
    std::string url = String(a, "url");
    if (!url.empty()) ids.push_back(UrlTail(url));
    const Value* findings = Member(a, "findings");
    if (findings == nullptr || !findings->IsArray()) continue;
    for (const Value& fi : findings->GetArray()) {
      const Value* paths = Member(fi, "paths");
      if (paths == nullptr || !paths->IsArray()) continue;
      for (const Value& p : paths->GetArray()) {
        SecurityFinding f;
        f.tool = "npm-audit";
        f.category = "dependency";
        f.rule = String(a, "module_name");
        f.severity = SeverityWord(String(a, "severity"));
        f.file = p.IsString() ? p.GetString() : "";
        f.package = absl::StrCat(f.rule, "@", String(fi, "version"));
        f.ids = ids;
        f.title = String(a, "title");
        out.findings.push_back(std::move(f));
      }
    }
  }
  return absl::OkStatus();
}

// ---- Semgrep, Grype, pip-audit ---------------------------------------------

std::string SemgrepSeverity(const std::string& raw) {
  if (raw == "CRITICAL") return "critical";
  if (raw == "ERROR" || raw == "HIGH") return "high";
  if (raw == "WARNING" || raw == "MEDIUM") return "medium";
  if (raw == "INFO" || raw == "LOW") return "low";
  return "unknown";
}

absl::Status ReadSemgrep(const Value& root, std::string_view file,
                         SecurityFindings& out, std::vector<std::string>& warnings) {
  out.tools.insert("semgrep");
  ASSIGN_OR_RETURN(const Value* results, Array(root, "results", file, ""));
  for (rapidjson::SizeType i = 0; i < results->Size(); ++i) {
    const Value& r = (*results)[i];
    const Value* extra = Member(r, "extra");
    if (!r.IsObject() || extra == nullptr) {
      return Invalid(file, absl::StrCat("results[", i, "] has no \"extra\""));
    }
    if (const Value* ig = Member(*extra, "is_ignored"); ig && ig->IsTrue()) continue;
    SecurityFinding f;
    f.tool = "semgrep";
    f.category = "code";
    f.rule = String(r, "check_id");
    std::string sev = String(*extra, "severity");
    f.severity = SemgrepSeverity(sev.empty() ? "INFO" : sev);
    f.file = String(r, "path");
    if (const Value* start = Member(r, "start")) f.line = Int(*start, "line");
    f.title = String(*extra, "message");
    out.findings.push_back(std::move(f));
  }
  if (const Value* errors = Member(root, "errors");
      errors != nullptr && errors->IsArray() && !errors->Empty()) {
    warnings.push_back(absl::StrCat(Sv(file), ": Semgrep reported ",
                                    errors->Size(), " error(s); findings may "
                                    "be incomplete"));
  }
  return absl::OkStatus();
}

absl::Status ReadGrype(const Value& root, std::string_view file,
                       SecurityFindings& out) {
  out.tools.insert("grype");
  ASSIGN_OR_RETURN(const Value* matches, Array(root, "matches", file, ""));
  for (rapidjson::SizeType i = 0; i < matches->Size(); ++i) {
    const Value& m = (*matches)[i];
    const Value* vuln = Member(m, "vulnerability");
    if (vuln == nullptr) {
      return Invalid(file, absl::StrCat("matches[", i, "] has no \"vulnerability\""));
    }
    SecurityFinding f;
    f.tool = "grype";
    f.category = "vulnerability";
    f.rule = String(*vuln, "id");
    f.severity = SeverityWord(String(*vuln, "severity"));
    if (const Value* art = Member(m, "artifact")) {
      f.package = absl::StrCat(String(*art, "name"), "@", String(*art, "version"));
      if (const Value* locs = Member(*art, "locations");
          locs != nullptr && locs->IsArray() && !locs->Empty()) {
        f.file = String((*locs)[0], "path");
      }
    }
    if (const Value* rel = Member(m, "relatedVulnerabilities");
        rel != nullptr && rel->IsArray()) {
      for (const Value& r : rel->GetArray()) f.ids.push_back(String(r, "id"));
    }
    f.title = String(*vuln, "description");
    out.findings.push_back(std::move(f));
  }
  return absl::OkStatus();
}

absl::Status ReadPipAudit(const Value& deps, std::string_view file,
                          SecurityFindings& out) {
  out.tools.insert("pip-audit");
  for (rapidjson::SizeType i = 0; i < deps.Size(); ++i) {
    const Value& d = deps[i];
    if (!d.IsObject()) {
      return Invalid(file, absl::StrCat("dependencies[", i, "] is ",
                                        JsonTypeName(d), ", expected an object"));
    }
    ASSIGN_OR_RETURN(const Value* vulns,
                     Array(d, "vulns", file, absl::StrCat("dependencies[", i, "]: ")));
    if (vulns == nullptr) continue;
    for (const Value& v : vulns->GetArray()) {
      SecurityFinding f;
      f.tool = "pip-audit";
      f.category = "dependency";
      f.rule = String(v, "id");
      f.severity = "unknown";  // pip-audit reports no severity
      f.package = absl::StrCat(String(d, "name"), "@", String(d, "version"));
      f.file = String(d, "name");
      if (const Value* aliases = Member(v, "aliases");
          aliases != nullptr && aliases->IsArray()) {
        for (const Value& a : aliases->GetArray()) {
          if (a.IsString()) f.ids.push_back(a.GetString());
        }
      }
      f.title = String(v, "description");
      out.findings.push_back(std::move(f));
    }
  }
  return absl::OkStatus();
}

bool ArrayOfObjectsWith(const Value& v, const char* key) {
  return v.IsArray() && !v.Empty() && Member(v[0], key) != nullptr;
}

}  // namespace

absl::StatusOr<SecurityFindings> ReadSecurityFindings(
    std::string_view content, std::string_view name, std::string* format,
    std::vector<std::string>* warnings) {
  ASSIGN_OR_RETURN(const JsonPieces doc,
                   JsonPieces::Parse(content, name, {"/runs/*/results"}));
  const Value& root = doc.skeleton();
  SecurityFindings out;
  if (root.IsArray()) {
    // Trivy before v0.20: a top-level array of results; old pip-audit: an
    // array of dependencies.
    if (ArrayOfObjectsWith(root, "Target")) {
      *format = "Trivy JSON (before schema 2)";
      RETURN_IF_ERROR(ReadTrivyResults(root, name, out));
      return out;
    }
    if (ArrayOfObjectsWith(root, "vulns")) {
      *format = "pip-audit JSON";
      RETURN_IF_ERROR(ReadPipAudit(root, name, out));
      return out;
    }
    return Invalid(name, absl::StrCat("not a security report: a top-level "
                                      "array that is neither Trivy results "
                                      "nor pip-audit dependencies; ",
                                      Sv(kExpected)));
  }
  if (!root.IsObject()) {
    return Invalid(name, absl::StrCat("not a security report: the top level "
                                      "is ", JsonTypeName(root), "; ", Sv(kExpected)));
  }
  if (Member(root, "runs") != nullptr ||
      absl::StrContains(String(root, "$schema"), "sarif") ||
      String(root, "version") == "2.1.0") {
    *format = absl::StrCat("SARIF ", String(root, "version"));
    RETURN_IF_ERROR(ReadSarif(doc, name, out, *warnings));
    return out;
  }
  if (Member(root, "SchemaVersion") != nullptr || Member(root, "ArtifactName") != nullptr) {
    *format = absl::StrCat("Trivy JSON (schema ", Int(root, "SchemaVersion"), ")");
    ASSIGN_OR_RETURN(const Value* results, Array(root, "Results", name, ""));
    if (results == nullptr) {
      return Invalid(name, "Trivy report has no \"Results\": nothing was "
                           "scanned (or the scan failed); not read as a "
                           "clean scan");
    }
    RETURN_IF_ERROR(ReadTrivyResults(*results, name, out));
    return out;
  }
  if (const Value* err = Member(root, "error");
      err != nullptr && err->IsObject() && Member(root, "vulnerabilities") == nullptr) {
    const std::string code = String(*err, "code");
    std::string summary = String(*err, "summary");
    if (summary.empty()) summary = String(root, "message");
    return Invalid(name, absl::StrCat("npm audit failed", code.empty() ? "" : " (",
                                      code, code.empty() ? "" : ")",
                                      summary.empty() ? "" : ": ", summary,
                                      "; not read as a clean scan"));
  }
  if (Member(root, "auditReportVersion") != nullptr ||
      (Member(root, "advisories") != nullptr && Member(root, "metadata") != nullptr)) {
    RETURN_IF_ERROR(ReadNpmAudit(root, name, out, format));
    return out;
  }
  const Value* results = Member(root, "results");
  if (results != nullptr && results->IsArray() &&
      (Member(root, "metrics") != nullptr || ArrayOfObjectsWith(*results, "test_id"))) {
    *format = "Bandit JSON";
    RETURN_IF_ERROR(ReadBandit(root, name, out, *warnings));
    return out;
  }
  if (results != nullptr && results->IsArray() &&
      (ArrayOfObjectsWith(*results, "check_id") || Member(root, "paths") != nullptr ||
       Member(root, "errors") != nullptr)) {
    const std::string version = String(root, "version");
    *format = version.empty() ? "Semgrep JSON" : absl::StrCat("Semgrep JSON (", version, ")");
    RETURN_IF_ERROR(ReadSemgrep(root, name, out, *warnings));
    return out;
  }
  if (const Value* matches = Member(root, "matches");
      matches != nullptr && matches->IsArray() &&
      (Member(root, "descriptor") != nullptr || Member(root, "source") != nullptr)) {
    *format = "Grype JSON";
    RETURN_IF_ERROR(ReadGrype(root, name, out));
    return out;
  }
  if (const Value* deps = Member(root, "dependencies");
      deps != nullptr && deps->IsArray()) {
    *format = "pip-audit JSON";
    RETURN_IF_ERROR(ReadPipAudit(*deps, name, out));
    return out;
  }
  return Invalid(name, absl::StrCat("not a security report: no SARIF \"runs\", "
                                    "Trivy \"Results\", \"results\", "
                                    "\"matches\", \"vulnerabilities\" or "
                                    "\"dependencies\"; ",
                                    Sv(kExpected)));
}

absl::StatusOr<ArtifactData> ParseSecurityFiles(
    const std::vector<std::pair<std::string, std::string>>& files,
    const SecurityOptions& options) {
  if (files.empty()) return absl::InvalidArgumentError("no security report to read");
  ArtifactData data;
  SecurityFindings all;
  std::set<std::string> formats;
  std::set<std::string> seen;
  size_t duplicates = 0;
  for (const auto& [name, content] : files) {
    std::string format;
    ASSIGN_OR_RETURN(SecurityFindings one,
                     ReadSecurityFindings(content, name, &format, &data.warnings));
    formats.insert(format);
    all.tools.insert(one.tools.begin(), one.tools.end());
    // Duplicates within one report are the tool's own counting; only a
    // finding an earlier file reported is dropped.
    std::set<std::string> this_file;
    for (SecurityFinding& f : one.findings) {
      std::string key = f.DedupKey();
      if (seen.count(key)) {
        ++duplicates;
        continue;
      }
      this_file.insert(key);
      all.findings.push_back(std::move(f));
    }
    seen.insert(this_file.begin(), this_file.end());
  }
  if (duplicates > 0) {
    data.warnings.push_back(absl::StrCat(duplicates, " finding(s) reported by "
                                         "more than one file counted once"));
  }
  ApplyIgnores(options.ignore, options.today, all, data.warnings);
  if (std::string severe = SevereFindingsSummary(all.findings); !severe.empty()) {
    data.warnings.push_back(std::move(severe));
  }
  data.format = absl::StrJoin(formats, ", ");
  data.samples = SecuritySamples(all);
  // The findings are not needed past the samples: moved, not copied (a
  // large scan must not be held twice).
  data.findings.reserve(all.findings.size());
  for (SecurityFinding& f : all.findings) {
    data.findings.push_back(ToFindingResult(std::move(f)));
  }
  SortWorstFirst(data.findings);
  return data;
}

absl::StatusOr<ArtifactData> ParseSecurity(std::string_view content,
                                           std::string_view name,
                                           const SecurityOptions& options) {
  return ParseSecurityFiles({{std::string(name), std::string(content)}}, options);
}

}  // namespace aurora
