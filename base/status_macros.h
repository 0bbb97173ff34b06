// File: base/status_macros.h
// RETURN_IF_ERROR / ASSIGN_OR_RETURN: the small helpers Debian's
// abseil 20220623 lacks. Exceptions never cross a module boundary; Status does.
#ifndef AURORA_BASE_STATUS_MACROS_H_
#define AURORA_BASE_STATUS_MACROS_H_

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {

}  // namespace aurora

#define AURORA_STATUS_CONCAT_INNER_(x, y) x##y
#define AURORA_STATUS_CONCAT_(x, y) AURORA_STATUS_CONCAT_INNER_(x, y)

// Evaluates `expr` (an absl::Status) and returns it from the current function
// if it is not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status aurora_status_ = (expr);        \
    if (!aurora_status_.ok()) return aurora_status_; \
  } while (0)

// ASSIGN_OR_RETURN(lhs, rexpr): evaluates `rexpr` (an absl::StatusOr<T>); on
// error returns its status, else move-assigns the value to `lhs` (which may be
// a declaration such as `auto x`).
#define ASSIGN_OR_RETURN(lhs, rexpr)                                         \
  ASSIGN_OR_RETURN_IMPL_(AURORA_STATUS_CONCAT_(aurora_statusor_, __LINE__), \
                         lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                           \
  if (!statusor.ok()) return statusor.status();      \
  lhs = std::move(statusor).value()

#endif  // AURORA_BASE_STATUS_MACROS_H_
