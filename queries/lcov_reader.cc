#include "queries/lcov_reader.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/strings.h"
#include "queries/coverage_counts.h"

namespace aurora {
namespace {

struct BranchEntry {
  double taken = 0;       // '-' (block never reached) counts as 0
  bool excluded = false;  // 'U' (unreachable) block prefix
};

struct LcovFile {
  std::map<double, double> lines;  // DA line number -> summed count
  std::map<std::tuple<double, std::string, std::string>, BranchEntry>
      branches;                             // (line, block, branch)
  std::map<std::string, double> functions;  // name -> summed count
};

// Calls `f(line)` for each line of `content`, without its terminator ("\n"
// or "\r\n"), until `f` returns false. No copy, no per-line allocation.
template <typename F>
void ForEachLine(std::string_view content, F f) {
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!f(line)) return;
    start = end + 1;
  }
}

bool IsSkippable(std::string_view line) {
  std::string_view t = Sv(absl::StripAsciiWhitespace(Sv(line)));
  return t.empty() || t[0] == '#';
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

class LcovParser {
 public:
  explicit LcovParser(std::string_view name) : name_(name) {}

  absl::StatusOr<ArtifactData> Parse(std::string_view content);

 private:
  absl::Status Error(std::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat(name_, ":", line_no_, ": ", Sv(message)));
  }
  absl::Status Malformed(std::string_view line, std::string_view expected) {
    return Error(absl::StrCat("malformed ", Sv(line.substr(0, line.find(':'))),
                              " record \"", Excerpt(line), "\": expected ",
                              Sv(expected)));
  }
  absl::Status ParseLine(std::string_view line);
  absl::Status ParseDa(std::string_view line, std::string_view value);
  absl::Status ParseBrda(std::string_view line, std::string_view value);
  absl::Status ParseFunction(std::string_view key, std::string_view line,
                             std::string_view value);
  ArtifactData Summarize();

  std::string name_;
  size_t line_no_ = 0;
  std::map<std::string, LcovFile> files_;
  LcovFile* current_ = nullptr;  // open SF record, if any
  std::string current_name_;
  size_t current_line_ = 0;
  std::set<std::string> unknown_keys_;
  std::vector<std::string> warnings_;
  // The open section's own DA lines (line -> count) and its LF/LH headers,
  // compared at its end_of_record (CheckSummary).
  std::map<double, double> section_lines_;
  std::optional<double> section_lf_, section_lh_;
  size_t summary_mismatches_ = 0;
  void CheckSummary();
};

// LF/LH that disagree with the section's DA records: the numbers are
// recounted from DA (as lcov does), and a warning names both counts.
void LcovParser::CheckSummary() {
  const double found = static_cast<double>(section_lines_.size());
  double hit = 0;
  for (const auto& [unused, count] : section_lines_) hit += count > 0 ? 1 : 0;
  const bool lf_off = section_lf_.has_value() && *section_lf_ != found;
  const bool lh_off = section_lh_.has_value() && *section_lh_ != hit;
  if (lf_off || lh_off) {
    constexpr size_t kMaxShown = 5;
    if (++summary_mismatches_ <= kMaxShown) {
      std::string headers;
      if (section_lf_) absl::StrAppend(&headers, "LF:", *section_lf_);
      if (section_lh_) {
        absl::StrAppend(&headers, headers.empty() ? "" : " ", "LH:", *section_lh_);
      }
      warnings_.push_back(absl::StrCat(
          "lcov: ", name_, ":", current_line_, ": \"", current_name_,
          "\": its header says ", headers, " but its DA records count ",
          found, " lines, ", hit, " hit; coverage is counted from the DA "
          "records, as lcov does"));
    } else if (summary_mismatches_ == kMaxShown + 1) {
      warnings_.push_back(
          "lcov: more files whose LF/LH disagree with their DA records (not "
          "listed)");
    }
  }
  section_lines_.clear();
  section_lf_.reset();
  section_lh_.reset();
}

absl::Status LcovParser::ParseDa(std::string_view line,
                                 std::string_view value) {
  constexpr std::string_view kExpected =
      "DA:<line number>,<count>[,<checksum>]";
  std::vector<std::string_view> f;
  for (absl::string_view part : absl::StrSplit(Sv(value), ',')) {
    f.push_back(Sv(part));
  }
  if (f.size() < 2 || f.size() > 3) return Malformed(line, kExpected);
  std::optional<double> number = ParseCount(f[0]);
  if (!AllDigits(f[0]) || !number.has_value()) {
    return Malformed(line, kExpected);
  }
  std::optional<double> count = ParseHits(f[1]);
  if (!count.has_value()) {
    return Error(absl::StrCat("DA count \"", Excerpt(f[1]), "\" in \"",
                              Excerpt(line),
                              "\" is not a non-negative number"));
  }
  current_->lines[*number] += *count;
  section_lines_[*number] += *count;
  return absl::OkStatus();
}

absl::Status LcovParser::ParseBrda(std::string_view line,
                                   std::string_view value) {
  constexpr std::string_view kExpected =
      "BRDA:<line number>,[e][U]<block>,<branch>,<taken or ->";
  // The branch field may be an expression containing commas (lcov 2.x):
  // line and block are the first two fields, taken the last one.
  size_t c1 = value.find(',');
  size_t c2 = c1 == std::string_view::npos ? c1 : value.find(',', c1 + 1);
  size_t c3 = value.rfind(',');
  if (c1 == std::string_view::npos || c2 == std::string_view::npos ||
      c3 <= c2) {
    return Malformed(line, kExpected);
  }
  std::string_view line_field = value.substr(0, c1);
  std::string_view block = value.substr(c1 + 1, c2 - c1 - 1);
  std::string_view branch = value.substr(c2 + 1, c3 - c2 - 1);
  std::string_view taken_field = value.substr(c3 + 1);
  std::optional<double> number = ParseCount(line_field);
  size_t digits = block.find_first_of("0123456789");
  if (!AllDigits(line_field) || !number.has_value() || branch.empty() ||
      digits == std::string_view::npos || !AllDigits(block.substr(digits))) {
    return Malformed(line, kExpected);
  }
  std::string_view flags = block.substr(0, digits);
  double taken = 0;
  if (taken_field != "-") {
    std::optional<double> t = ParseHits(taken_field);
    if (!t.has_value()) {
      return Error(absl::StrCat("BRDA taken count \"", Excerpt(taken_field),
                                "\" in \"", Excerpt(line),
                                "\" is neither \"-\" nor a non-negative "
                                "number"));
    }
    taken = *t;
  }
  BranchEntry& e = current_->branches[{
      *number, std::string(block.substr(digits)), std::string(branch)}];
  e.taken += taken;
  e.excluded = e.excluded || absl::StrContains(Sv(flags), "U");
  return absl::OkStatus();
}

absl::Status LcovParser::ParseFunction(std::string_view key,
                                       std::string_view line,
                                       std::string_view value) {
  if (key == "FN") {
    // FN:<start>[,<end>],<name>; a name may itself contain commas.
    size_t c1 = value.find(',');
    if (c1 == std::string_view::npos || !AllDigits(value.substr(0, c1))) {
      return Malformed(line, "FN:<start line>[,<end line>],<name>");
    }
    std::string_view rest = value.substr(c1 + 1);
    size_t c2 = rest.find(',');
    if (c2 != std::string_view::npos && AllDigits(rest.substr(0, c2))) {
      rest = rest.substr(c2 + 1);
    }
    if (rest.empty()) {
      return Malformed(line, "FN:<start line>[,<end line>],<name>");
    }
    current_->functions.try_emplace(std::string(rest), 0.0);
    return absl::OkStatus();
  }
  std::string_view count_field, fn_name;
  if (key == "FNDA") {  // FNDA:<count>,<name>
    size_t c1 = value.find(',');
    if (c1 == std::string_view::npos || c1 + 1 == value.size()) {
      return Malformed(line, "FNDA:<count>,<name>");
    }
    count_field = value.substr(0, c1);
    fn_name = value.substr(c1 + 1);
  } else {  // FNA:<index>,<count>,<name> (lcov >= 2.2)
    size_t c1 = value.find(',');
    size_t c2 = c1 == std::string_view::npos ? c1 : value.find(',', c1 + 1);
    if (c2 == std::string_view::npos || c2 + 1 == value.size() ||
        !AllDigits(value.substr(0, c1))) {
      return Malformed(line, "FNA:<index>,<count>,<name>");
    }
    count_field = value.substr(c1 + 1, c2 - c1 - 1);
    fn_name = value.substr(c2 + 1);
  }
  std::optional<double> count = ParseHits(count_field);
  if (!count.has_value()) {
    return Error(absl::StrCat(Sv(key), " count \"", Excerpt(count_field),
                              "\" in \"", Excerpt(line),
                              "\" is not a non-negative number"));
  }
  current_->functions[std::string(fn_name)] += *count;
  return absl::OkStatus();
}

absl::Status LcovParser::ParseLine(std::string_view line) {
  if (IsSkippable(line)) return absl::OkStatus();
  std::string_view trimmed = Sv(absl::StripAsciiWhitespace(Sv(line)));
  if (trimmed == "end_of_record") {
    if (current_ == nullptr) {
      return Error("end_of_record without a preceding SF record");
    }
    CheckSummary();
    current_ = nullptr;
    return absl::OkStatus();
  }
  size_t colon = line.find(':');
  std::string_view key =
      colon == std::string_view::npos ? "" : line.substr(0, colon);
  if (key.empty() || !absl::c_all_of(key, [](char c) {
        return absl::ascii_isupper(static_cast<unsigned char>(c));
      })) {
    return Error(absl::StrCat("malformed lcov line \"", Excerpt(line),
                              "\": expected a KEY:VALUE record, a # comment "
                              "or end_of_record"));
  }
  std::string_view value = line.substr(colon + 1);
  if (key == "TN" || key == "VER") return absl::OkStatus();
  if (key == "SF") {
    if (current_ != nullptr) {
      return Error(absl::StrCat(
          "SF record \"", Excerpt(line), "\" before the end_of_record of \"",
          current_name_, "\" (line ", current_line_, ")"));
    }
    if (value.empty()) return Malformed(line, "SF:<source file path>");
    current_name_ = std::string(value);
    current_line_ = line_no_;
    current_ = &files_[current_name_];
    return absl::OkStatus();
  }
  // Summary lines: lcov ignores them when reading and recounts; LF and LH
  // are compared with the recount (CheckSummary).
  if ((key == "LF" || key == "LH") && current_ != nullptr) {
    std::optional<double> v = ParseCount(value);
    if (v.has_value() && AllDigits(value)) {
      (key == "LF" ? section_lf_ : section_lh_) = *v;
    }
    return absl::OkStatus();
  }
  static constexpr std::string_view kSummaries[] = {"LF",  "LH",  "BRF", "BRH",
                                                    "FNF", "FNH", "MCF", "MCH"};
  for (std::string_view s : kSummaries) {
    if (key == s) return absl::OkStatus();
  }
  const bool is_data = key == "DA" || key == "BRDA" || key == "FN" ||
                       key == "FNDA" || key == "FNA" || key == "FNL" ||
                       key == "MCDC";
  if (!is_data) {
    if (unknown_keys_.insert(std::string(key)).second) {
      warnings_.push_back(absl::StrCat("lcov: ignored unknown record type ",
                                       Sv(key), ": (first at line ", line_no_,
                                       ")"));
    }
    return absl::OkStatus();
  }
  if (current_ == nullptr) {
    return Error(absl::StrCat(Sv(key), " record \"", Excerpt(line),
                              "\" outside an SF:…end_of_record section"));
  }
  if (key == "DA") return ParseDa(line, value);
  if (key == "BRDA") return ParseBrda(line, value);
  if (key == "FNL" || key == "MCDC") return absl::OkStatus();  // no metric
  return ParseFunction(key, line, value);
}

ArtifactData LcovParser::Summarize() {
  ArtifactData data;
  data.format = "lcov tracefile";
  data.warnings = std::move(warnings_);
  struct Counts {
    CoverageCount lines, branches, functions;
  };
  Counts total;
  std::vector<std::pair<const std::string*, Counts>> per_file;
  for (const auto& [file, f] : files_) {
    if (f.lines.empty()) continue;  // lcov drops files without DA records
    Counts c;
    for (const auto& [unused, count] : f.lines) {
      c.lines += CoverageCount{count > 0 ? 1.0 : 0.0, 1.0};
    }
    for (const auto& [unused, b] : f.branches) {
      if (b.excluded) continue;
      c.branches += CoverageCount{b.taken > 0 ? 1.0 : 0.0, 1.0};
    }
    for (const auto& [unused, count] : f.functions) {
      c.functions += CoverageCount{count > 0 ? 1.0 : 0.0, 1.0};
    }
    total.lines += c.lines;
    total.branches += c.branches;
    total.functions += c.functions;
    per_file.emplace_back(&file, c);
  }
  std::vector<Sample>& out = data.samples.samples;
  auto append = [&out](const Counts& c, const Labels& labels) {
    AppendCoverageSamples(kLineUnit, c.lines, labels, &out);
    AppendCoverageSamples(kBranchUnit, c.branches, labels, &out);
    AppendCoverageSamples(kFunctionUnit, c.functions, labels, &out);
  };
  append(total, Labels());
  for (const auto& [file, c] : per_file) append(c, FileLabels(*file));
  data.samples.detail_labels = CoverageDetailLabels();
  return data;
}

absl::StatusOr<ArtifactData> LcovParser::Parse(std::string_view content) {
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") {
    content.remove_prefix(3);
  }
  absl::Status status;
  ForEachLine(content, [&](std::string_view line) {
    ++line_no_;
    if (size_t bad = FindInvalidUtf8(line); bad != std::string_view::npos) {
      status = Error(absl::StrCat("invalid UTF-8 at column ", bad + 1, " in \"",
                                  Excerpt(line), "\""));
    } else {
      status = ParseLine(line);
    }
    return status.ok();
  });
  if (!status.ok()) return status;
  // Its last record cut off: counting it, or dropping it, would report a
  // coverage the whole file does not have (issue 10).
  if (current_ != nullptr) {
    return Error(absl::StrCat(
        "the file ends inside the record of \"", current_name_,
        "\" (SF at line ", current_line_,
        ") before its end_of_record: the tracefile is truncated"));
  }
  return Summarize();
}

}  // namespace

bool LooksLikeLcov(std::string_view content) {
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") {
    content.remove_prefix(3);
  }
  bool lcov = false;
  ForEachLine(content, [&lcov](std::string_view line) {
    if (IsSkippable(line)) return true;
    lcov = absl::StartsWith(Sv(line), "TN:") ||
           absl::StartsWith(Sv(line), "SF:") ||
           absl::StartsWith(Sv(line), "VER:");
    return false;
  });
  return lcov;
}

absl::StatusOr<ArtifactData> ParseLcov(std::string_view content,
                                       std::string_view name) {
  return LcovParser(name).Parse(content);
}

}  // namespace aurora
