#include "gates/app/promtool_check.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "base/run_exec.h"
#include "rules/series_notation.h"

namespace aurora {
namespace {

// Removes the temporary file when it goes out of scope.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) std::remove(path.c_str());
  }
};

}  // namespace

absl::StatusOr<std::vector<std::string>> CheckPromqlWithPromtool(
    const std::vector<std::string>& expressions, const std::string& promtool) {
  std::vector<std::string> out(expressions.size());
  if (expressions.empty()) return out;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmpl = absl::StrCat(tmpdir != nullptr && *tmpdir ? tmpdir : "/tmp",
                                  "/aurora-gate-promql-XXXXXX.yml");
  int fd = ::mkstemps(tmpl.data(), 4);
  if (fd < 0) {
    return absl::InternalError("cannot create a temporary rule file for promtool");
  }
  ::close(fd);
  TempFile file{tmpl};
  {
    // One alerting rule per expression, named after its index: promtool
    // reports "rule N" (1-based) for each one it rejects. Go's quoting is
    // also a YAML double-quoted scalar that reads back to the same text.
    std::ofstream f(file.path, std::ios::trunc);
    f << "groups:\n  - name: aurora-gate-lint\n    rules:\n";
    for (size_t i = 0; i < expressions.size(); ++i) {
      f << "      - alert: E" << i << "\n        expr: "
        << GoQuote(expressions[i]) << "\n";
    }
    if (!f.flush()) {
      return absl::InternalError("cannot write a temporary rule file for promtool");
    }
  }
  ExecRequest req;
  req.argv = {promtool, "check", "rules", file.path};
  req.timeout = absl::Minutes(1);
  absl::StatusOr<ExecResult> run = RunExec(req);
  if (!run.ok()) return run.status();
  if (run->ok()) return out;
  // Lines such as:
  // FILE: 5:11: group "aurora-gate-lint", rule 1, "E0": could not parse
  //   expression: 1:17: parse error: unexpected <by> in aggregation
  bool understood = false;
  const std::string_view output = run->output;
  for (size_t pos = 0; pos < output.size();) {
    size_t eol = output.find('\n', pos);
    if (eol == std::string_view::npos) eol = output.size();
    const std::string_view line = output.substr(pos, eol - pos);
    pos = eol + 1;
    size_t at = line.find(", rule ");
    if (at == std::string_view::npos) continue;
    size_t num_start = at + 7;
    size_t num_end = line.find(',', num_start);
    if (num_end == std::string_view::npos) continue;
    const std::string_view digits = line.substr(num_start, num_end - num_start);
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      continue;
    }
    const size_t index = std::stoul(std::string(digits));
    if (index < 1 || index > expressions.size()) continue;
    size_t colon = line.find("\": ", num_end);
    if (colon == std::string_view::npos) continue;
    std::string_view message = line.substr(colon + 3);
    constexpr std::string_view kPrefix = "could not parse expression: ";
    if (message.substr(0, kPrefix.size()) == kPrefix) {
      message.remove_prefix(kPrefix.size());
    }
    std::string& slot = out[index - 1];
    if (!slot.empty()) slot += "; ";
    slot += std::string(message);
    understood = true;
  }
  if (!understood) {
    std::string text = run->output.substr(0, 500);
    return absl::InternalError(absl::StrCat(
        promtool, " check rules failed (", run->Describe(), "): ", text));
  }
  return out;
}

}  // namespace aurora
