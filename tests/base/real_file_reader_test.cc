// Tests for RealFileReader::ReadFile (base/file_reader.h): files of every
// size are read exactly, also those whose size stat does not report
// (/proc); errors name the path.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "base/file_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;

std::string TempPath(const std::string& leaf) {
  return (std::string(::testing::TempDir()) + "real_file_reader_" +
          std::to_string(::getpid()) + "_" + leaf);
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_TRUE(out.good()) << path;
}

TEST(RealFileReaderTest, ReadsRegularFilesExactlyWhateverTheirSize) {
  std::mt19937 rng(1);
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{65536},
                      size_t{65537}, size_t{3} << 20,
                      (size_t{9} << 20) + 7}) {
    std::string content(size, '\0');
    for (char& c : content) c = static_cast<char>(rng());  // NULs included
    const std::string path = TempPath(std::to_string(size));
    WriteFile(path, content);
    RealFileReader reader;
    absl::StatusOr<std::string> got = reader.ReadFile(path);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->size(), size);
    EXPECT_TRUE(*got == content) << "size " << size;
    std::remove(path.c_str());
  }
}

TEST(RealFileReaderTest, ReadsFilesWhoseStatSizeIsZero) {
  // /proc files report st_size 0 but have content.
  RealFileReader reader;
  absl::StatusOr<std::string> got = reader.ReadFile("/proc/self/status");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_NE(got->find("Name:"), std::string::npos);
}

TEST(RealFileReaderTest, MissingFilesAndDirectoriesAreErrorsNamingThePath) {
  RealFileReader reader;
  const std::string missing = TempPath("does_not_exist");
  EXPECT_THAT(reader.ReadFile(missing),
              StatusIs(absl::StatusCode::kNotFound, missing + ": no such file"));
  const std::string dir = ::testing::TempDir();
  EXPECT_THAT(reader.ReadFile(dir),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       dir + ": is a directory, expected a file"));
}

}  // namespace
}  // namespace aurora
