// File: gates/app/log.h
// The log of a long-running command (watch): one line per event,
// human-readable ("2026-11-27T08:00:00Z INFO msg k=v ...") or one JSON object
// per line (--log-format json). Thread-safe: delivery threads log too.
// Values never hold secrets: callers pass rule names, outcomes, values and
// redacted URLs only.
#ifndef AURORA_GATES_APP_LOG_H_
#define AURORA_GATES_APP_LOG_H_

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"

namespace aurora {

class Logger {
 public:
  Logger(std::ostream& out, Clock& clock, bool json)
      : out_(out), clock_(clock), json_(json) {}

  void Log(std::string_view level, std::string_view msg,
           const std::vector<std::pair<std::string, std::string>>& fields = {});

 private:
  // In the JSON log, counts, codes, seconds and values are JSON numbers and
  // flags are booleans (issue 11.11): a field whose key says it is one and
  // whose text is one. A value that JSON cannot hold stays a string ("NaN",
  // "+Inf", "-Inf"); a missing value is null. Everything else is a string.
  static std::string JsonValue(std::string_view key, const std::string& v);
  // RFC 8259's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  static bool IsJsonNumber(std::string_view s);
  static std::string Upper(std::string_view s);
  static std::string Quote(std::string_view s);

  std::mutex mu_;
  std::ostream& out_;
  Clock& clock_;
  bool json_;
};

}  // namespace aurora

#endif  // AURORA_GATES_APP_LOG_H_
