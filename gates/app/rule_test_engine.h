// File: gates/app/rule_test_engine.h
// The PromQL engine `aurora-gate test` runs against: a throw-away Prometheus
// on 127.0.0.1:<free port>, its data dir in a temp dir filled beforehand
// with `promtool tsdb create-blocks-from openmetrics`, killed (SIGKILL: its data is
// throw-away) and removed when the engine is destroyed. Started once per run.
#ifndef AURORA_GATES_APP_RULE_TEST_ENGINE_H_
#define AURORA_GATES_APP_RULE_TEST_ENGINE_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace aurora {

struct EngineBinaries {
  std::string prometheus;
  std::string promtool;
};

// The `prometheus` to run: `prometheus_flag` (--prometheus-binary) when
// given, else the first in PATH; `promtool` beside it, else in PATH.
// kNotFound naming what is missing and how to point at it.
absl::StatusOr<EngineBinaries> FindEngineBinaries(const std::string& prometheus_flag);

// One sample to backfill (a stale marker cannot be: OpenMetrics has none).
struct EngineSample {
  std::string name;
  std::map<std::string, std::string> labels;
  int64_t unix_ms = 0;
  double value = 0;
};

// OpenMetrics text of `samples` (sorted here by series, then time; no
// metadata lines, so every family is `unknown` and names keep their
// suffixes), "# EOF" at the end. Pure.
std::string RenderOpenMetrics(std::vector<EngineSample> samples);

class RuleTestEngine {
 public:
  struct Options {
    EngineBinaries binaries;
    // The server's global.evaluation_interval: the default step of a
    // subquery without one (promtool uses the test file's interval).
    absl::Duration evaluation_interval = absl::Minutes(1);
    absl::Duration start_timeout = absl::Seconds(30);
  };
  // Backfills `samples` and starts the server; returns once /-/ready
  // answers. Errors carry the tool's output (kInternal for a failed
  // backfill, kUnavailable when the server did not become ready).
  static absl::StatusOr<std::unique_ptr<RuleTestEngine>> Start(
      const Options& options, const std::vector<EngineSample>& samples);
  ~RuleTestEngine();
  RuleTestEngine(const RuleTestEngine&) = delete;
  RuleTestEngine& operator=(const RuleTestEngine&) = delete;

  std::string url() const;  // http://127.0.0.1:PORT
  pid_t pid() const { return pid_; }

 private:
  RuleTestEngine() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace aurora

#endif  // AURORA_GATES_APP_RULE_TEST_ENGINE_H_
