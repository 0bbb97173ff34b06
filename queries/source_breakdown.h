// File: queries/source_breakdown.h
// The tables reports show for mutation and security sources, computed from
// what the readers return (queries/mutation_reader.h, security_reader.h):
// per-module mutants and scores, findings per severity and the worst
// findings by name, and the findings behind one rule. Pure.
#ifndef AURORA_QUERIES_SOURCE_BREAKDOWN_H_
#define AURORA_QUERIES_SOURCE_BREAKDOWN_H_

#include <vector>

#include "evaluator/result.h"
#include "queries/artifact.h"
#include "queries/security_findings.h"
#include "rules/expr.h"

namespace aurora {

// Per-module rows (`module` samples without `file`) and the total (samples
// without module) of a mutation source's samples: mutants by status and
// the two scores.
MutationBreakdown MutationBreakdownOf(const SampleSet& samples);

// Findings per severity (security_findings / security_findings_ignored
// totals per {severity, tool}, summed over tools; every severity listed
// worst first) and the first `max_top` of `data.findings` (which the reader
// keeps worst first).
SecurityBreakdown SecurityBreakdownOf(const ArtifactData& data,
                                      size_t max_top = kMaxBreakdownFindings);

// A reader's finding as a result names it.
FindingResult ToFindingResult(SecurityFinding f);
// `findings` ordered worst first: severity, then tool, rule, file, line.
void SortWorstFirst(std::vector<FindingResult>& findings);

// The findings of `findings` that the `security_findings` selectors of
// `expr` match (by severity, tool, category, rule and file, with the
// selectors' own matchers), in their order. Empty when the expression has
// no such selector.
std::vector<FindingResult> FindingsSelectedBy(
    const ExprNode& expr, const std::vector<FindingResult>& findings);

}  // namespace aurora

#endif  // AURORA_QUERIES_SOURCE_BREAKDOWN_H_
