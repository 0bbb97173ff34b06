// Source types and action triggers: parsed once from the gate file's
// strings, printed back by name unchanged (reports and logs show the name).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rules/action_trigger.h"
#include "rules/source_type.h"
#include "rules/source_types.h"

namespace aurora {
namespace {

TEST(SourceTypeTest, EveryTypeRoundTripsThroughItsName) {
  for (SourceType t : kSourceTypes) {
    EXPECT_EQ(ParseSourceType(SourceTypeName(t)), t) << SourceTypeName(t);
  }
}

TEST(SourceTypeTest, SupportedNamesAreTheGateFileSpellingsInOrder) {
  EXPECT_EQ(SupportedSourceTypes(),
            (std::vector<std::string>{"coverage", "pytest-benchmark", "junit",
                                      "mutation", "security", "json", "http",
                                      "prometheus", "env", "command"}));
}

TEST(SourceTypeTest, UnknownAndMisspelledNamesAreNoType) {
  EXPECT_FALSE(ParseSourceType("coverag").has_value());
  EXPECT_FALSE(ParseSourceType("Coverage").has_value());
  EXPECT_FALSE(ParseSourceType("").has_value());
}

TEST(SourceTypeTest, OnlyMultiFileTypesAcceptAPathGlob) {
  std::vector<std::string> globbing;
  for (SourceType t : kSourceTypes) {
    if (AcceptsPathGlob(t)) globbing.emplace_back(SourceTypeName(t));
  }
  EXPECT_EQ(globbing,
            (std::vector<std::string>{"junit", "mutation", "security"}));
}

TEST(ActionTriggerTest, EveryTriggerRoundTripsThroughItsName) {
  std::vector<std::string> names;
  for (ActionTrigger t : kActionTriggers) {
    EXPECT_EQ(ParseActionTrigger(ActionTriggerName(t)), t);
    names.emplace_back(ActionTriggerName(t));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"fail", "error", "warn", "pass",
                                             "resolved", "start"}));
}

TEST(ActionTriggerTest, UnknownNamesAreNoTrigger) {
  EXPECT_FALSE(ParseActionTrigger("failed").has_value());
  EXPECT_FALSE(ParseActionTrigger("FAIL").has_value());
  EXPECT_FALSE(ParseActionTrigger("").has_value());
}

}  // namespace
}  // namespace aurora
