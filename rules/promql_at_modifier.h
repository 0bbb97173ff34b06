// File: rules/promql_at_modifier.h
// `@ start()` / `@ end()` pin a selector to the query's own range: in a
// range query, to the range's start or end, not to each step. A rule is
// evaluated at each step as an instant query, where start() = end() = the
// evaluation time, so `x @ end()` means `x`: the replay reads the
// expression with those modifiers removed. Pure.
#ifndef AURORA_RULES_PROMQL_AT_MODIFIER_H_
#define AURORA_RULES_PROMQL_AT_MODIFIER_H_

#include <string>
#include <string_view>

namespace aurora {

// `promql` without its `@ start()` / `@ end()` modifiers (string literals
// and comments are left alone); the same text when it has none.
std::string WithoutRangeBoundAt(std::string_view promql);

}  // namespace aurora

#endif  // AURORA_RULES_PROMQL_AT_MODIFIER_H_
