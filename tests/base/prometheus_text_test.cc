#include "base/prometheus_text.h"

#include <string>

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(EscapeLabelValueTest, EscapesBackslashQuoteAndNewlineOnly) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  // Tabs, carriage returns and UTF-8 go through as they are.
  EXPECT_EQ(EscapeLabelValue("t\tr\r\xC3\xA9"), "t\tr\r\xC3\xA9");
}

TEST(EscapeLabelValueTest, PlainAndEmptyValuesAreUnchanged) {
  EXPECT_EQ(EscapeLabelValue("api-gateway:8080"), "api-gateway:8080");
  EXPECT_EQ(EscapeLabelValue(""), "");
}

TEST(EscapeLabelValueTest, KeepsEmbeddedNulBytes) {
  EXPECT_EQ(EscapeLabelValue(std::string("a\0b", 3)), std::string("a\0b", 3));
}

}  // namespace
}  // namespace aurora
