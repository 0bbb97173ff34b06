#include "rules/interpolate.h"

#include <map>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

VarLookup Vars(std::map<std::string, std::string> m) {
  return [m](const std::string& name) -> std::optional<std::string> {
    auto it = m.find(name);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

std::string Expand(std::string_view text, const VarLookup& v) {
  size_t off = 0;
  absl::StatusOr<std::string> r = ExpandVars(text, v, &off);
  EXPECT_OK(r) << text;
  return r.ok() ? *r : "";
}

TEST(InterpolateTest, ExpandsVariablesAndDefaults) {
  VarLookup v = Vars({{"ARTIFACTS", "out"}, {"EMPTY", ""}});
  EXPECT_EQ(Expand("${ARTIFACTS}/coverage.xml", v), "out/coverage.xml");
  EXPECT_EQ(Expand("${MISSING:-artifacts}/c.xml", v), "artifacts/c.xml");
  EXPECT_EQ(Expand("${ARTIFACTS:-artifacts}/c.xml", v), "out/c.xml");
  // As in the shell, :- also replaces a set but empty value.
  EXPECT_EQ(Expand("${EMPTY:-dflt}", v), "dflt");
  EXPECT_EQ(Expand("${EMPTY}", v), "");
}

TEST(InterpolateTest, LeavesPromQLAndTemplatesAlone) {
  VarLookup v = Vars({});
  EXPECT_EQ(Expand("{status=~\"5..$\"}", v), "{status=~\"5..$\"}");
  EXPECT_EQ(Expand("value {{ $value }} on {{ $labels.instance }}", v),
            "value {{ $value }} on {{ $labels.instance }}");
  EXPECT_EQ(Expand("cost $$5", v), "cost $5");
  EXPECT_EQ(Expand("trailing $", v), "trailing $");
}

TEST(InterpolateTest, UnsetVariableWithoutDefaultIsAnError) {
  size_t off = 0;
  absl::StatusOr<std::string> r =
      ExpandVars("url: ${ROLLBACK_WEBHOOK_URL}", Vars({}), &off);
  EXPECT_THAT(r, testing::StatusIs(
                     absl::StatusCode::kInvalidArgument,
                     ::testing::Eq("${ROLLBACK_WEBHOOK_URL} is not set and has "
                                   "no default; set it (environment or --set "
                                   "ROLLBACK_WEBHOOK_URL=VALUE) or write "
                                   "${ROLLBACK_WEBHOOK_URL:-default}")));
  EXPECT_EQ(off, 5u);
}

TEST(InterpolateTest, MalformedReferencesPointAtTheDollar) {
  struct Case {
    const char* text;
    const char* message;
    size_t offset;
  } cases[] = {
      {"a ${", "expected a variable name after \"${\" (letters, digits, _)", 2},
      {"${1X}", "expected a variable name after \"${\" (letters, digits, _)", 0},
      {"x${NAME", "unterminated \"${NAME\", expected \"}\" or \":-default}\"", 1},
      {"${NAME:-abc", "unterminated \"${NAME:-\", expected \"}\"", 0},
      {"${NA-ME}", "unterminated \"${NA\", expected \"}\" or \":-default}\"", 0},
  };
  for (const auto& c : cases) {
    size_t off = 99;
    absl::StatusOr<std::string> r = ExpandVars(c.text, Vars({}), &off);
    EXPECT_THAT(r, testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                     ::testing::Eq(c.message)))
        << c.text;
    EXPECT_EQ(off, c.offset) << c.text;
  }
}

TEST(InterpolateTest, ReportsWhichVariablesWereUsed) {
  size_t off = 0;
  std::vector<std::string> used;
  ASSERT_OK(ExpandVars("${A:-1}/${B:-2}", Vars({}), &off, &used));
  EXPECT_EQ(used, (std::vector<std::string>{"A", "B"}));
}

}  // namespace
}  // namespace aurora
