// File: tests/testing/chromium.h
// Real headless Chromium (Debian `chromium`, see scripts/install-deps.sh)
// for browser tests: loads a local HTML file and returns the DOM the browser
// built (--dump-dom), or writes a PNG screenshot. Each run uses a fresh
// user-data-dir (removed afterwards) and is bounded by `timeout`.
#ifndef AURORA_TESTS_TESTING_CHROMIUM_H_
#define AURORA_TESTS_TESTING_CHROMIUM_H_

#include <string>

namespace aurora::testing {

// $AURORA_CHROMIUM when set, else /usr/bin/chromium; "" when that is not an
// executable file.
std::string ChromiumPath();

struct BrowserRun {
  int exit_code = -1;    // 124: killed after the time limit
  std::string out;       // --dump-dom: the serialized DOM
  std::string err;
  double wall_seconds = 0;  // process start to exit
  std::string command;      // for failure messages
};

// chromium --headless=new --no-sandbox --disable-gpu --dump-dom file://PATH
BrowserRun DumpDom(const std::string& html_path, int timeout_seconds = 60);

// chromium ... --window-size=W,H --screenshot=PNG file://PATH
BrowserRun Screenshot(const std::string& html_path, const std::string& png_path,
                      int width, int height, int timeout_seconds = 60);

}  // namespace aurora::testing

#endif  // AURORA_TESTS_TESTING_CHROMIUM_H_
