// File: reports/markdown_report.h
// The Markdown summary for a GitHub step summary ($GITHUB_STEP_SUMMARY) or a
// GitLab comment: a verdict line, then per gate a checklist table (outcome
// mark and word, rule, observed values, thresholds, reason).
#ifndef AURORA_REPORTS_MARKDOWN_REPORT_H_
#define AURORA_REPORTS_MARKDOWN_REPORT_H_

#include <string>

#include "evaluator/result.h"

namespace aurora {

struct MarkdownOptions {
  // When set, a link to the HTML go-live report is added under the verdict.
  std::string html_report_url;
};

// Marks: ✅ pass, ⚠️ warn, ⏳ pending, ❔ inconclusive, 🛑 error, ❌
// fail, 🧪 dry run; the outcome word is always written next to the mark.
// Every untrusted string is escaped so that it cannot end a table cell or a
// row, open a code span or a link, or inject HTML.
std::string RenderMarkdown(const RunResult& run,
                           const MarkdownOptions& options);

}  // namespace aurora

#endif  // AURORA_REPORTS_MARKDOWN_REPORT_H_
