// File: base/trace.h
// A timing trace for profiling one run: when the environment variable
// AURORA_GATE_TRACE is set and not empty, TraceEvent("what") writes
//   aurora-gate trace <unix microseconds> <what>
// to stderr (one write per line, so lines of concurrent writers stay whole).
// Off by default: then it costs one branch. Never pass secrets: the line is
// printed as given.
#ifndef AURORA_BASE_TRACE_H_
#define AURORA_BASE_TRACE_H_

#include <string_view>

namespace aurora {

bool TraceEnabled();
void TraceEvent(std::string_view what);

}  // namespace aurora

#endif  // AURORA_BASE_TRACE_H_
