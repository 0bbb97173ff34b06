#include "rules/interpolate.h"

#include <map>

#include "gmock/gmock.h"
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

// Issue 10.4: `--set PKG='"} * 0 + 100 + m{p="'` turned a failing coverage
// rule into 193 %. In a PromQL expression a value is data: escaped inside a
// quoted string, and only a number, a duration or a name elsewhere.
std::string ExpandPromql(std::string_view text, const VarLookup& v) {
  size_t off = 0;
  absl::StatusOr<std::string> r = ExpandVarsInPromql(text, v, &off);
  EXPECT_OK(r) << text;
  return r.ok() ? *r : "";
}

TEST(InterpolatePromqlTest, AValueInsideAQuotedStringIsEscapedAsItsContent) {
  const VarLookup v = Vars({{"PKG", "\"} * 0 + 100 + m{p=\""},
                            {"SQ", "it's"},
                            {"RE", "a\\.b|c"},
                            {"NL", "x\ny\x01"}});
  EXPECT_EQ(ExpandPromql("coverage_line_percent{package=\"${PKG}\"}", v),
            "coverage_line_percent{package=\"\\\"} * 0 + 100 + m{p=\\\"\"}");
  EXPECT_EQ(ExpandPromql("m{a='${SQ}', b=\"${SQ}\"}", v),
            "m{a='it\\'s', b=\"it's\"}");
  EXPECT_EQ(ExpandPromql("m{a=~\"${RE}\"}", v), "m{a=~\"a\\\\.b|c\"}");
  EXPECT_EQ(ExpandPromql("m{a=\"${NL}\"}", v), "m{a=\"x\\ny\\x01\"}");
  // An escaped quote does not end the string.
  EXPECT_EQ(ExpandPromql("m{a=\"q\\\"${SQ}\"}", v), "m{a=\"q\\\"it's\"}");
  // A raw string takes the value as it is, unless it holds a backtick.
  EXPECT_EQ(ExpandPromql("m{a=~`${RE}`}", v), "m{a=~`a\\.b|c`}");
  size_t off = 0;
  EXPECT_FALSE(
      ExpandVarsInPromql("m{a=~`${T}`}", Vars({{"T", "x`+1"}}), &off).ok());
  EXPECT_EQ(off, 6u);
}

TEST(InterpolatePromqlTest, OutsideStringsOnlyNumbersDurationsAndNames) {
  const VarLookup v = Vars({{"N", "0.95"},
                            {"E", "1e3"},
                            {"D", "5m"},
                            {"D2", "1h30m"},
                            {"L", "route"},
                            {"M", "job:up:sum"},
                            {"BAD", "1) or vector(100"},
                            {"SP", "5 "},
                            {"EMPTY", ""}});
  EXPECT_EQ(ExpandPromql("histogram_quantile(${N}, x) > ${E}", v),
            "histogram_quantile(0.95, x) > 1e3");
  EXPECT_EQ(ExpandPromql("rate(x[${D}]) offset ${D2}", v),
            "rate(x[5m]) offset 1h30m");
  EXPECT_EQ(ExpandPromql("sum by (${L}) (${M})", v),
            "sum by (route) (job:up:sum)");
  for (const char* text : {"x > ${BAD}", "x > ${SP}", "x > ${EMPTY}"}) {
    size_t off = 0;
    absl::StatusOr<std::string> r = ExpandVarsInPromql(text, v, &off);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(off, 4u) << text;
    EXPECT_THAT(std::string(r.status().message()),
                ::testing::HasSubstr("must be a number, a duration (5m) or a "
                                     "name"))
        << text;
  }
  // A default is gate-file text, written by the gate's author; the quotes
  // it opens and closes count, so a value after it is placed correctly.
  EXPECT_EQ(ExpandPromql("x > ${UNSET:-0.5 * 2}", v), "x > 0.5 * 2");
  EXPECT_EQ(ExpandPromql("m{${UNSET:-job=\"a\"}, r=\"${SQ2}\"}",
                         Vars({{"SQ2", "\"x"}})),
            "m{job=\"a\", r=\"\\\"x\"}");
  // A `#` comment runs to the end of the line: an apostrophe in it opens no
  // string, so a value after it is still checked as code.
  size_t at = 0;
  EXPECT_FALSE(ExpandVarsInPromql("# don't page\nsum(m) > ${BAD}", v, &at)
                   .ok());
  EXPECT_EQ(ExpandPromql("# it's fine\nm{a=\"${N}\"} > ${N}", v),
            "# it's fine\nm{a=\"0.95\"} > 0.95");
  // A value in a comment may not end it.
  EXPECT_FALSE(ExpandVarsInPromql("m # owner ${O}\n",
                                  Vars({{"O", "x\nor vector(1)"}}), &at)
                   .ok());
  EXPECT_EQ(ExpandPromql("m # owner ${L}\n", v), "m # owner route\n");
  // A `#` inside a string is not a comment.
  EXPECT_EQ(ExpandPromql("m{a=\"#${L}\"} > ${N}", v),
            "m{a=\"#route\"} > 0.95");
  // Numbers are finite: `> ${MAX}` with 1e999 or NaN would never hold.
  for (const char* n : {"1e999", "NaN", "+Inf", "-inf"}) {
    EXPECT_FALSE(
        ExpandVarsInPromql("x > ${MAX}", Vars({{"MAX", n}}), &at).ok())
        << n;
  }
  // A backslash before ${ in a string would pair with the escape of the
  // value's first quote and let the value close the string.
  EXPECT_FALSE(ExpandVarsInPromql("x{p=\"\\${PKG}\"}",
                                  Vars({{"PKG", "\"}) * 0 #"}}), &at)
                   .ok());
  EXPECT_EQ(at, 5u);
  // Outside PromQL nothing changes: a path keeps its value as it is.
  size_t off = 0;
  EXPECT_EQ(*ExpandVars("${BAD}", v, &off), "1) or vector(100");
}

}  // namespace
}  // namespace aurora
