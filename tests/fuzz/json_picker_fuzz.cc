// libFuzzer entry point for the JSON pointer parser and the JSON picker
// (json/http `values:`). Input: the first line is a pointer, the rest a JSON
// document or JSON lines. A pointer must parse or fail with an offset within
// it; a parsed pointer must pick and reduce without crashing under every
// reduction, and the results must agree: count >= count_distinct, and
// min <= avg <= max when they are numbers. Violations abort.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "queries/json_picker.h"
#include "queries/json_values_reader.h"
#include "rules/json_value_spec.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view pointer_text = input.substr(0, nl);
  std::string_view json =
      nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  size_t offset = 0;
  absl::StatusOr<aurora::JsonPointer> pointer =
      aurora::ParseJsonPointer(pointer_text, &offset);
  if (!pointer.ok()) {
    Check(offset < pointer_text.size(), "error offset within the pointer");
    return 0;
  }
  std::vector<aurora::JsonValueSpec> values;
  for (aurora::JsonReduce r :
       {aurora::JsonReduce::kSingle, aurora::JsonReduce::kCount,
        aurora::JsonReduce::kCountDistinct, aurora::JsonReduce::kSum,
        aurora::JsonReduce::kMin, aurora::JsonReduce::kMax,
        aurora::JsonReduce::kAvg}) {
    aurora::JsonValueSpec v;
    v.metric = aurora::JsonReduceName(r);
    v.pointer = *pointer;
    v.reduce = r;
    values.push_back(v);
  }
  absl::StatusOr<aurora::ArtifactData> picked =
      aurora::ParseJsonValues(json, "fuzz.json", values);
  if (!picked.ok()) return 0;
  std::map<std::string, double> got;
  for (const auto& s : picked->samples.samples) {
    got[std::string(s.labels.MetricName())] = s.value;
  }
  Check(got.count("count") == 1 && got.count("count_distinct") == 1,
        "count and count_distinct always have a value");
  Check(got["count"] >= got["count_distinct"], "count >= count_distinct");
  if (got.count("min") && got.count("max") && got.count("avg") &&
      !std::isnan(got["min"]) && !std::isnan(got["max"]) &&
      !std::isnan(got["avg"]) && std::isfinite(got["sum"])) {
    Check(got["min"] <= got["max"], "min <= max");
    Check(got["avg"] >= got["min"] - 1e-9 * std::fabs(got["min"]) - 1e-300 &&
              got["avg"] <= got["max"] + 1e-9 * std::fabs(got["max"]) + 1e-300,
          "min <= avg <= max");
  }
  return 0;
}
