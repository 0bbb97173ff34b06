#include "gates/app/log.h"

#include <cctype>
#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/strings.h"

namespace aurora {

void Logger::Log(std::string_view level, std::string_view msg,
                 const std::vector<std::pair<std::string, std::string>>& fields) {
  // Delivery threads log too: one line at a time.
  std::lock_guard<std::mutex> lock(mu_);
  std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", clock_.Now(),
                                    absl::UTCTimeZone());
  if (json_) {
    std::string line = absl::StrCat("{\"ts\":\"", ts, "\",\"level\":\"",
                                    Sv(level), "\",\"msg\":", Quote(msg));
    for (const auto& [k, v] : fields) {
      absl::StrAppend(&line, ",", Quote(k), ":", JsonValue(k, v));
    }
    out_ << line << "}\n";
  } else {
    std::string line = absl::StrCat(ts, " ", Upper(level), " ", Sv(msg));
    for (const auto& [k, v] : fields) {
      bool plain = v.find_first_of(" \"=") == std::string::npos && !v.empty();
      absl::StrAppend(&line, " ", k, "=", plain ? v : Quote(v));
    }
    out_ << line << "\n";
  }
  out_.flush();
}

std::string Logger::JsonValue(std::string_view key, const std::string& v) {
  static const std::set<std::string_view> kNumbers = {
      "value",  "cycles",          "exit_code", "attempt",
      "attempts", "cycle_seconds", "failed_actions", "gates",
      "missed_cycles", "pending",  "rules"};
  if (key == "interrupted" && (v == "true" || v == "false")) return v;
  if (kNumbers.count(key) > 0) {
    if (v.empty()) return "null";
    if (IsJsonNumber(v)) return v;
  }
  return Quote(v);
}

bool Logger::IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::string Logger::Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Logger::Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace aurora
