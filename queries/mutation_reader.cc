#include "queries/mutation_reader.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/json_document.h"
#include "queries/json_pieces.h"
#include "queries/mutation_counts.h"
#include "queries/xml_document.h"

namespace aurora {
namespace {

using rapidjson::Value;

constexpr std::string_view kExpected =
    "expected Stryker mutation-testing-report JSON, PIT mutations.xml or "
    "mutmut results";

enum class Tool { kStryker, kPit, kMutmut };

struct ReadReport {
  Tool tool;
  std::string format;
  bool partial = false;
};

absl::Status Invalid(std::string_view file, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(Sv(file), ": ", Sv(problem)));
}

std::string_view Str(const Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

const Value* Member(const Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// ---- Stryker --------------------------------------------------------------

const std::set<std::string>& StrykerStatuses() {
  static const auto* k = new std::set<std::string>{
      "killed",        "survived",      "timeout", "no_coverage",
      "compile_error", "runtime_error", "ignored", "pending"};
  return *k;
}

// calculateMetrics.ts toMetrics: the eight known statuses only.
std::optional<MutantClass> StrykerClass(std::string_view status) {
  if (status == "Killed" || status == "Timeout") return MutantClass::kDetected;
  if (status == "Survived") return MutantClass::kSurvived;
  if (status == "NoCoverage") return MutantClass::kNoCoverage;
  if (status == "CompileError" || status == "RuntimeError" ||
      status == "Ignored" || status == "Pending") {
    return MutantClass::kExcluded;
  }
  return std::nullopt;
}

// `report`: the Stryker JSON split at "/files" (one file's DOM at a time).
absl::StatusOr<ReadReport> ReadStryker(const JsonPieces& report,
                                       std::string_view name,
                                       MutationCounts& counts,
                                       std::vector<std::string>& warnings) {
  const Value& root = report.skeleton();
  const Value& version = root["schemaVersion"];
  std::string version_text;
  if (version.IsString()) {
    version_text = std::string(Str(version));
  } else if (version.IsNumber()) {
    version_text = absl::StrCat(version.GetDouble());
  } else {
    return Invalid(name, absl::StrCat("\"schemaVersion\" is ", JsonTypeName(version),
                                      ", expected a string such as \"2\""));
  }
  if (version_text.empty() || (version_text[0] != '1' && version_text[0] != '2')) {
    return Invalid(name, absl::StrCat("Stryker report schemaVersion \"",
                                      version_text,
                                      "\" is not supported (expected 1 or 2)"));
  }
  const Value& files = root["files"];
  if (!files.IsObject()) {
    return Invalid(name, absl::StrCat("\"files\" is ", JsonTypeName(files),
                                      ", expected an object of files"));
  }
  std::set<std::string> unknown;
  JsonPieces::Scratch scratch;
  for (size_t fi = 0; fi < report.Count("/files"); ++fi) {
    const std::string& path = report.Key("/files", fi);
    const Value& file = report.Piece("/files", fi, scratch);
    const Value* mutants = file.IsObject() ? Member(file, "mutants") : nullptr;
    if (mutants == nullptr || !mutants->IsArray()) {
      return Invalid(name, absl::StrCat("file \"", path,
                                        "\": no \"mutants\" array"));
    }
    MutationTally& tally = counts.files[path];
    for (rapidjson::SizeType i = 0; i < mutants->Size(); ++i) {
      const Value& m = (*mutants)[i];
      const Value* status = m.IsObject() ? Member(m, "status") : nullptr;
      if (status == nullptr || !status->IsString()) {
        return Invalid(name, absl::StrCat("file \"", path, "\": mutants[", i,
                                          "] has no \"status\" string"));
      }
      std::optional<MutantClass> cls = StrykerClass(Str(*status));
      if (!cls) unknown.insert(std::string(Str(*status)));
      tally.Add(SnakeCaseStatus(Str(*status)), cls.value_or(MutantClass::kExcluded));
    }
  }
  for (const std::string& s : unknown) {
    warnings.push_back(absl::StrCat(
        Sv(name), ": status \"", s,
        "\" is not a Stryker status; counted in mutants{status=\"",
        SnakeCaseStatus(s), "\"}, left out of the score as Stryker does"));
  }
  counts.known_statuses.insert(StrykerStatuses().begin(), StrykerStatuses().end());
  return ReadReport{Tool::kStryker,
                    absl::StrCat("Stryker mutation-testing-report JSON (schema ",
                                 version_text, ")")};
}

// ---- mutmut ---------------------------------------------------------------

const std::set<std::string>& MutmutStatuses() {
  static const auto* k = new std::set<std::string>{
      "killed",      "survived",   "timeout",  "no_coverage",
      "caught_by_type_check",      "suspicious", "skipped",
      "segfault",    "not_checked", "interrupted"};
  return *k;
}

// mutmut's status_by_exit_code (None = not checked; others suspicious).
std::pair<std::string, MutantClass> MutmutStatus(const Value& code) {
  if (code.IsNull()) return {"not_checked", MutantClass::kExcluded};
  if (!code.IsInt()) return {"suspicious", MutantClass::kExcluded};
  switch (code.GetInt()) {
    case 1:
    case 3:
      return {"killed", MutantClass::kDetected};
    case 0:
      return {"survived", MutantClass::kSurvived};
    case 5:
    case 33:
      return {"no_coverage", MutantClass::kNoCoverage};
    case 2:
      return {"interrupted", MutantClass::kExcluded};
    case 34:
      return {"skipped", MutantClass::kExcluded};
    case 36:
    case -24:
    case 24:
    case 152:
    case 255:
      return {"timeout", MutantClass::kDetected};
    case 37:
      return {"caught_by_type_check", MutantClass::kDetected};
    case -11:
    case -9:
      return {"segfault", MutantClass::kExcluded};
    default:
      return {"suspicious", MutantClass::kExcluded};
  }
}

// "…/mutants/src/a.py.meta" -> "src/a.py".
std::string MutmutSourceFile(std::string_view meta_path) {
  std::string p(meta_path);
  std::replace(p.begin(), p.end(), '\\', '/');
  if (absl::EndsWith(p, ".meta")) p.resize(p.size() - 5);
  if (absl::StartsWith(p, "mutants/")) return p.substr(8);
  const size_t at = p.rfind("/mutants/");
  if (at != std::string::npos) return p.substr(at + 9);
  return p;
}

absl::Status ReadMutmutMap(const Value& map, std::string_view name,
                           const std::string& where, const std::string& file,
                           MutationCounts& counts) {
  if (!map.IsObject()) {
    return Invalid(name, absl::StrCat(where, " is ", JsonTypeName(map),
                                      ", expected an object of mutant names "
                                      "to exit codes"));
  }
  MutationTally& tally = counts.files[file];
  for (auto m = map.MemberBegin(); m != map.MemberEnd(); ++m) {
    if (!m->value.IsNull() && !m->value.IsInt()) {
      return Invalid(name, absl::StrCat(where, ": mutant \"", Sv(Str(m->name)),
                                        "\" has ", JsonTypeName(m->value),
                                        ", expected an exit code or null"));
    }
    auto [status, cls] = MutmutStatus(m->value);
    tally.Add(status, cls);
  }
  return absl::OkStatus();
}

bool LooksLikeMutmutSnapshot(const Value& root) {
  if (root.MemberCount() == 0) return false;
  for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
    if (!absl::EndsWith(Sv(Str(m->name)), ".meta") || !m->value.IsObject()) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<ReadReport> ReadMutmut(const Value& root, std::string_view name,
                                      MutationCounts& counts) {
  if (const Value* codes = Member(root, "exit_code_by_key")) {
    RETURN_IF_ERROR(ReadMutmutMap(*codes, name, "\"exit_code_by_key\"",
                                  MutmutSourceFile(name), counts));
  } else {
    for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
      const Value* file_codes = Member(m->value, "exit_code_by_key");
      RETURN_IF_ERROR(ReadMutmutMap(file_codes != nullptr ? *file_codes : m->value, name,
                                    absl::StrCat("\"", Sv(Str(m->name)), "\""),
                                    MutmutSourceFile(Str(m->name)), counts));
    }
  }
  counts.known_statuses.insert(MutmutStatuses().begin(), MutmutStatuses().end());
  return ReadReport{Tool::kMutmut, "mutmut 3 results"};
}

// ---- PIT ------------------------------------------------------------------

const std::set<std::string>& PitStatuses() {
  static const auto* k = new std::set<std::string>{
      "killed",       "survived",  "timeout",     "no_coverage", "non_viable",
      "memory_error", "run_error", "not_started", "started"};
  return *k;
}

bool PitDetectedStatus(std::string_view s) {
  return s == "KILLED" || s == "TIMED_OUT" || s == "NON_VIABLE" ||
         s == "MEMORY_ERROR" || s == "RUN_ERROR" || s == "EQUIVALENT";
}

absl::StatusOr<ReadReport> ReadPit(std::string_view content,
                                   std::string_view name,
                                   MutationCounts& counts) {
  ASSIGN_OR_RETURN(std::unique_ptr<pugi::xml_document> doc,
                   ParseXml(content, name));
  pugi::xml_node root = doc->document_element();
  if (std::string_view(root.name()) != "mutations") {
    return Invalid(name, absl::StrCat("not a mutation report: the root "
                                      "element is <",
                                      root.name(), ">; ", Sv(kExpected)));
  }
  ReadReport report{Tool::kPit, "PIT mutations.xml"};
  report.partial = std::string_view(root.attribute("partial").value()) == "true";
  size_t index = 0;
  for (pugi::xml_node m : root.children("mutation")) {
    ++index;
    const std::string_view status = m.attribute("status").value();
    if (status.empty()) {
      return Invalid(name, absl::StrCat("mutation ", index,
                                        " (line offset ", m.offset_debug(),
                                        ") has no status attribute"));
    }
    bool detected = PitDetectedStatus(status);
    if (pugi::xml_attribute d = m.attribute("detected")) {
      const std::string_view v = d.value();
      if (v != "true" && v != "false") {
        return Invalid(name, absl::StrCat("mutation ", index,
                                          ": detected=\"", Sv(v),
                                          "\", expected true or false"));
      }
      detected = v == "true";
    }
    const std::string label =
        status == "TIMED_OUT" ? "timeout" : SnakeCaseStatus(status);
    const MutantClass cls = detected ? MutantClass::kDetected
                            : status == "NO_COVERAGE" ? MutantClass::kNoCoverage
                                                      : MutantClass::kSurvived;
    // The file: the mutated class's package as a directory + sourceFile.
    std::string file = m.child("sourceFile").text().get();
    std::string cls_name = m.child("mutatedClass").text().get();
    const size_t dot = cls_name.rfind('.');
    if (dot != std::string::npos) {
      std::string dir = cls_name.substr(0, dot);
      std::replace(dir.begin(), dir.end(), '.', '/');
      file = file.empty() ? dir : absl::StrCat(dir, "/", file);
    }
    if (file.empty()) file = "(unknown)";
    counts.files[file].Add(label, cls);
  }
  counts.known_statuses.insert(PitStatuses().begin(), PitStatuses().end());
  return report;
}

// ---- detection ------------------------------------------------------------

absl::StatusOr<ReadReport> ReadOne(std::string_view content,
                                   std::string_view name, MutationCounts& counts,
                                   std::vector<std::string>& warnings) {
  size_t first = content.find_first_not_of(" \t\r\n");
  if (content.substr(0, 3) == "\xEF\xBB\xBF") {
    first = content.find_first_not_of(" \t\r\n", 3);
  }
  if (first != std::string_view::npos && content[first] == '<') {
    return ReadPit(content, name, counts);
  }
  ASSIGN_OR_RETURN(const JsonPieces doc,
                   JsonPieces::Parse(content, name, {"/files"}));
  const Value& root = doc.skeleton();
  if (!root.IsObject()) {
    return Invalid(name, absl::StrCat("not a mutation report: the top level is ",
                                      JsonTypeName(root), "; ", Sv(kExpected)));
  }
  if (root.HasMember("schemaVersion") && root.HasMember("files")) {
    return ReadStryker(doc, name, counts, warnings);
  }
  if (root.HasMember("exit_code_by_key") || LooksLikeMutmutSnapshot(root)) {
    return ReadMutmut(root, name, counts);
  }
  return Invalid(name, absl::StrCat("not a mutation report: no "
                                    "\"schemaVersion\" and \"files\" "
                                    "(Stryker) nor mutmut exit codes; ",
                                    Sv(kExpected)));
}

}  // namespace

absl::StatusOr<ArtifactData> ParseMutationFiles(
    const std::vector<std::pair<std::string, std::string>>& files,
    const MutationOptions& options) {
  if (files.empty()) {
    return absl::InvalidArgumentError("no mutation report to read");
  }
  MutationCounts counts;
  ArtifactData data;
  std::optional<Tool> scoring_tool;
  std::set<std::string> formats;
  bool partial = false;
  for (const auto& [name, content] : files) {
    ASSIGN_OR_RETURN(ReadReport report,
                     ReadOne(content, name, counts, data.warnings));
    const bool pit = report.tool == Tool::kPit;
    if (scoring_tool && (*scoring_tool == Tool::kPit) != pit) {
      return Invalid(name, "PIT reports cannot be summed with Stryker or "
                           "mutmut reports (their scores are defined "
                           "differently); use two sources");
    }
    scoring_tool = report.tool;
    formats.insert(report.format);
    if (report.partial) {
      partial = true;
      data.warnings.push_back(absl::StrCat(
          name, ": PIT report is partial (partial=\"true\"): the run did not "
                "finish, the counts are incomplete"));
    }
  }
  counts.scoring = scoring_tool == Tool::kPit ? MutationScoring::kPit
                                              : MutationScoring::kStryker;
  data.format = absl::StrJoin(formats, ", ");
  if (partial) absl::StrAppend(&data.format, " (partial)");
  data.samples = MutationSamples(counts, options.module_depth);
  data.samples.samples.push_back(
      MakeSample("mutation_report_partial", Labels(), partial ? 1 : 0));
  double all = 0;
  for (const auto& [file, tally] : counts.files) all += tally.all;
  if (all == 0) {
    data.warnings.push_back(absl::StrCat(
        files.size() == 1 ? files[0].first : std::string("the reports"),
        ": no mutants"));
  }
  return data;
}

absl::StatusOr<ArtifactData> ParseMutation(std::string_view content,
                                           std::string_view name,
                                           const MutationOptions& options) {
  return ParseMutationFiles({{std::string(name), std::string(content)}},
                            options);
}

}  // namespace aurora
