// File: tests/testing/status_matchers.h
// IsOk() and StatusIs(code[, message matcher]) for absl::Status and StatusOr,
// which Debian's abseil does not ship.
#ifndef AURORA_TESTS_TESTING_STATUS_MATCHERS_H_
#define AURORA_TESTS_TESTING_STATUS_MATCHERS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace aurora::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::Matches(message_matcher)(std::string(s.message()));
}

}  // namespace aurora::testing

#define ASSERT_OK(expr) ASSERT_THAT(expr, ::aurora::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT(expr, ::aurora::testing::IsOk())

#endif  // AURORA_TESTS_TESTING_STATUS_MATCHERS_H_
