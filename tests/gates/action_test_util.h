// File: tests/gates/action_test_util.h
// ASSERT_OK_AND_ASSIGN for the action tests (status_matchers.h has none).
#ifndef AURORA_TESTS_GATES_ACTION_TEST_UTIL_H_
#define AURORA_TESTS_GATES_ACTION_TEST_UTIL_H_

#include <utility>

#include "tests/testing/status_matchers.h"

#define AURORA_ACTIONS_CONCAT_INNER_(a, b) a##b
#define AURORA_ACTIONS_CONCAT_(a, b) AURORA_ACTIONS_CONCAT_INNER_(a, b)
// ASSERT_OK_AND_ASSIGN(lhs, rexpr): asserts the StatusOr is OK, then moves
// its value into `lhs` (which may be a declaration).
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(            \
      AURORA_ACTIONS_CONCAT_(aurora_statusor_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(so, lhs, rexpr) \
  auto so = (rexpr);                               \
  ASSERT_TRUE(so.ok()) << so.status();             \
  lhs = std::move(so).value()

#endif  // AURORA_TESTS_GATES_ACTION_TEST_UTIL_H_
