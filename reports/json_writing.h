// File: reports/json_writing.h
// The JSON the reports and payloads write (RapidJSON writers, compact or
// pretty): keys as given, strings made valid UTF-8 first (ToValidUtf8), and
// string maps as objects.
#ifndef AURORA_REPORTS_JSON_WRITING_H_
#define AURORA_REPORTS_JSON_WRITING_H_

#include <map>
#include <string>
#include <string_view>

#include "rapidjson/rapidjson.h"
#include "reports/report_text.h"

namespace aurora {

template <typename Writer>
void JsonKey(Writer& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

template <typename Writer>
void JsonString(Writer& w, std::string_view s) {
  const std::string valid = ToValidUtf8(s);
  w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

// {"k": "v", ...} in the map's order; keys and values valid UTF-8.
template <typename Writer>
void JsonStringMap(Writer& w, const std::map<std::string, std::string>& m) {
  w.StartObject();
  for (const auto& [k, v] : m) {
    JsonKey(w, ToValidUtf8(k));
    JsonString(w, v);
  }
  w.EndObject();
}

}  // namespace aurora

#endif  // AURORA_REPORTS_JSON_WRITING_H_
