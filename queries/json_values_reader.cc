#include "queries/json_values_reader.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "queries/json_document.h"
#include "queries/json_picker.h"

namespace aurora {
namespace {

struct Parsed {
  std::vector<std::unique_ptr<rapidjson::Document>> docs;
  std::vector<JsonDoc> views;
  bool lines = false;
};

absl::StatusOr<Parsed> ParseLines(std::string_view content,
                                  std::string_view name) {
  Parsed out;
  out.lines = true;
  size_t line_no = 0;
  size_t at = 0;
  while (at <= content.size()) {
    size_t nl = content.find('\n', at);
    std::string_view line = content.substr(
        at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    ++line_no;
    at = nl == std::string_view::npos ? content.size() + 1 : nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    absl::StatusOr<std::unique_ptr<rapidjson::Document>> doc =
        ParseJson(line, absl::StrCat(Sv(name), " line ", line_no));
    if (!doc.ok()) return doc.status();
    out.views.push_back({doc->get(), absl::StrCat("line ", line_no)});
    out.docs.push_back(*std::move(doc));
  }
  if (out.docs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(name), ": empty file, expected JSON lines"));
  }
  return out;
}

absl::StatusOr<Parsed> Parse(std::string_view content, std::string_view name,
                             bool json_lines) {
  if (json_lines) return ParseLines(content, name);
  absl::StatusOr<std::unique_ptr<rapidjson::Document>> doc =
      ParseJson(content, name);
  if (!doc.ok()) {
    // "{...}\n{...}": a first document followed by more is JSON lines.
    if (absl::StrContains(doc.status().message(),
                          "root must not be followed by other values") &&
        content.find('\n') != std::string_view::npos) {
      absl::StatusOr<Parsed> lines = ParseLines(content, name);
      if (lines.ok()) return lines;
    }
    return doc.status();
  }
  Parsed out;
  out.views.push_back({doc->get(), ""});
  out.docs.push_back(*std::move(doc));
  return out;
}

}  // namespace

bool IsJsonLinesName(std::string_view name) {
  return absl::EndsWith(Sv(name), ".jsonl") ||
         absl::EndsWith(Sv(name), ".ndjson") ||
         absl::EndsWith(Sv(name), ".jsonlines");
}

absl::StatusOr<ArtifactData> ParseJsonValues(
    std::string_view content, std::string_view name,
    const std::vector<JsonValueSpec>& values, bool json_lines) {
  absl::StatusOr<Parsed> parsed =
      Parse(content, name, json_lines || IsJsonLinesName(name));
  if (!parsed.ok()) return parsed.status();
  ArtifactData out;
  out.format = parsed->lines
                   ? absl::StrCat("JSON lines, ", parsed->docs.size(),
                                  parsed->docs.size() == 1 ? " record"
                                                           : " records")
                   : "JSON";
  for (const JsonValueSpec& v : values) {
    absl::StatusOr<std::optional<double>> value =
        PickAndReduce(parsed->views, v);
    if (!value.ok()) {
      out.metric_errors[v.metric] =
          absl::StrCat(Sv(name), ": ", value.status().message());
      continue;
    }
    if (!value->has_value()) continue;  // nothing picked: no data
    Sample s;
    s.labels = Labels({{"__name__", v.metric}});
    s.value = **value;
    out.samples.samples.push_back(std::move(s));
  }
  return out;
}

}  // namespace aurora
