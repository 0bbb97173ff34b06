// File: reports/breakdown_text.h
// How every report lays out the tables of mutation and security sources
// (evaluator/result.h SourceBreakdown): which status columns, which module
// rows first, how a finding is named. Pure; strings are untrusted and left
// for each renderer to escape.
#ifndef AURORA_REPORTS_BREAKDOWN_TEXT_H_
#define AURORA_REPORTS_BREAKDOWN_TEXT_H_

#include <string>
#include <vector>

#include "evaluator/result.h"

namespace aurora {

// Module rows a report lists before "… and N more modules".
inline constexpr size_t kMaxModuleRows = 50;

// The mutant statuses worth a column: those with mutants in the total,
// killed, survived, timeout and no_coverage first, then the rest by name.
std::vector<std::string> MutationStatusColumns(const MutationBreakdown& m);
// "no_coverage" -> "No coverage".
std::string StatusTitle(const std::string& status);
// The modules, lowest score first (NaN last), by name among equals.
std::vector<const MutationModuleResult*> ModulesWorstFirst(
    const MutationBreakdown& m);
// "." (the top-level module) is shown as "(top level)".
std::string ModuleTitle(const std::string& module);

// Where a finding is: "a.py:9", "requirements.txt", or "" when unknown.
std::string FindingWhere(const FindingResult& f);
// One line: "high bandit B602 at a.py:9 (pkg@1): subprocess call with
// shell=True".
std::string FindingText(const FindingResult& f);

}  // namespace aurora

#endif  // AURORA_REPORTS_BREAKDOWN_TEXT_H_
