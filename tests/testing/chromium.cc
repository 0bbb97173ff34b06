#include "tests/testing/chromium.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "tests/testing/subprocess.h"

namespace aurora::testing {
namespace {

BrowserRun RunChromium(std::vector<std::string> flags,
                       const std::string& html_path, int timeout_seconds) {
  BrowserRun run;
  const std::string chromium = ChromiumPath();
  if (chromium.empty()) {
    run.err = "chromium not found (install the Debian package `chromium`)";
    return run;
  }
  const std::string profile = MakeTempDir();
  std::vector<std::string> argv = {"timeout", "-k", "5",
                                   std::to_string(timeout_seconds), chromium,
                                   "--headless=new", "--no-sandbox",
                                   "--disable-gpu", "--no-first-run",
                                   "--no-default-browser-check",
                                   "--disable-extensions", "--hide-scrollbars",
                                   "--user-data-dir=" + profile};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back("file://" +
                 std::filesystem::absolute(html_path).lexically_normal().string());
  for (const std::string& a : argv) run.command += a + " ";
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = RunProcess(argv);
  run.wall_seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  run.exit_code = r.exit_code;
  run.out = std::move(r.out);
  run.err = std::move(r.err);
  std::error_code ec;
  std::filesystem::remove_all(profile, ec);
  return run;
}

}  // namespace

std::string ChromiumPath() {
  const char* env = std::getenv("AURORA_CHROMIUM");
  const std::string path = env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
  return ::access(path.c_str(), X_OK) == 0 ? path : "";
}

BrowserRun DumpDom(const std::string& html_path, int timeout_seconds) {
  return RunChromium({"--dump-dom"}, html_path, timeout_seconds);
}

BrowserRun Screenshot(const std::string& html_path, const std::string& png_path,
                      int width, int height, int timeout_seconds) {
  return RunChromium({"--window-size=" + std::to_string(width) + "," +
                          std::to_string(height),
                      "--screenshot=" + png_path},
                     html_path, timeout_seconds);
}

}  // namespace aurora::testing
