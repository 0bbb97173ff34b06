#include "queries/jacoco_reader.h"

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/number_format.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/coverage_counts.h"

namespace aurora {
namespace {

struct CounterType {
  std::string_view type;  // as written in <counter type="…">
  CoverageUnit unit;
};

// Emission order: the contract's headline units first.
constexpr std::array<CounterType, 6> kCounterTypes = {{
    {"LINE", kLineUnit},
    {"BRANCH", kBranchUnit},
    {"INSTRUCTION", {"instructions", "instruction"}},
    {"METHOD", {"methods", "method"}},
    {"CLASS", {"classes", "class"}},
    {"COMPLEXITY", {"complexity", "complexity"}},
}};

using Counters = std::array<CoverageCount, kCounterTypes.size()>;

Counters& operator+=(Counters& a, const Counters& b) {
  for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  return a;
}

class JacocoParser {
 public:
  explicit JacocoParser(std::string_view name) : name_(name) {}
  absl::StatusOr<ArtifactData> Parse(const pugi::xml_document& doc);

 private:
  // The <counter> children of `node`; `where` describes `node` in errors.
  absl::StatusOr<Counters> ReadCounters(const pugi::xml_node& node,
                                        std::string_view where);
  // Packages directly in `node` and in its (nested) groups.
  absl::Status ReadContainer(const pugi::xml_node& node);

  std::string name_;
  std::map<std::string, Counters> packages_;
  std::map<std::string, Counters> files_;
  Counters package_sum_{};
  std::set<std::string> unknown_types_;
  std::vector<std::string> warnings_;
};

absl::StatusOr<Counters> JacocoParser::ReadCounters(const pugi::xml_node& node,
                                                    std::string_view where) {
  Counters counters{};
  std::array<bool, kCounterTypes.size()> seen{};
  for (pugi::xml_node counter : node.children("counter")) {
    std::string_view type = counter.attribute("type").value();
    size_t index = 0;
    while (index < kCounterTypes.size() && kCounterTypes[index].type != type) {
      ++index;
    }
    if (index == kCounterTypes.size()) {
      if (unknown_types_.insert(std::string(type)).second) {
        warnings_.push_back(absl::StrCat("JaCoCo counter type \"",
                                         Excerpt(type),
                                         "\" is not known; "
                                         "ignored"));
      }
      continue;
    }
    if (seen[index]) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_, ": ", Sv(where), ": <counter type=\"", Sv(type),
                       "\"> appears twice"));
    }
    seen[index] = true;
    std::optional<double> values[2];
    const char* attrs[2] = {"missed", "covered"};
    for (int k = 0; k < 2; ++k) {
      values[k] = ParseCount(counter.attribute(attrs[k]).value());
      if (!values[k].has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            name_, ": ", Sv(where), ": <counter type=\"", Sv(type), "\">: ",
            attrs[k], "=\"", Excerpt(counter.attribute(attrs[k]).value()),
            "\" is not a count (a non-negative integer up to 2^53)"));
      }
    }
    counters[index] = CoverageCount{*values[1], *values[0] + *values[1]};
  }
  return counters;
}

absl::Status JacocoParser::ReadContainer(const pugi::xml_node& node) {
  for (pugi::xml_node child : node.children()) {
    std::string_view tag = child.name();
    if (tag == "group") {
      RETURN_IF_ERROR(ReadContainer(child));
      continue;
    }
    if (tag != "package") continue;
    std::string package = child.attribute("name").value();
    std::string where = absl::StrCat("<package name=\"", package, "\">");
    ASSIGN_OR_RETURN(Counters counters, ReadCounters(child, where));
    package_sum_ += counters;
    packages_[package.empty() ? "." : package] += counters;
    for (pugi::xml_node source : child.children("sourcefile")) {
      std::string file = source.attribute("name").value();
      ASSIGN_OR_RETURN(
          Counters file_counters,
          ReadCounters(source, absl::StrCat(where, ", <sourcefile name=\"",
                                            file, "\">")));
      if (file.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            name_, ": ", where, ": <sourcefile> has no name attribute"));
      }
      std::string path =
          package.empty() ? file : absl::StrCat(package, "/", file);
      files_[path] += file_counters;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ArtifactData> JacocoParser::Parse(
    const pugi::xml_document& doc) {
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "report") {
    return absl::InvalidArgumentError(
        absl::StrCat(name_, ": not JaCoCo XML: root element is <", root.name(),
                     ">, expected <report>"));
  }
  // Report totals are the counters of <report> itself (written after its
  // packages or groups), never a sum over the tree.
  ASSIGN_OR_RETURN(Counters totals, ReadCounters(root, "<report>"));
  RETURN_IF_ERROR(ReadContainer(root));

  ArtifactData data;
  data.format = "JaCoCo XML";
  for (size_t i = 0; i < kCounterTypes.size(); ++i) {
    if (totals[i] == package_sum_[i]) continue;
    const CoverageCount& r = totals[i];
    const CoverageCount& p = package_sum_[i];
    warnings_.push_back(absl::StrCat(
        "JaCoCo report ", Sv(kCounterTypes[i].type), " counter ",
        FormatNumber(r.covered), "/", FormatNumber(r.valid),
        " differs from the sum of its packages ", FormatNumber(p.covered), "/",
        FormatNumber(p.valid), "; using the report counter"));
  }
  data.warnings = std::move(warnings_);

  std::vector<Sample>& out = data.samples.samples;
  auto append = [&out](const Counters& c, const Labels& labels) {
    for (size_t i = 0; i < kCounterTypes.size(); ++i) {
      AppendCoverageSamples(kCounterTypes[i].unit, c[i], labels, &out);
    }
  };
  append(totals, Labels());
  for (const auto& [package, c] : packages_) append(c, PackageLabels(package));
  for (const auto& [file, c] : files_) append(c, FileLabels(file));
  data.samples.detail_labels = CoverageDetailLabels();
  return data;
}

}  // namespace

absl::StatusOr<ArtifactData> ParseJacoco(const pugi::xml_document& doc,
                                         std::string_view name) {
  return JacocoParser(name).Parse(doc);
}

}  // namespace aurora
