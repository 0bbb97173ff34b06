// A junit source's `counters:` option (issue 10): `check` (the default)
// makes rules on `tests` inconclusive when a suite's own counters claim more
// than its testcases; `trust-testcases` counts the testcases alone.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;

LoadedGate Parse(std::string_view text) {
  return ParseGate("gate.yaml", text, [](const std::string&) {
    return std::optional<std::string>();
  });
}

std::vector<std::string> Errors(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& e : Parse(text).errors) out.push_back(e.ToString());
  return out;
}

constexpr char kRules[] = R"(groups:
  - name: g
    rules:
      - { name: r, source: j, expr: 'sum(tests{result="failed"})', pass: "== 0" }
)";

TEST(JunitCountersLoaderTest, CheckIsTheDefaultAndTrustTestcasesOptsOut) {
  LoadedGate plain = Parse(std::string(R"(sources:
  j: { type: junit, path: r.xml }
)") + kRules);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain.gate.sources.at("j").trust_testcase_counts);
  LoadedGate check = Parse(std::string(R"(sources:
  j: { type: junit, path: r.xml, counters: check }
)") + kRules);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check.gate.sources.at("j").trust_testcase_counts);
  LoadedGate trust = Parse(std::string(R"(sources:
  j: { type: junit, path: r.xml, counters: trust-testcases }
)") + kRules);
  ASSERT_TRUE(trust.ok());
  EXPECT_TRUE(trust.gate.sources.at("j").trust_testcase_counts);
}

TEST(JunitCountersLoaderTest, UnknownValueOrOtherSourceTypeIsAnError) {
  EXPECT_THAT(Errors(std::string(R"(sources:
  j: { type: junit, path: r.xml, counters: trust }
  c: { type: coverage, path: c.xml, counters: check }
)") + kRules),
              ElementsAre("gate.yaml:2:44: source \"j\": counters: expected "
                          "check or trust-testcases, got \"trust\"",
                          "gate.yaml:3:37: source \"c\": \"counters\" is for "
                          "junit sources (how a suite's own tests/failures "
                          "counters are used)"));
}

}  // namespace
}  // namespace aurora
