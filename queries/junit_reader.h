// File: queries/junit_reader.h
// JUnit XML test reports (pytest, Surefire, Gradle, jest-junit, gtest, …) ->
// `tests{result=…}`, `tests_flaky`, `tests_duration_seconds`, in total and
// per suite (`suite` label). Counts testcases the way Jenkins' junit-plugin
// does (docs/FORMATS.md §6), with aurora-gate's split of error from failed.
#ifndef AURORA_QUERIES_JUNIT_READER_H_
#define AURORA_QUERIES_JUNIT_READER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "queries/artifact.h"

namespace aurora {

// Samples (totals carry no `suite` label; detail_labels = {"suite"}):
//   tests{result="passed"|"failed"|"error"|"skipped"}  always all four
//   tests_flaky                passed only after a rerun (flakyFailure/Error)
//   tests_duration_seconds     Σ suite durations; a suite's duration is its
//                              `time` attribute, else Σ of its case times
// and the same per suite. Suites are every <testsuite> reached through
// <testsuite>/<testsuites> children at any depth that has a direct <testcase>
// or <error> child; suites with the same name are merged (Jenkins), so the
// `suite` label is unique. Counts come from testcases only; the count
// attributes are a cross-check: when any <testsuites>/<testsuite> element
// says tests= more than the testcases under it (nested suites included), or
// failures= + errors= more than its failed and erroring ones, `tests` gets
// a metric_inconclusive reason naming the suite and both counts (failures
// that are not testcases, a truncated report), so its rules are
// inconclusive unless the source says `counters: trust-testcases`.
//
// Per testcase: a <skipped> child -> skipped (wins); else the first <failure>
// or <error> child decides failed / error (reruns count once); else skipped
// when gtest/TST mark it not run (status="notrun"|"disabled" or
// result="skipped"|"suppressed"; Jenkins counts those passed); else passed,
// flaky too when it has <flakyFailure>/<flakyError>. A suite's own direct
// <error> child adds one synthetic error case "<init>" (class failed to load).
// Times follow Jenkins' TimeToFloat: ',' removed, Java float syntax, else the
// leading number (DecimalFormat), else 0; clamped to [0 s, 365 days].
//
// Returns InvalidArgument naming `name` for malformed XML (see
// queries/xml_document.h) and for a root other than <testsuites> or
// <testsuite>. A report without testcases yields zeros and a warning. Pure.
absl::StatusOr<ArtifactData> ParseJunit(std::string_view content,
                                        std::string_view name);

// Reads several reports, e.g. the files a glob matched, given as (name,
// content) pairs, and merges them as Jenkins does: suites with the same name
// are one suite (cases of all files, duplicates included). Any file that
// fails to parse fails the whole read with that file's error. InvalidArgument
// for an empty list. Pure.
absl::StatusOr<ArtifactData> ParseJunitFiles(
    const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace aurora

#endif  // AURORA_QUERIES_JUNIT_READER_H_
