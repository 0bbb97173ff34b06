#include "base/byte_size.h"

#include "gtest/gtest.h"

namespace aurora {
namespace {

TEST(ByteSizeTest, ParsesNumbersWithBinaryAndDecimalUnits) {
  EXPECT_EQ(ParseByteSize("65536"), 65536);
  EXPECT_EQ(ParseByteSize("256MiB"), 256LL << 20);
  EXPECT_EQ(ParseByteSize("256 mib"), 256LL << 20);
  EXPECT_EQ(ParseByteSize("1GiB"), 1LL << 30);
  EXPECT_EQ(ParseByteSize("512KiB"), 512LL << 10);
  EXPECT_EQ(ParseByteSize("10MB"), 10000000);
  EXPECT_EQ(ParseByteSize("2kB"), 2000);
  EXPECT_EQ(ParseByteSize("100B"), 100);
}

TEST(ByteSizeTest, RejectsMalformedZeroAndHugeSizes) {
  for (const char* bad : {"", "MiB", "-1", "1.5MiB", "0", "0MiB", "12 parsecs",
                          "99999999999TiB", "1e9"}) {
    EXPECT_EQ(ParseByteSize(bad), std::nullopt) << bad;
  }
}

TEST(ByteSizeTest, FormatsWithTheLargestBinaryUnit) {
  EXPECT_EQ(FormatByteSize(1000), "1000 bytes");
  EXPECT_EQ(FormatByteSize(256LL << 20), "256 MiB");
  EXPECT_EQ(FormatByteSize(1LL << 30), "1 GiB");
  EXPECT_EQ(FormatByteSize(3LL << 19), "1.5 MiB");
}

}  // namespace
}  // namespace aurora
