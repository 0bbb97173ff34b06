// File: tests/testing/fake_file_reader.h
// FileReader over an in-memory map, with injectable failures.
#ifndef AURORA_TESTS_TESTING_FAKE_FILE_READER_H_
#define AURORA_TESTS_TESTING_FAKE_FILE_READER_H_

#include <fnmatch.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/file_reader.h"

namespace aurora::testing {

class FakeFileReader : public FileReader {
 public:
  void Add(const std::string& path, std::string content) {
    files_[path] = std::move(content);
  }
  // Reading `path` fails with `status`.
  void Fail(const std::string& path, absl::Status status) {
    failures_[path] = std::move(status);
  }
  int reads(const std::string& path) const {
    auto it = reads_.find(path);
    return it == reads_.end() ? 0 : it->second;
  }

  absl::StatusOr<std::string> ReadFile(const std::string& path) override {
    ++reads_[path];
    auto f = failures_.find(path);
    if (f != failures_.end()) return f->second;
    auto it = files_.find(path);
    if (it == files_.end()) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    return it->second;
  }
  absl::StatusOr<std::vector<std::string>> Glob(
      const std::string& pattern) override {
    if (!HasGlobChars(pattern)) return std::vector<std::string>{pattern};
    std::vector<std::string> out;
    for (const auto& [p, c] : files_) {
      if (::fnmatch(pattern.c_str(), p.c_str(), FNM_PATHNAME) == 0) {
        out.push_back(p);
      }
    }
    if (out.empty()) {
      return absl::NotFoundError(
          absl::StrCat(pattern, ": the pattern matches no file"));
    }
    return out;
  }

 private:
  std::map<std::string, std::string> files_;
  std::map<std::string, absl::Status> failures_;
  std::map<std::string, int> reads_;
};

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_FAKE_FILE_READER_H_
