// File: queries/artifact.h
// What every artifact reader returns: the samples of one artifact (named as
// in docs/DESIGN.md), the labels that mark breakdown samples, what format was
// detected, and non-fatal warnings to show in reports.
#ifndef AURORA_QUERIES_ARTIFACT_H_
#define AURORA_QUERIES_ARTIFACT_H_

#include <map>
#include <string>
#include <vector>

#include "evaluator/expr_eval.h"
#include "evaluator/result.h"
#include "evaluator/sample.h"

namespace aurora {

struct ArtifactData {
  // e.g. "Cobertura XML (coverage.py 7.4.1)", "lcov tracefile", "JUnit XML".
  std::string format;
  // Samples; timestamps are left at the Unix epoch (artifacts are timeless).
  SampleSet samples;
  // Non-fatal observations, e.g. "JaCoCo report LINE counter 5/6 differs
  // from the sum of its packages 10/12; using the report counter".
  std::vector<std::string> warnings;
  // Metrics that could not be produced, with why (json/http `values:` whose
  // pick failed, or an http body that is not JSON). A rule that uses one
  // is `error` with that reason; the other metrics stay usable.
  std::map<std::string, std::string> metric_errors;
  // Metrics the artifact itself casts doubt on, with why: a JUnit suite
  // whose tests/failures/errors counters claim more than its testcases
  // hold. A rule that uses one is `inconclusive` with that reason, unless
  // its source trusts the data anyway (junit `counters: trust-testcases`),
  // then the reason is a warning.
  std::map<std::string, std::string> metric_inconclusive;
  // Security sources: every finding that counts (ignored ones left out),
  // worst first, for the reports' tables (queries/source_breakdown.h).
  std::vector<FindingResult> findings;
};

}  // namespace aurora

#endif  // AURORA_QUERIES_ARTIFACT_H_
