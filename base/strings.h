// File: base/strings.h
// Debian's abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so
// absl::string_view is its own type and absl::StrCat & co. do not accept a
// std::string_view. Our APIs use std::string_view; convert at the call site
// with Sv(): absl::StrCat(Sv(name), ": ...").
#ifndef AURORA_BASE_STRINGS_H_
#define AURORA_BASE_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace aurora {

inline absl::string_view Sv(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view Sv(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace aurora

#endif  // AURORA_BASE_STRINGS_H_
