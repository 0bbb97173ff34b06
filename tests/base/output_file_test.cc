// WriteOutputFile / AppendOutputFile on every kind of path a user may name:
// new paths and regular files are replaced atomically, symlinks are kept,
// devices, FIFOs and descriptors are written through, and every failure is
// an error naming the path with no temporary file left (issue 10, items 11
// and 12).
#include "base/output_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::ReadWholeFile;

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    if (immutable_) SetImmutable(dir_, false);
    ::chmod(dir_.c_str(), 0700);
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }

  // Names of the entries of dir_ that look like temporary files.
  std::vector<std::string> TempFiles() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return out;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name.find(".tmp") != std::string::npos) out.push_back(name);
    }
    ::closedir(d);
    return out;
  }

  // A character device of our own (major, minor) when we may create one
  // (root), so a bug cannot destroy the machine's /dev nodes; else `fallback`.
  std::string Device(const std::string& name, unsigned minor,
                     const std::string& fallback) {
    std::string p = dir_ + "/" + name;
    if (::mknod(p.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0) return p;
    return fallback;
  }

  static bool SetImmutable(const std::string& dir, bool on) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return false;
    int flags = 0;
    bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (ok) {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    return ok;
  }

  // Makes dir_ unwritable: chmod for a normal user; root ignores modes, so
  // for root the directory is made immutable (chattr +i).
  void MakeDirReadOnly() {
    if (::geteuid() == 0) {
      ASSERT_TRUE(SetImmutable(dir_, true)) << "chattr +i " << dir_;
      immutable_ = true;
    } else {
      ASSERT_EQ(::chmod(dir_.c_str(), 0555), 0);
    }
  }

  static void WriteText(const std::string& path, const std::string& text) {
    ASSERT_OK(WriteOutputFile(path, text));
  }

  std::string dir_;
  bool immutable_ = false;
};

struct stat Lstat(const std::string& p) {
  struct stat st = {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st;
}

// Lowers the file size limit for the scope, so writes past `bytes` fail
// with EFBIG as on a full disk (SIGXFSZ ignored meanwhile).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit lower = old_;
    lower.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_;
  sighandler_t old_handler_;
};

TEST_F(OutputFileTest, NewPathIsCreatedWithModeFromTheUmask) {
  mode_t old = ::umask(022);
  std::string p = dir_ + "/report.json";
  EXPECT_OK(WriteOutputFile(p, "{}\n"));
  ::umask(old);
  EXPECT_EQ(ReadWholeFile(p), "{}\n");
  struct stat st = Lstat(p);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_THAT(TempFiles(), IsEmpty());
}

TEST_F(OutputFileTest, RegularFileIsReplacedAndKeepsItsMode) {
  std::string p = dir_ + "/report.xml";
  WriteText(p, "a much longer old content\n");
  ASSERT_EQ(::chmod(p.c_str(), 0640), 0);
  ino_t old_inode = Lstat(p).st_ino;
  EXPECT_OK(WriteOutputFile(p, "new\n"));
  EXPECT_EQ(ReadWholeFile(p), "new\n");
  struct stat st = Lstat(p);
  EXPECT_NE(st.st_ino, old_inode) << "replaced by rename, not rewritten";
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_THAT(TempFiles(), IsEmpty());
}

TEST_F(OutputFileTest, SymlinkToRegularFileIsKeptAndItsTargetReplaced) {
  ASSERT_EQ(::mkdir((dir_ + "/real").c_str(), 0700), 0);
  std::string target = dir_ + "/real/report.md";
  WriteText(target, "old\n");
  std::string link = dir_ + "/report.md";
  ASSERT_EQ(::symlink("real/report.md", link.c_str()), 0);  // relative
  std::string link2 = dir_ + "/latest.md";                   // link to link
  ASSERT_EQ(::symlink(link.c_str(), link2.c_str()), 0);
  EXPECT_OK(WriteOutputFile(link2, "new\n"));
  EXPECT_TRUE(S_ISLNK(Lstat(link).st_mode));
  EXPECT_TRUE(S_ISLNK(Lstat(link2).st_mode));
  EXPECT_TRUE(S_ISREG(Lstat(target).st_mode));
  EXPECT_EQ(ReadWholeFile(target), "new\n");
  EXPECT_THAT(TempFiles(), IsEmpty());
}

TEST_F(OutputFileTest, DanglingSymlinkCreatesItsTarget) {
  std::string link = dir_ + "/report.html";
  ASSERT_EQ(::symlink("published.html", link.c_str()), 0);
  EXPECT_OK(WriteOutputFile(link, "<html/>"));
  EXPECT_TRUE(S_ISLNK(Lstat(link).st_mode));
  EXPECT_EQ(ReadWholeFile(dir_ + "/published.html"), "<html/>");
}

TEST_F(OutputFileTest, CharacterDeviceStaysACharacterDevice) {
  std::string null = Device("null", 3, "/dev/null");
  EXPECT_OK(WriteOutputFile(null, "discarded\n"));
  EXPECT_TRUE(S_ISCHR(Lstat(null).st_mode)) << null;
  EXPECT_OK(AppendOutputFile(null, "discarded\n"));
  EXPECT_TRUE(S_ISCHR(Lstat(null).st_mode)) << null;
  // A symlink to a device writes through to the device.
  std::string link = dir_ + "/out.json";
  ASSERT_EQ(::symlink(null.c_str(), link.c_str()), 0);
  EXPECT_OK(WriteOutputFile(link, "discarded\n"));
  EXPECT_TRUE(S_ISLNK(Lstat(link).st_mode));
  EXPECT_TRUE(S_ISCHR(Lstat(null).st_mode));
  EXPECT_THAT(TempFiles(), IsEmpty());
}

TEST_F(OutputFileTest, FifoWithAReaderGetsTheContent) {
  std::string fifo = dir_ + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = ReadWholeFile(fifo); });
  absl::Status s = WriteOutputFile(fifo, "through the pipe\n");
  reader.join();
  EXPECT_OK(s);
  EXPECT_EQ(received, "through the pipe\n");
  EXPECT_TRUE(S_ISFIFO(Lstat(fifo).st_mode));
}

TEST_F(OutputFileTest, DescriptorPathsWriteToTheOpenDescriptor) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  for (const std::string& p :
       {"/dev/fd/" + std::to_string(fds[1]),
        "/proc/self/fd/" + std::to_string(fds[1])}) {
    EXPECT_OK(WriteOutputFile(p, "x"));
    EXPECT_OK(AppendOutputFile(p, "y"));
  }
  ::close(fds[1]);  // the writer closed only its own duplicates
  char buf[16] = {};
  EXPECT_EQ(::read(fds[0], buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf), "xyxy");
  ::close(fds[0]);
  EXPECT_THAT(WriteOutputFile("/dev/fd/987", "x"),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("/dev/fd/987: not an open descriptor")));
}

TEST_F(OutputFileTest, FullDeviceIsAnErrorNamingThePath) {
  std::string full = Device("full", 7, "/dev/full");
  absl::Status s = WriteOutputFile(full, "report\n");
  EXPECT_EQ(s.message(), full + ": write failed: No space left on device");
  EXPECT_TRUE(S_ISCHR(Lstat(full).st_mode));
  s = AppendOutputFile(full, "summary\n");
  EXPECT_EQ(s.message(), full + ": write failed: No space left on device");
}

TEST_F(OutputFileTest, ReadOnlyDirectoryIsAnErrorAndLeavesNoTemporaryFile) {
  std::string p = dir_ + "/report.json";
  WriteText(p, "old\n");
  MakeDirReadOnly();
  absl::Status s = WriteOutputFile(p, "new\n");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              HasSubstr(p + ": cannot create a temporary file in " + dir_));
  EXPECT_EQ(ReadWholeFile(p), "old\n");
  EXPECT_THAT(TempFiles(), IsEmpty());
}

TEST_F(OutputFileTest, FailedWriteRemovesTheTemporaryFileAndKeepsTheTarget) {
  std::string p = dir_ + "/report.json";
  WriteText(p, "old\n");
  absl::Status s;
  {
    FileSizeLimit limit(1000);  // the filesystem is "full" after 1000 bytes
    s = WriteOutputFile(p, std::string(5000, 'x'));
  }
  EXPECT_EQ(s.message(), p + ": write failed: File too large");
  EXPECT_EQ(ReadWholeFile(p), "old\n");
  EXPECT_THAT(TempFiles(), IsEmpty());
}

TEST_F(OutputFileTest, AppendAddsToTheEndAndAFailedAppendAddsNothing) {
  std::string p = dir_ + "/summary.md";
  EXPECT_OK(AppendOutputFile(p, "# one\n"));
  EXPECT_OK(AppendOutputFile(p, "# two\n"));
  EXPECT_EQ(ReadWholeFile(p), "# one\n# two\n");
  absl::Status s;
  {
    FileSizeLimit limit(100);
    s = AppendOutputFile(p, std::string(5000, 'x'));
  }
  EXPECT_EQ(s.message(), p + ": write failed: File too large");
  EXPECT_EQ(ReadWholeFile(p), "# one\n# two\n");
}

TEST_F(OutputFileTest, DirectoryIsRefused) {
  EXPECT_THAT(WriteOutputFile(dir_, "x"),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr(dir_ + ": is a directory")));
  EXPECT_THAT(AppendOutputFile(dir_, "x"),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(OutputFileTest, MissingDirectoryIsAnErrorNamingThePath) {
  std::string p = dir_ + "/no/such/dir/report.json";
  absl::Status s = WriteOutputFile(p, "x");
  EXPECT_THAT(std::string(s.message()),
              HasSubstr(p + ": cannot create a temporary file in " + dir_ +
                        "/no/such/dir: No such file or directory"));
}

}  // namespace
}  // namespace aurora
