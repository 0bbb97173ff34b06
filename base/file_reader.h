// File: base/file_reader.h
// The filesystem seam (ninja's FileReader): readers and loaders take a
// FileReader& so tests can serve files from memory and inject failures.
#ifndef AURORA_BASE_FILE_READER_H_
#define AURORA_BASE_FILE_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace aurora {

class FileReader {
 public:
  virtual ~FileReader() = default;
  // Returns the whole content of `path`. kNotFound when it does not exist,
  // kFailedPrecondition for a directory, kUnavailable for other I/O errors.
  // Messages name the path.
  virtual absl::StatusOr<std::string> ReadFile(const std::string& path) = 0;
  // ReadFile with a tighter size bound (gate files: 16 MiB): a larger file
  // is kResourceExhausted naming the path and the limit. The default reads
  // the file, then checks; RealFileReader stops at the limit.
  virtual absl::StatusOr<std::string> ReadFileAtMost(const std::string& path,
                                                     size_t max_bytes);
  // Expands a shell glob (`*`, `?`, `[...]`, no brace expansion) to the
  // sorted list of matching paths. A pattern without glob characters is
  // returned as is, whether or not it exists. kNotFound when a glob matches
  // nothing.
  virtual absl::StatusOr<std::vector<std::string>> Glob(
      const std::string& pattern) = 0;
};

// Bounds on one RealFileReader::ReadFile (issue 10: an artifact must not
// grow memory without limit nor hang the run).
struct ReadLimits {
  // Larger files are refused (kResourceExhausted naming the file and the
  // limit): from their size before reading, or once a pipe exceeds it.
  size_t max_bytes = size_t{1} << 30;  // 1 GiB
  // A pipe (FIFO, process substitution) must reach its end within this;
  // else kDeadlineExceeded. Regular files are not timed.
  absl::Duration pipe_timeout = absl::Seconds(30);
};

// Reads the real filesystem: regular files and pipes; devices and sockets
// are refused (kFailedPrecondition), a FIFO without a writer never blocks
// the open. Thread-safe.
class RealFileReader : public FileReader {
 public:
  explicit RealFileReader(ReadLimits limits = {}) : limits_(limits) {}
  absl::StatusOr<std::string> ReadFile(const std::string& path) override;
  absl::StatusOr<std::string> ReadFileAtMost(const std::string& path,
                                             size_t max_bytes) override;
  absl::StatusOr<std::vector<std::string>> Glob(
      const std::string& pattern) override;

 private:
  absl::StatusOr<std::string> Read(const std::string& path,
                                   const ReadLimits& limits);
  ReadLimits limits_;
};

// True when `pattern` contains a glob metacharacter.
bool HasGlobChars(const std::string& pattern);

}  // namespace aurora

#endif  // AURORA_BASE_FILE_READER_H_
