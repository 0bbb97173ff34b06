// File: queries/mutation_reader.h
// Mutation-testing reports -> `mutants{status=…}`, `mutation_score_percent`,
// `mutation_score_covered_percent`, in total, per `module` and per `file`
// (queries/mutation_counts.h). Auto-detected formats (docs/FORMATS.md §7):
// - Stryker mutation-testing-report JSON, schema v1/v2 (StrykerJS,
//   Stryker.NET, Stryker4s, cargo-mutants, …): Stryker's scores;
// - PIT mutations.xml: PIT's scores (score = detected / all, test strength
//   = detected / (all - NO_COVERAGE), rounded as PIT prints them); a report
//   with partial="true" is flagged (warning, `mutation_report_partial` 1);
// - mutmut 3 results: a `mutants/**/*.py.meta` file (exit_code_by_key) or a
//   JSON object of such files' exit_code_by_key maps, keyed by .meta path;
//   exit codes mapped as mutmut's status_by_exit_code, scored as Stryker.
#ifndef AURORA_QUERIES_MUTATION_READER_H_
#define AURORA_QUERIES_MUTATION_READER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "queries/artifact.h"

namespace aurora {

struct MutationOptions {
  // `module` label depth: 0 = the file's directory; N = its first N
  // directories.
  int module_depth = 0;
};

// Status labels (lower snake case; always emitted in total, 0 included):
//   Stryker: killed, survived, timeout, no_coverage, compile_error,
//            runtime_error, ignored, pending (other statuses, e.g. old
//            Stryker.NET's BuildError, are kept as samples and scored nowhere)
//   PIT:     killed, survived, timeout (TIMED_OUT), no_coverage, non_viable,
//            memory_error, run_error, not_started, started (others as seen;
//            `detected` decides the score)
//   mutmut:  killed, survived, timeout, no_coverage ("no tests"),
//            caught_by_type_check (all three detected), suspicious, skipped,
//            segfault, not_checked, interrupted (excluded from the score)
// Also `mutation_report_partial` (1 when a PIT report says partial="true").
// Returns InvalidArgument naming `name` for broken or foreign input (a
// mutant without a status, a file without mutants array, …). Pure.
absl::StatusOr<ArtifactData> ParseMutation(std::string_view content,
                                           std::string_view name,
                                           const MutationOptions& options = {});

// Several reports (name, content) summed into one source; reports of PIT
// and of Stryker/mutmut cannot be mixed (different score definitions).
// InvalidArgument for an empty list. Pure.
absl::StatusOr<ArtifactData> ParseMutationFiles(
    const std::vector<std::pair<std::string, std::string>>& files,
    const MutationOptions& options = {});

}  // namespace aurora

#endif  // AURORA_QUERIES_MUTATION_READER_H_
