#include "reports/breakdown_text.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace aurora {

std::vector<std::string> MutationStatusColumns(const MutationBreakdown& m) {
  static const char* const kFirst[] = {"killed", "survived", "timeout",
                                       "no_coverage"};
  std::vector<std::string> out;
  std::set<std::string> taken;
  for (const char* s : kFirst) {
    auto it = m.total.mutants.find(s);
    if (it != m.total.mutants.end() && it->second > 0) {
      out.push_back(s);
      taken.insert(s);
    }
  }
  for (const auto& [status, n] : m.total.mutants) {
    if (n > 0 && !taken.count(status)) out.push_back(status);
  }
  return out;
}

std::string StatusTitle(const std::string& status) {
  std::string out = absl::StrReplaceAll(status, {{"_", " "}});
  if (!out.empty()) out[0] = absl::ascii_toupper(static_cast<unsigned char>(out[0]));
  return out;
}

std::vector<const MutationModuleResult*> ModulesWorstFirst(
    const MutationBreakdown& m) {
  std::vector<const MutationModuleResult*> out;
  for (const MutationModuleResult& row : m.modules) out.push_back(&row);
  std::stable_sort(out.begin(), out.end(),
                   [](const MutationModuleResult* a, const MutationModuleResult* b) {
                     const bool an = std::isnan(a->score_percent);
                     const bool bn = std::isnan(b->score_percent);
                     if (an != bn) return bn;
                     if (an) return false;
                     return a->score_percent < b->score_percent;
                   });
  return out;
}

std::string ModuleTitle(const std::string& module) {
  return module == "." || module.empty() ? "(top level)" : module;
}

std::string FindingWhere(const FindingResult& f) {
  if (f.file.empty()) return "";
  if (f.line > 0) return absl::StrCat(f.file, ":", f.line);
  return f.file;
}

std::string FindingText(const FindingResult& f) {
  std::string out = absl::StrCat(f.severity, " ", f.tool, " ", f.rule);
  const std::string where = FindingWhere(f);
  if (!where.empty()) absl::StrAppend(&out, f.line > 0 ? " at " : " in ", where);
  if (!f.package.empty()) absl::StrAppend(&out, " (", f.package, ")");
  if (!f.title.empty()) absl::StrAppend(&out, ": ", f.title);
  return out;
}

}  // namespace aurora
