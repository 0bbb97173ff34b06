// bench/html_page.cc: writes the go-live report of a synthetic run of N live
// rules, each with one series over 24 h at a 15 s step (5761 points; the
// fixture the size and browser tests use, tests/reports/html_fixtures.h), or
// of an empty run; prints the page size and the time RenderHtml took.
//   html_page big OUT.html [N=50]     html_page empty OUT.html
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "reports/html_report.h"
#include "tests/reports/html_fixtures.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: html_page big|empty OUT.html [RULES]\n");
    return 2;
  }
  const std::string kind = argv[1];
  const int rules = argc > 3 ? std::atoi(argv[3]) : 50;
  const aurora::RunResult run =
      kind == "big" ? aurora::testing::BigRun(rules) : aurora::RunResult{};
  const auto start = std::chrono::steady_clock::now();
  const std::string html = aurora::RenderHtml(run, {});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::ofstream out(argv[2], std::ios::binary);
  out << html;
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  std::printf("%s: %zu bytes (%.2f MB), RenderHtml %.3f s\n", argv[2],
              html.size(), html.size() / 1e6, seconds);
  return 0;
}
