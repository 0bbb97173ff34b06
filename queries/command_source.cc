#include "queries/command_source.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "queries/json_values_reader.h"

namespace aurora {
namespace {

// The last non-blank line of `text`, at most 200 bytes.
std::string LastLine(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' ||
                           text.back() == ' ')) {
    text.remove_suffix(1);
  }
  const size_t nl = text.rfind('\n');
  if (nl != std::string_view::npos) text.remove_prefix(nl + 1);
  if (text.size() > 200) text = text.substr(0, 200);
  return std::string(text);
}

}  // namespace

ArtifactData CommandSamples(const SourceSpec& source, const CommandRun& run) {
  ArtifactData data;
  const std::string program = source.argv.empty() ? "" : source.argv[0];
  data.format = absl::StrCat("output of ", program);
  std::string problem;
  if (run.exit_code != 0) {
    const std::string last = LastLine(run.stderr_text);
    problem = absl::StrCat(program, " exited with code ", run.exit_code,
                           last.empty() ? "" : ": ", last);
  } else if (run.stdout_truncated) {
    problem = absl::StrCat(program, " wrote more than ", source.max_output,
                           " bytes to stdout; not read");
  }
  if (!source.values.empty()) {
    if (problem.empty()) {
      absl::StatusOr<ArtifactData> picked = ParseJsonValues(
          run.stdout_text, absl::StrCat("stdout of ", program), source.values);
      if (picked.ok()) {
        data = *std::move(picked);
        data.format = absl::StrCat("JSON output of ", program);
      } else {
        problem = std::string(picked.status().message());
      }
    }
    if (!problem.empty()) {
      for (const JsonValueSpec& v : source.values) {
        data.metric_errors[v.metric] = problem;
      }
    }
  }
  if (!problem.empty() && source.values.empty() && run.exit_code != 0) {
    data.warnings.push_back(problem);
  }
  data.samples.samples.push_back(
      MakeSample("command_exit_code", Labels(), run.exit_code));
  data.samples.samples.push_back(MakeSample(
      "command_duration_seconds", Labels(), absl::ToDoubleSeconds(run.elapsed)));
  return data;
}

}  // namespace aurora
