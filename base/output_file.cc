#include "base/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace aurora {
namespace {

// Symlink hops followed before giving up (Linux's own limit).
constexpr int kMaxSymlinkHops = 40;

absl::Status Failed(const std::string& path, std::string_view step, int err) {
  return absl::Status(absl::ErrnoToStatusCode(err),
                      absl::StrCat(path, ": ", Sv(step), ": ",
                                   std::strerror(err)));
}

// The descriptor `p` names, if it names one of this process's descriptors
// rather than a file: /dev/std{in,out,err}, /dev/fd/N, /proc/self/fd/N,
// /proc/<our pid>/fd/N.
std::optional<int> DescriptorNamed(std::string_view p) {
  if (p == "/dev/stdin") return 0;
  if (p == "/dev/stdout") return 1;
  if (p == "/dev/stderr") return 2;
  const std::string own = absl::StrCat("/proc/", ::getpid(), "/fd/");
  for (std::string_view prefix :
       {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/"),
        std::string_view(own)}) {
    if (!absl::StartsWith(Sv(p), Sv(prefix))) continue;
    std::string_view digits = p.substr(prefix.size());
    int fd = -1;
    if (!digits.empty() && digits.size() <= 9 &&
        std::all_of(digits.begin(), digits.end(),
                    [](char c) { return absl::ascii_isdigit(c); }) &&
        absl::SimpleAtoi(Sv(digits), &fd)) {
      return fd;
    }
  }
  return std::nullopt;
}

std::string Dirname(const std::string& p) {
  size_t slash = p.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

// Where a write to `path` lands once its symlinks are followed.
struct Target {
  std::string path;               // the final (non-symlink) path
  std::optional<int> descriptor;  // set when it names an open descriptor
  bool exists = false;
  struct stat st = {};
};

absl::StatusOr<Target> Resolve(const std::string& path) {
  Target t;
  t.path = path;
  for (int hops = 0;; ++hops) {
    if (std::optional<int> fd = DescriptorNamed(t.path)) {
      t.descriptor = fd;
      return t;
    }
    if (::lstat(t.path.c_str(), &t.st) != 0) {
      if (errno == ENOENT) return t;  // a new file (or a missing directory)
      return Failed(path, "cannot stat", errno);
    }
    if (!S_ISLNK(t.st.st_mode)) {
      t.exists = true;
      return t;
    }
    if (hops >= kMaxSymlinkHops) {
      return Failed(path, "cannot follow its symlinks", ELOOP);
    }
    std::string link(static_cast<size_t>(t.st.st_size > 0 ? t.st.st_size : 0) + 256, '\0');
    ssize_t n = ::readlink(t.path.c_str(), link.data(), link.size());
    if (n < 0) return Failed(path, "cannot read the symlink", errno);
    link.resize(static_cast<size_t>(n));
    t.path = !link.empty() && link[0] == '/'
                 ? link
                 : absl::StrCat(Dirname(t.path), "/", link);
  }
}

absl::Status RefuseKind(const std::string& path, const struct stat& st) {
  const char* what = S_ISDIR(st.st_mode)   ? "is a directory"
                     : S_ISBLK(st.st_mode) ? "is a block device"
                     : S_ISSOCK(st.st_mode) ? "is a socket"
                                            : "is not a file";
  return absl::FailedPreconditionError(
      absl::StrCat(path, ": ", what, "; expected a file, a character device "
                   "or a FIFO"));
}

// 0 on success, else the errno of the failed write.
int WriteAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    done += static_cast<size_t>(n);
  }
  return 0;
}

// Writes to an already open descriptor (not closed here) or an opened
// device/FIFO, checking the write and the close.
absl::Status WriteToDescriptor(const std::string& path, int fd,
                               std::string_view data) {
  // What the process printed before must come first.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (copy < 0) return Failed(path, "not an open descriptor", errno);
  int err = WriteAll(copy, data);
  if (::close(copy) != 0 && err == 0) err = errno;
  if (err != 0) return Failed(path, "write failed", err);
  return absl::OkStatus();
}

absl::Status WriteThrough(const std::string& path, const std::string& target,
                          std::string_view data) {
  int fd = ::open(target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Failed(path, "cannot open", errno);
  int err = WriteAll(fd, data);
  if (err != 0) {
    ::close(fd);
    return Failed(path, "write failed", err);
  }
  if (::close(fd) != 0) return Failed(path, "close failed", errno);
  return absl::OkStatus();
}

// fsyncs `dir` so a rename in it survives a crash. Filesystems that cannot
// sync a directory (EINVAL) and directories that cannot be opened for
// reading are left as they are.
absl::Status SyncDirectory(const std::string& path, const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::OkStatus();
  int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (err != 0 && err != EINVAL) {
    return Failed(path, absl::StrCat("fsync of directory ", dir, " failed"),
                  err);
  }
  return absl::OkStatus();
}

std::atomic<unsigned> temp_counter{0};

// `shown`: the path errors name (what the user gave); `target`: the file
// replaced (symlinks resolved).
absl::Status ReplaceAtomically(const std::string& shown,
                               const std::string& target, bool exists,
                               unsigned mode, std::string_view data) {
  const std::string dir = Dirname(target);
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = absl::StrCat(target, ".tmp.", ::getpid(), ".", temp_counter++);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                exists ? 0600 : mode);
    if (fd < 0 && (errno != EEXIST || attempt > 100)) {
      return Failed(shown,
                    absl::StrCat("cannot create a temporary file in ", dir),
                    errno);
    }
  }
  auto fail = [&](std::string_view step, int err) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return Failed(shown, step, err);
  };
  if (exists) ::fchmod(fd, mode & 07777);  // keep the mode
  if (int err = WriteAll(fd, data); err != 0) return fail("write failed", err);
  if (::fsync(fd) != 0) return fail("fsync failed", errno);
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0) return fail("close failed", errno);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    return fail(absl::StrCat("cannot rename ", tmp, " over it"), errno);
  }
  return SyncDirectory(shown, dir);
}

absl::Status AppendToFile(const std::string& path, const Target& t,
                          std::string_view data) {
  int fd = ::open(t.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                  0666);
  if (fd < 0) return Failed(path, "cannot open", errno);
  struct stat st;
  off_t before = ::fstat(fd, &st) == 0 ? st.st_size : -1;
  auto fail = [&](std::string_view step, int err) {
    // Undo a partial append; if even that fails, the error below stands.
    if (before >= 0 && ::ftruncate(fd, before) != 0) before = -1;
    ::close(fd);
    return Failed(path, step, err);
  };
  if (int err = WriteAll(fd, data); err != 0) return fail("write failed", err);
  if (::fsync(fd) != 0) return fail("fsync failed", errno);
  if (::close(fd) != 0) return Failed(path, "close failed", errno);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteOutputFile(const std::string& path,
                             std::string_view contents) {
  if (path.empty()) return absl::InvalidArgumentError("empty output path");
  absl::StatusOr<Target> t = Resolve(path);
  if (!t.ok()) return t.status();
  if (t->descriptor) return WriteToDescriptor(path, *t->descriptor, contents);
  if (!t->exists || S_ISREG(t->st.st_mode)) {
    return ReplaceAtomically(path, t->path, t->exists,
                             t->exists ? t->st.st_mode : 0666, contents);
  }
  if (S_ISCHR(t->st.st_mode) || S_ISFIFO(t->st.st_mode)) {
    return WriteThrough(path, t->path, contents);
  }
  return RefuseKind(path, t->st);
}

absl::Status ReplaceFileDurably(const std::string& path,
                                std::string_view contents,
                                unsigned new_file_mode) {
  if (path.empty()) return absl::InvalidArgumentError("empty output path");
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) return RefuseKind(path, st);
  return ReplaceAtomically(path, path, exists,
                           exists ? st.st_mode : new_file_mode, contents);
}

bool IsTemporaryName(std::string_view file_name) {
  const size_t at = file_name.rfind(".tmp.");
  if (at == std::string_view::npos) return false;
  std::string_view rest = file_name.substr(at + 5);  // "<pid>.<n>"
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size()) return false;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (i != dot && (rest[i] < '0' || rest[i] > '9')) return false;
  }
  return true;
}

absl::Status AppendOutputFile(const std::string& path,
                              std::string_view contents) {
  if (path.empty()) return absl::InvalidArgumentError("empty output path");
  absl::StatusOr<Target> t = Resolve(path);
  if (!t.ok()) return t.status();
  if (t->descriptor) return WriteToDescriptor(path, *t->descriptor, contents);
  if (!t->exists || S_ISREG(t->st.st_mode)) {
    return AppendToFile(path, *t, contents);
  }
  if (S_ISCHR(t->st.st_mode) || S_ISFIFO(t->st.st_mode)) {
    return WriteThrough(path, t->path, contents);
  }
  return RefuseKind(path, t->st);
}

}  // namespace aurora
