#include "queries/benchmark_reader.h"

#include <cmath>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/number_format.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "queries/json_document.h"

namespace aurora {
namespace {

using rapidjson::Value;

// Stats copied to `benchmark_<stat>_seconds` when present.
constexpr const char* kSecondsStats[] = {
    "min", "max", "mean", "median", "stddev", "iqr", "q1", "q3", "total"};

const Value* Member(const Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// One benchmark's stats, read and checked; errors say which benchmark.
class BenchmarkReader {
 public:
  BenchmarkReader(std::string_view file, std::string what)
      : file_(file), what_(std::move(what)) {}

  absl::Status Error(std::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(file_), ": ", what_, ": ", Sv(problem)));
  }

  // The stat `key` of `stats` as a number; nullopt when absent; an error
  // when present but not a number.
  absl::StatusOr<std::optional<double>> Stat(const Value& stats,
                                             const char* key) const {
    const Value* v = Member(stats, key);
    if (v == nullptr) return std::optional<double>();
    std::optional<double> d = JsonNumber(*v);
    if (!d) {
      return Error(
          absl::StrCat("stats.", key, " is ", JsonTypeName(*v), ", not a number"));
    }
    return d;
  }

  absl::StatusOr<double> RequiredStat(const Value& stats,
                                      const char* key) const {
    ASSIGN_OR_RETURN(std::optional<double> d, Stat(stats, key));
    if (!d) return Error(absl::StrCat("stats.", key, " is missing"));
    return *d;
  }

  // A required stat that counts (rounds, iterations): a non-negative
  // integer, as len(data) and the calibrated iteration count always are.
  absl::StatusOr<double> RequiredCount(const Value& stats,
                                       const char* key) const {
    ASSIGN_OR_RETURN(double d, RequiredStat(stats, key));
    if (!std::isfinite(d) || d < 0 || std::floor(d) != d) {
      return Error(absl::StrCat("stats.", key, " is ", FormatNumber(d),
                                ", expected a non-negative integer count"));
    }
    return d;
  }

 private:
  std::string_view file_;
  std::string what_;
};

absl::Status NotPytestBenchmark(std::string_view file, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(Sv(file), ": not pytest-benchmark JSON: ", Sv(why),
                   "; expected the output of --benchmark-json"));
}

absl::Status CheckSignature(const Value& root, std::string_view file) {
  if (!root.IsObject()) {
    return NotPytestBenchmark(
        file,
        absl::StrCat("the top level is ", JsonTypeName(root), ", not an object"));
  }
  const Value* benchmarks = Member(root, "benchmarks");
  if (benchmarks == nullptr || !benchmarks->IsArray()) {
    return NotPytestBenchmark(file, "no \"benchmarks\" array");
  }
  const Value* machine_info = Member(root, "machine_info");
  if (machine_info == nullptr || !machine_info->IsObject()) {
    return NotPytestBenchmark(file, "no \"machine_info\" object");
  }
  const Value* datetime = Member(root, "datetime");
  if (datetime == nullptr || !datetime->IsString()) {
    return NotPytestBenchmark(file, "no \"datetime\" string");
  }
  const Value* version = Member(root, "version");
  if (version == nullptr || !version->IsString()) {
    return NotPytestBenchmark(file, "no \"version\" string");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RequiredString(const Value& bench, const char* key,
                                           const std::string& what,
                                           std::string_view file) {
  const Value* v = Member(bench, key);
  if (v == nullptr || !v->IsString()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(file), ": ", what, ": \"", key, "\" is ",
        v == nullptr ? "missing" : JsonTypeName(*v), ", expected a string"));
  }
  return std::string(v->GetString(), v->GetStringLength());
}

// Appends the samples of benchmarks[index].
absl::Status ReadBenchmark(const Value& bench, size_t index,
                           std::string_view file, std::set<Labels>& seen,
                           std::vector<Sample>& out) {
  std::string what = absl::StrCat("benchmarks[", index, "]");
  if (!bench.IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Sv(file), ": ", what, " is ", JsonTypeName(bench), ", not an object"));
  }
  ASSIGN_OR_RETURN(std::string bench_name,
                   RequiredString(bench, "name", what, file));
  what = absl::StrCat("benchmark \"", bench_name, "\"");
  ASSIGN_OR_RETURN(std::string fullname,
                   RequiredString(bench, "fullname", what, file));
  what = absl::StrCat("benchmark \"", fullname, "\"");
  BenchmarkReader reader(file, what);

  Labels labels;
  labels.Set("name", bench_name);
  labels.Set("fullname", fullname);
  if (const Value* group = Member(bench, "group");
      group != nullptr && !group->IsNull()) {
    if (!group->IsString()) {
      return reader.Error(absl::StrCat("\"group\" is ", JsonTypeName(*group),
                                       ", expected a string or null"));
    }
    labels.Set("group",
               std::string_view(group->GetString(), group->GetStringLength()));
  }
  if (!seen.insert(labels).second) {
    return reader.Error("appears twice with the same name, fullname and group");
  }

  const Value* stats = Member(bench, "stats");
  if (stats == nullptr || !stats->IsObject()) {
    return reader.Error(absl::StrCat(
        "\"stats\" is ", stats == nullptr ? "missing" : JsonTypeName(*stats),
        ", expected an object"));
  }
  auto add = [&out, &labels](std::string_view metric, double value) {
    out.push_back(MakeSample(metric, labels, value));
  };
  for (const char* key : kSecondsStats) {
    ASSIGN_OR_RETURN(std::optional<double> v, reader.Stat(*stats, key));
    if (v) add(absl::StrCat("benchmark_", key, "_seconds"), *v);
  }
  ASSIGN_OR_RETURN(std::optional<double> ops, reader.Stat(*stats, "ops"));
  if (!ops) {
    // stats.py normalize_stats: files before 3.1.0 have no ops; 1/mean.
    ASSIGN_OR_RETURN(std::optional<double> mean, reader.Stat(*stats, "mean"));
    if (!mean) return reader.Error("stats has neither \"ops\" nor \"mean\"");
    ASSIGN_OR_RETURN(std::optional<double> total, reader.Stat(*stats, "total"));
    const bool zero = *mean == 0 || (total && *total == 0);
    ops = zero ? 0.0 : 1.0 / *mean;
  }
  add("benchmark_ops", *ops);
  ASSIGN_OR_RETURN(double rounds, reader.RequiredCount(*stats, "rounds"));
  add("benchmark_rounds", rounds);
  ASSIGN_OR_RETURN(double iterations,
                   reader.RequiredCount(*stats, "iterations"));
  add("benchmark_iterations", iterations);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ArtifactData> ParsePytestBenchmark(std::string_view content,
                                                  std::string_view name) {
  ASSIGN_OR_RETURN(std::unique_ptr<rapidjson::Document> doc,
                   ParseJson(content, name));
  const Value& root = *doc;
  RETURN_IF_ERROR(CheckSignature(root, name));
  ArtifactData data;
  const Value& version = root["version"];
  data.format = absl::StrCat(
      "pytest-benchmark JSON (",
      absl::string_view(version.GetString(), version.GetStringLength()), ")");
  const Value& benchmarks = root["benchmarks"];
  std::set<Labels> seen;
  for (rapidjson::SizeType i = 0; i < benchmarks.Size(); ++i) {
    RETURN_IF_ERROR(
        ReadBenchmark(benchmarks[i], i, name, seen, data.samples.samples));
  }
  if (benchmarks.Empty()) {
    data.warnings.push_back(absl::StrCat(Sv(name), ": no benchmarks"));
  }
  return data;
}

}  // namespace aurora
