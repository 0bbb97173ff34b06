// File: base/prometheus_text.h
// Prometheus' text exposition format (and OpenMetrics): how a label value
// is written between its double quotes.
#ifndef AURORA_BASE_PROMETHEUS_TEXT_H_
#define AURORA_BASE_PROMETHEUS_TEXT_H_

#include <string>
#include <string_view>

namespace aurora {

// `v` with \ written as \\, " as \" and a newline as \n (the only escapes
// the format has); every other byte as it is.
std::string EscapeLabelValue(std::string_view v);

}  // namespace aurora

#endif  // AURORA_BASE_PROMETHEUS_TEXT_H_
