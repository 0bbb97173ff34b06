// File: queries/jenkins_time.h
// How Jenkins' JUnit plugin reads a `time` attribute (CaseResult /
// SuiteResult: TimeToFloat, then clampDuration), exactly: Java's
// Float.parseFloat grammar, then DecimalFormat's longest numeric prefix,
// commas dropped, clamped to [0, 365 days] (docs/FORMATS.md §6).
#ifndef AURORA_QUERIES_JENKINS_TIME_H_
#define AURORA_QUERIES_JENKINS_TIME_H_

#include <optional>
#include <string_view>

namespace aurora {

// Jenkins' reading of a `time` attribute (TimeToFloat + clampDuration), in
// seconds; `text` null means the attribute is absent (-> 0). NaN stays NaN,
// as Java's Math.max/min keep it.
double JenkinsTimeSeconds(const char* text);

// JenkinsTimeSeconds for the common plain decimal ("0.677", "12", "3.")
// without strtod; nullopt for anything else (then use JenkinsTimeSeconds).
std::optional<double> PlainDecimalSeconds(std::string_view s);

}  // namespace aurora

#endif  // AURORA_QUERIES_JENKINS_TIME_H_
