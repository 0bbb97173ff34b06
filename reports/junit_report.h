// File: reports/junit_report.h
// JUnit XML for CI test reporters (Jenkins, GitLab, GitHub actions): one
// <testsuite> per gate, one <testcase classname="GATE.GROUP" name="RULE"> per
// rule. The document is valid against Jenkins xunit's junit-10.xsd, and
// against Windy Road's JUnit.xsd too unless a warn or pending case carries
// its <system-out>, which that 2008 schema does not allow inside a testcase
// (see docs/reports.md for the mapping).
#ifndef AURORA_REPORTS_JUNIT_REPORT_H_
#define AURORA_REPORTS_JUNIT_REPORT_H_

#include <string>

#include "evaluator/result.h"

namespace aurora {

// fail → <failure type="fail">; error → <error type="error">; inconclusive
// → <error type="inconclusive"> (undecided is never green); every dry-run
// rule → <skipped>; warn and pending pass with a <system-out> that says
// WARN/PENDING and why, or are <failure type="warn|pending"> when the run is
// strict (as the exit code says). `hostname` is RunResult::hostname. Messages state observed values against the criteria; the element
// text has every series. Characters XML 1.0 forbids become U+FFFD.
// A watch's end-of-watch report: a rule that tripped a stop condition is a
// <failure type="tripped"> (an <error> when it tripped only for not being
// evaluable) whatever its last cycle says, its message giving when it
// tripped, its value and when it resolved; the suite's <system-out> starts
// with the watch's verdict and incident timeline.
std::string RenderJunit(const RunResult& run);

}  // namespace aurora

#endif  // AURORA_REPORTS_JUNIT_REPORT_H_
