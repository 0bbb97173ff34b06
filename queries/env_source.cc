#include "queries/env_source.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace aurora {

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<ArtifactData> ReadEnvSource(const SourceSpec& source,
                                           const EnvLookup& lookup) {
  ArtifactData data;
  data.format = "process environment";
  for (const std::string& name : source.required) {
    std::optional<std::string> value = lookup(name);
    const bool present = value.has_value() && !value->empty();
    bool valid = present;
    if (auto p = source.patterns.find(name); p != source.patterns.end()) {
      RE2 re(p->second, RE2::Quiet);
      if (!re.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "env source \"", source.name, "\": pattern of ", name,
            " is not a valid regular expression: ", re.error()));
      }
      if (present && !RE2::FullMatch(*value, re)) {
        valid = false;
        data.warnings.push_back(absl::StrCat(
            name, " is set but does not match ", p->second,
            " (the value is not shown)"));
      }
    }
    if (!present) {
      data.warnings.push_back(absl::StrCat(
          name, value.has_value() ? " is set but empty" : " is not set"));
    }
    Labels labels;
    labels.Set("name", name);
    data.samples.samples.push_back(MakeSample("env_present", labels, present));
    data.samples.samples.push_back(MakeSample("env_valid", labels, valid));
  }
  return data;
}

}  // namespace aurora
