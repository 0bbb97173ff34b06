// Tests for RealFileReader::ReadFile (base/file_reader.h): files of every
// size are read exactly, also those whose size stat does not report
// (/proc); errors name the path. Issue 10: reads are bounded in size and,
// for pipes, in time; devices are refused.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "base/file_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace aurora {
namespace {

using ::aurora::testing::StatusIs;
using ::testing::HasSubstr;

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

TEST(RealFileReaderTest, FilesOverTheSizeLimitAreRefusedBeforeReading) {
  const std::string path = TempPath("over_limit");
  WriteFile(path, std::string(2048, 'x'));
  RealFileReader small(ReadLimits{.max_bytes = 1024});
  EXPECT_THAT(small.ReadFile(path),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       path + ": 2048 bytes, more than the 1024-byte limit "
                              "for one file"));
  std::remove(path.c_str());
  // A 2 GiB sparse file costs nothing: refused from its size (default
  // limit 1 GiB), never read.
  const std::string sparse = TempPath("sparse");
  int fd = ::open(sparse.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t{2} << 30), 0);
  ::close(fd);
  RealFileReader reader;
  EXPECT_THAT(reader.ReadFile(sparse),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       sparse + ": 2147483648 bytes, more than the "
                                "1073741824-byte limit for one file"));
  std::remove(sparse.c_str());
}

// Gate files are read with a tighter bound than artifacts.
TEST(RealFileReaderTest, ReadFileAtMostTightensTheLimitForOneRead) {
  const std::string path = TempPath("at_most");
  WriteFile(path, std::string(2048, 'x'));
  RealFileReader reader;
  EXPECT_THAT(reader.ReadFileAtMost(path, 1024),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       path + ": 2048 bytes, more than the 1024-byte limit "
                              "for one file"));
  absl::StatusOr<std::string> whole = reader.ReadFileAtMost(path, 2048);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->size(), 2048u);
  // The reader's own limit still holds when it is the tighter one.
  RealFileReader small(ReadLimits{.max_bytes = 100});
  EXPECT_EQ(small.ReadFileAtMost(path, 4096).status().code(),
            absl::StatusCode::kResourceExhausted);
  std::remove(path.c_str());
}

TEST(RealFileReaderTest, DevicesAreRefused) {
  RealFileReader reader;
  EXPECT_THAT(reader.ReadFile("/dev/zero"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "/dev/zero: is a character device, expected a file or "
                       "a pipe"));
}

TEST(RealFileReaderTest, FifoWithoutAWriterTimesOutInsteadOfHanging) {
  const std::string fifo = TempPath("fifo_no_writer");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  RealFileReader reader(ReadLimits{.pipe_timeout = absl::Milliseconds(200)});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(reader.ReadFile(fifo),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       fifo + ": a pipe that did not reach its end within "
                              "200ms; nothing was read from it"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  std::remove(fifo.c_str());
}

TEST(RealFileReaderTest, FifoIsReadToItsEndWhenTheWriterFinishes) {
  const std::string fifo = TempPath("fifo_writer");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string content(200000, 'y');  // more than a pipe buffer
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // open late
    std::ofstream out(fifo, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
  RealFileReader reader(ReadLimits{.pipe_timeout = absl::Seconds(20)});
  absl::StatusOr<std::string> got = reader.ReadFile(fifo);
  writer.join();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == content);
  std::remove(fifo.c_str());
}

TEST(RealFileReaderTest, EndlessPipeStopsAtTheSizeLimit) {
  std::signal(SIGPIPE, SIG_IGN);  // the writer learns of the end by EPIPE
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([fd = fds[1]] {
    std::string chunk(4096, 'z');
    while (::write(fd, chunk.data(), chunk.size()) > 0) {
    }
    ::close(fd);
  });
  RealFileReader reader(ReadLimits{.max_bytes = 100000});
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  EXPECT_THAT(reader.ReadFile(path),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr(path + ": more than the 100000-byte limit "
                                        "for one file")));
  ::close(fds[0]);  // the writer gets EPIPE and stops
  writer.join();
}

}  // namespace
}  // namespace aurora
