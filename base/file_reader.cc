#include "base/file_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace aurora {

namespace {

// What a non-regular file is, for messages; "" for a regular file or FIFO.
const char* RefusedKind(mode_t mode) {
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "";
}

absl::Status TooBig(const std::string& path, size_t limit) {
  return absl::ResourceExhaustedError(absl::StrCat(
      path, ": more than the ", limit, "-byte limit for one file"));
}

// Reads a pipe opened O_NONBLOCK to its end: waits with poll() so that a
// FIFO whose writer has not opened it yet is waited for (read() would say
// end of file at once), up to `timeout` in all.
absl::Status ReadPipe(int fd, const std::string& path, const ReadLimits& limits,
                      std::string* out) {
  const absl::Time deadline = absl::Now() + limits.pipe_timeout;
  char buf[1 << 16];
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    struct pollfd p = {fd, POLLIN, 0};
    int ready = left <= absl::ZeroDuration()
                    ? 0
                    : ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(
                                        left + absl::Milliseconds(1))));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(
          absl::StrCat(path, ": poll failed: ", std::strerror(errno)));
    }
    if (ready == 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          path, ": a pipe that did not reach its end within ",
          absl::FormatDuration(limits.pipe_timeout),
          out->empty() ? "; nothing was read from it"
                       : absl::StrCat("; ", out->size(), " bytes read")));
    }
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return absl::UnavailableError(
          absl::StrCat(path, ": read failed: ", std::strerror(errno)));
    }
    if (n == 0) return absl::OkStatus();
    if (out->size() + static_cast<size_t>(n) > limits.max_bytes) {
      return TooBig(path, limits.max_bytes);
    }
    out->append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

absl::StatusOr<std::string> FileReader::ReadFileAtMost(const std::string& path,
                                                       size_t max_bytes) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (text.ok() && text->size() > max_bytes) return TooBig(path, max_bytes);
  return text;
}

absl::StatusOr<std::string> RealFileReader::ReadFile(const std::string& path) {
  return Read(path, limits_);
}

absl::StatusOr<std::string> RealFileReader::ReadFileAtMost(
    const std::string& path, size_t max_bytes) {
  ReadLimits limits = limits_;
  limits.max_bytes = std::min(limits.max_bytes, max_bytes);
  return Read(path, limits);
}

absl::StatusOr<std::string> RealFileReader::Read(const std::string& path,
                                                 const ReadLimits& limits) {
  // O_NONBLOCK: opening a FIFO without a writer returns at once.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot open: ", std::strerror(err)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot stat: ", std::strerror(err)));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": is a directory, expected a file"));
  }
  if (const char* kind = RefusedKind(st.st_mode); *kind != '\0') {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": is ", kind, ", expected a file or a pipe"));
  }
  std::string out;
  if (S_ISFIFO(st.st_mode)) {
    absl::Status s = ReadPipe(fd, path, limits, &out);
    ::close(fd);
    if (!s.ok()) return s;
    return out;
  }
  if (st.st_size > 0 && static_cast<uint64_t>(st.st_size) > limits.max_bytes) {
    ::close(fd);
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": ", st.st_size, " bytes, more than the ",
                     limits.max_bytes, "-byte limit for one file"));
  }
  // Reserve, then append from a small cache-resident buffer: measured
  // faster than resize + read() straight into the string (which zero-fills
  // it first) and steadier than huge-page advice (bench/README.md).
  if (st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return absl::UnavailableError(
          absl::StrCat(path, ": read failed: ", std::strerror(err)));
    }
    if (n == 0) break;
    // A file that grows while it is read (or /proc, size 0) stops here.
    if (out.size() + static_cast<size_t>(n) > limits.max_bytes) {
      ::close(fd);
      return TooBig(path, limits.max_bytes);
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

bool HasGlobChars(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

absl::StatusOr<std::vector<std::string>> RealFileReader::Glob(
    const std::string& pattern) {
  if (!HasGlobChars(pattern)) return std::vector<std::string>{pattern};
  glob_t g;
  std::memset(&g, 0, sizeof g);
  int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
  std::vector<std::string> out;
  if (rc == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  if (rc == GLOB_NOMATCH || (rc == 0 && out.empty())) {
    return absl::NotFoundError(
        absl::StrCat(pattern, ": the pattern matches no file"));
  }
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat(pattern, ": cannot expand the pattern"));
  }
  return out;  // glob() sorts by default.
}

}  // namespace aurora
