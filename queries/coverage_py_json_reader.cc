#include "queries/coverage_py_json_reader.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/number_format.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/coverage_counts.h"
#include "queries/json_document.h"

namespace aurora {
namespace {

struct Summary {
  CoverageCount lines;
  std::optional<CoverageCount> branches;  // only with branch coverage

  // coverage.py's Numbers.pc_covered: 100.0 when there is nothing to cover.
  double CombinedPercent() const {
    double covered = lines.covered + (branches ? branches->covered : 0);
    double valid = lines.valid + (branches ? branches->valid : 0);
    return valid == 0 ? 100.0 : 100.0 * covered / valid;
  }
};

std::string Describe(const rapidjson::Value& v) {
  if (v.IsString()) return absl::StrCat("\"", Excerpt(v.GetString()), "\"");
  if (v.IsNumber()) return FormatNumber(v.GetDouble());
  if (v.IsNull()) return "null";
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  return v.IsObject() ? "an object" : "an array";
}

// Reads `key` of `obj` as a count; `where` names the object in errors.
absl::StatusOr<std::optional<double>> OptionalCount(const rapidjson::Value& obj,
                                                    const char* key,
                                                    std::string_view where) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return std::optional<double>();
  std::optional<double> v = JsonNumber(it->value);
  if (!v.has_value() || !IsCount(*v)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(where), ": \"", key, "\" is ", Describe(it->value),
                     ", expected a count (a non-negative integer)"));
  }
  return v;
}

// Reads the pair valid=`valid_key`, covered=`covered_key` (or valid −
// `missing_key` when covered is absent).
absl::StatusOr<CoverageCount> ReadPair(const rapidjson::Value& obj,
                                       const char* valid_key,
                                       const char* covered_key,
                                       const char* missing_key,
                                       std::string_view where) {
  ASSIGN_OR_RETURN(std::optional<double> valid,
                   OptionalCount(obj, valid_key, where));
  ASSIGN_OR_RETURN(std::optional<double> covered,
                   OptionalCount(obj, covered_key, where));
  ASSIGN_OR_RETURN(std::optional<double> missing,
                   OptionalCount(obj, missing_key, where));
  if (!valid.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(where), ": \"", valid_key, "\" is missing"));
  }
  if (!covered.has_value()) {
    if (!missing.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Sv(where), ": neither \"", covered_key, "\" nor \"",
                       missing_key, "\" is present"));
    }
    if (*missing > *valid) {
      return absl::InvalidArgumentError(absl::StrCat(
          Sv(where), ": \"", missing_key, "\" ", FormatNumber(*missing),
          " exceeds \"", valid_key, "\" ", FormatNumber(*valid)));
    }
    covered = *valid - *missing;
  }
  if (*covered > *valid) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(where), ": \"", covered_key, "\" ", FormatNumber(*covered),
        " exceeds \"", valid_key, "\" ", FormatNumber(*valid)));
  }
  return CoverageCount{*covered, *valid};
}

absl::StatusOr<Summary> ReadSummary(const rapidjson::Value& summary,
                                    bool branch, std::string_view where) {
  if (!summary.IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(where), " is ", Describe(summary), ", expected an object"));
  }
  Summary s;
  ASSIGN_OR_RETURN(s.lines, ReadPair(summary, "num_statements", "covered_lines",
                                     "missing_lines", where));
  if (branch) {
    ASSIGN_OR_RETURN(s.branches,
                     ReadPair(summary, "num_branches", "covered_branches",
                              "missing_branches", where));
  }
  return s;
}

void AppendSummary(const Summary& s, const Labels& labels,
                   std::vector<Sample>* out) {
  AppendCoverageSamples(kLineUnit, s.lines, labels, out);
  if (s.branches.has_value()) {
    AppendCoverageSamples(kBranchUnit, *s.branches, labels, out);
  }
  out->push_back(
      MakeSample("coverage_combined_percent", labels, s.CombinedPercent()));
}

}  // namespace

bool LooksLikeCoveragePyJson(const rapidjson::Value& doc) {
  if (!doc.IsObject()) return false;
  auto meta = doc.FindMember("meta");
  auto files = doc.FindMember("files");
  auto totals = doc.FindMember("totals");
  if (meta == doc.MemberEnd() || files == doc.MemberEnd() ||
      totals == doc.MemberEnd()) {
    return false;
  }
  if (!meta->value.IsObject() || !files->value.IsObject() ||
      !totals->value.IsObject()) {
    return false;
  }
  auto version = meta->value.FindMember("version");
  return version != meta->value.MemberEnd() && version->value.IsString();
}

absl::StatusOr<ArtifactData> ParseCoveragePyJson(const rapidjson::Value& doc,
                                                 std::string_view name) {
  std::string where = absl::StrCat(Sv(name), ": coverage.py JSON");
  if (!LooksLikeCoveragePyJson(doc)) {
    return absl::InvalidArgumentError(
        absl::StrCat(where,
                     ": expected an object with \"meta\" (with a string "
                     "\"version\"), \"files\" and \"totals\" objects"));
  }
  const rapidjson::Value& meta = doc["meta"];
  int format = 1;  // reports before coverage.py 5.0 have no meta.format
  if (auto f = meta.FindMember("format"); f != meta.MemberEnd()) {
    if (!f->value.IsInt() || f->value.GetInt() < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": meta.format is ", Describe(f->value),
                       ", expected a positive integer"));
    }
    format = f->value.GetInt();
  }
  bool branch = false;
  if (auto b = meta.FindMember("branch_coverage"); b != meta.MemberEnd()) {
    if (!b->value.IsBool()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": meta.branch_coverage is ", Describe(b->value),
                       ", expected true or false"));
    }
    branch = b->value.GetBool();
  }

  ArtifactData data;
  data.format =
      absl::StrCat("coverage.py JSON (format ", format, ", coverage.py ",
                   meta["version"].GetString(), ")");
  ASSIGN_OR_RETURN(
      Summary totals,
      ReadSummary(doc["totals"], branch, absl::StrCat(where, ": totals")));
  std::vector<Sample>& out = data.samples.samples;
  AppendSummary(totals, Labels(), &out);

  CoverageCount sum_lines;
  for (const auto& file : doc["files"].GetObject()) {
    std::string file_name(file.name.GetString(), file.name.GetStringLength());
    std::string file_where =
        absl::StrCat(where, ": files[\"", file_name, "\"]");
    if (!file.value.IsObject()) {
      return absl::InvalidArgumentError(absl::StrCat(
          file_where, " is ", Describe(file.value), ", expected an object"));
    }
    auto summary = file.value.FindMember("summary");
    if (summary == file.value.MemberEnd()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_where, ": \"summary\" is missing"));
    }
    ASSIGN_OR_RETURN(Summary s,
                     ReadSummary(summary->value, branch,
                                 absl::StrCat(file_where, ".summary")));
    sum_lines += s.lines;
    if (file_name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": files has an empty file name"));
    }
    AppendSummary(s, FileLabels(file_name), &out);
  }
  if (!(sum_lines == totals.lines)) {
    data.warnings.push_back(absl::StrCat(
        "coverage.py JSON totals covered_lines/num_statements ",
        FormatNumber(totals.lines.covered), "/",
        FormatNumber(totals.lines.valid), " differ from the sum of its files ",
        FormatNumber(sum_lines.covered), "/", FormatNumber(sum_lines.valid),
        "; using the totals"));
  }
  data.samples.detail_labels = CoverageDetailLabels();
  return data;
}

}  // namespace aurora
