// Inputs found by tests/fuzz/gate_loader_fuzz (and hostile YAML the fuzz
// brief named) that the loader must reject with file:line:col errors, never
// a crash. ASan caught the first two only in the fuzz build; here they pin
// the error texts.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/gate_loader.h"

namespace aurora {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Errors(const std::string& text) {
  LoadedGate g = ParseGate(
      "gate.yaml", text,
      [](const std::string&) -> std::optional<std::string> { return {}; });
  std::vector<std::string> out;
  for (const auto& e : g.errors) out.push_back(e.ToString());
  return out;
}

TEST(GateLoaderFuzzRegressionTest, ScalarGroupsIsAnError) {
  // CheckKeys bound `it->first` (a temporary of yaml-cpp's iterator proxy)
  // to a reference: stack-use-after-scope under ASan.
  EXPECT_THAT(Errors("groups: 3\n"),
              ElementsAre("gate.yaml:1:9: groups: expected a list of groups "
                          "(- name: ...), got a scalar \"3\""));
}

TEST(GateLoaderFuzzRegressionTest, ScalarSourceIsAnError) {
  // Same pattern in LoadSources (`it->second`).
  EXPECT_THAT(Errors("sources:\n  a: 3\ngroups: []\n"),
              ElementsAre("gate.yaml:2:6: source \"a\": expected a mapping "
                          "such as { type: coverage, path: coverage.xml }, "
                          "got a scalar \"3\""));
}

// yaml-cpp 0.7 stops recursing itself (DeepRecursion, message "bad file");
// the loader names the problem.
TEST(GateLoaderFuzzRegressionTest, DeeplyNestedFlowSequenceIsAnError) {
  EXPECT_THAT(Errors("groups: " + std::string(100000, '[') + "\n"),
              ElementsAre("gate.yaml:2:1: invalid YAML: lists or mappings "
                          "nested too deeply (yaml-cpp stops at 500 levels)"));
}

TEST(GateLoaderFuzzRegressionTest, DeeplyNestedFlowMappingIsAnError) {
  std::string text = "groups: ";
  for (int i = 0; i < 100000; ++i) text += "{a: ";
  EXPECT_THAT(Errors(text + "\n"),
              ElementsAre("gate.yaml:1:2000: invalid YAML: lists or mappings "
                          "nested too deeply (yaml-cpp stops at 500 levels)"));
}

}  // namespace
}  // namespace aurora
