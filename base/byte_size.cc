#include "base/byte_size.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/strings.h"

namespace aurora {

std::optional<int64_t> ParseByteSize(std::string_view text) {
  text = Sv(absl::StripAsciiWhitespace(Sv(text)));
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits > 19) return std::nullopt;
  uint64_t number = 0;
  if (!absl::SimpleAtoi(Sv(text.substr(0, digits)), &number)) return std::nullopt;
  std::string unit = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(Sv(text.substr(digits))));
  static const std::pair<const char*, uint64_t> kUnits[] = {
      {"", 1},          {"b", 1},
      {"kib", 1ULL << 10}, {"mib", 1ULL << 20}, {"gib", 1ULL << 30},
      {"tib", 1ULL << 40}, {"kb", 1000ULL},     {"mb", 1000000ULL},
      {"gb", 1000000000ULL}, {"tb", 1000000000000ULL}};
  constexpr uint64_t kMax = 1ULL << 62;
  for (const auto& [name, scale] : kUnits) {
    if (unit != name) continue;
    if (number == 0 || number > kMax / scale) return std::nullopt;
    return static_cast<int64_t>(number * scale);
  }
  return std::nullopt;
}

std::string FormatByteSize(int64_t bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return absl::StrCat(bytes, bytes == 1 ? " byte" : " bytes");
  double v = static_cast<double>(bytes);
  int u = -1;
  while (u < 3 && v >= 1024) {
    v /= 1024;
    ++u;
  }
  return absl::StrCat(absl::StrFormat("%.4g", v), " ", kUnits[u]);
}

}  // namespace aurora
