#include "queries/coverage_reader.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/cobertura_reader.h"
#include "queries/cobertura_reader_internal.h"
#include "queries/coverage_counts.h"
#include "queries/coverage_py_json_reader.h"
#include "queries/coverage_reader_internal.h"
#include "queries/jacoco_reader.h"
#include "queries/json_document.h"
#include "queries/lcov_reader.h"
#include "queries/xml_document.h"

namespace aurora {
namespace {

absl::Status NotCoverage(std::string_view name, std::string_view found) {
  return absl::InvalidArgumentError(
      absl::StrCat(Sv(name), ": not a coverage report: found ", Sv(found), "; ",
                   Sv(kExpectedCoverageFormats)));
}

bool Has(const rapidjson::Value& obj, const char* key) {
  return obj.IsObject() && obj.FindMember(key) != obj.MemberEnd();
}

bool HasArray(const rapidjson::Value& obj, const char* key) {
  return Has(obj, key) && obj[key].IsArray();
}

// Names the kind of a non-coverage.py JSON document for the error message.
std::string DescribeJson(const rapidjson::Value& doc) {
  if (doc.IsArray()) return "a JSON array, not a coverage.py JSON object";
  if (!doc.IsObject()) return "a JSON scalar, not a coverage.py JSON object";
  if (HasArray(doc, "benchmarks") && Has(doc, "machine_info")) {
    return "pytest-benchmark JSON (\"benchmarks\" and \"machine_info\")";
  }
  if (Has(doc, "version") && doc["version"].IsString() &&
      std::string_view(doc["version"].GetString()) == "2.1.0" &&
      HasArray(doc, "runs")) {
    return "SARIF 2.1.0 JSON (\"version\" and \"runs\")";
  }
  if (Has(doc, "schemaVersion") && Has(doc, "files")) {
    return "Stryker mutation report JSON (\"schemaVersion\" and \"files\")";
  }
  if (Has(doc, "SchemaVersion") &&
      (Has(doc, "ArtifactName") || Has(doc, "Results"))) {
    return "Trivy JSON (\"SchemaVersion\")";
  }
  if (HasArray(doc, "results") && Has(doc, "metrics") &&
      Has(doc, "generated_at")) {
    return "Bandit JSON (\"results\", \"metrics\" and \"generated_at\")";
  }
  if (Has(doc, "auditReportVersion") || Has(doc, "advisories")) {
    return "npm audit JSON";
  }
  if (HasArray(doc, "results") && HasArray(doc, "errors")) {
    return "Semgrep JSON (\"results\" and \"errors\")";
  }
  std::string keys;
  int n = 0;
  for (const auto& m : doc.GetObject()) {
    if (n == 5) {
      absl::StrAppend(&keys, ", …");
      break;
    }
    absl::StrAppend(
        &keys, n == 0 ? "" : ", ", "\"",
        Excerpt(std::string_view(m.name.GetString(), m.name.GetStringLength())),
        "\"");
    ++n;
  }
  if (n == 0) return "an empty JSON object";
  return absl::StrCat("a JSON object with keys ", keys,
                      " (coverage.py JSON has \"meta\", \"files\" and "
                      "\"totals\")");
}

absl::StatusOr<ArtifactData> ParseCoverageXml(std::string_view content,
                                              std::string_view name,
                                              bool streaming) {
  // Fast path for the common Cobertura file; it declines everything else
  // (errors included), which then goes through the DOM below.
  if (streaming) {
    if (std::optional<ArtifactData> fast =
            TryParseCoberturaStreaming(content)) {
      return *std::move(fast);
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<pugi::xml_document> doc,
                   ParseXml(content, name));
  pugi::xml_node root = doc->document_element();
  std::string_view tag = root.name();
  if (tag == "coverage") {
    if (root.attribute("clover") || root.child("project")) {
      return NotCoverage(name,
                         "Clover XML (root <coverage> with a clover "
                         "attribute or <project>)");
    }
    if (root.attribute("line-rate") || root.child("packages")) {
      return ParseCobertura(*doc, content, name);
    }
    return NotCoverage(name,
                       "XML with root <coverage> but neither "
                       "Cobertura's line-rate and <packages> nor "
                       "Clover's <project>");
  }
  if (tag == "report") {
    // The DOCTYPE is not kept by the parser; look at the prolog text.
    if (absl::StrContains(Sv(content.substr(0, 1024)),
                          "-//JACOCO//DTD Report") ||
        root.attribute("name")) {
      return ParseJacoco(*doc, name);
    }
    return NotCoverage(name,
                       "XML with root <report> but without JaCoCo's "
                       "DOCTYPE or name attribute");
  }
  if (tag == "testsuites" || tag == "testsuite") {
    return NotCoverage(name, absl::StrCat("JUnit XML (root <", Sv(tag), ">)"));
  }
  if (tag == "mutations") {
    return NotCoverage(name, "PIT mutations XML (root <mutations>)");
  }
  return NotCoverage(name, absl::StrCat("XML with root <", Excerpt(tag), ">"));
}

absl::StatusOr<ArtifactData> ParseCoverageJson(std::string_view content,
                                               std::string_view name) {
  ASSIGN_OR_RETURN(std::unique_ptr<rapidjson::Document> doc,
                   ParseJson(content, name));
  // Anything with coverage.py's "files" and "totals" goes to its reader,
  // which names the key that is wrong.
  if (LooksLikeCoveragePyJson(*doc) ||
      (Has(*doc, "files") && Has(*doc, "totals"))) {
    return ParseCoveragePyJson(*doc, name);
  }
  return NotCoverage(name, DescribeJson(*doc));
}

absl::StatusOr<ArtifactData> ParseCoverageImpl(std::string_view content,
                                               std::string_view name,
                                               bool streaming) {
  std::string_view body = content;
  if (absl::StartsWith(Sv(body), "\xEF\xBB\xBF")) body.remove_prefix(3);
  if (absl::StartsWith(Sv(body), "\xFF\xFE") ||
      absl::StartsWith(Sv(body), "\xFE\xFF")) {
    return ParseCoverageXml(content, name, streaming);  // UTF-16 with BOM: only XML
  }
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name),
                     ": empty file, expected a coverage report (Cobertura XML, "
                     "JaCoCo XML, coverage.py JSON or an lcov tracefile)"));
  }
  char c = body[first];
  if (c == '<') return ParseCoverageXml(content, name, streaming);
  if (c == '{' || c == '[') return ParseCoverageJson(content, name);
  if (LooksLikeLcov(body)) return ParseLcov(content, name);
  std::string_view line = body.substr(first);
  line = line.substr(0, line.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return NotCoverage(name,
                     absl::StrCat("text that is neither XML, JSON nor an lcov "
                                  "tracefile (first line \"",
                                  Excerpt(line), "\")"));
}

}  // namespace

absl::StatusOr<ArtifactData> ParseCoverage(std::string_view content,
                                           std::string_view name) {
  return ParseCoverageImpl(content, name, /*streaming=*/true);
}

absl::StatusOr<ArtifactData> ParseCoverageDom(std::string_view content,
                                              std::string_view name) {
  return ParseCoverageImpl(content, name, /*streaming=*/false);
}

}  // namespace aurora
