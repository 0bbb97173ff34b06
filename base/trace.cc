#include "base/trace.h"

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace aurora {

bool TraceEnabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("AURORA_GATE_TRACE");
    return v != nullptr && *v != '\0';
  }();
  return enabled;
}

void TraceEvent(std::string_view what) {
  if (!TraceEnabled()) return;
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  char head[64];
  int n = std::snprintf(head, sizeof head, "aurora-gate trace %lld ",
                        static_cast<long long>(ts.tv_sec) * 1000000LL +
                            ts.tv_nsec / 1000);
  std::string line(head, n > 0 ? static_cast<size_t>(n) : 0);
  line.append(what);
  line.push_back('\n');
  // A single write(2): a line is never interleaved with another.
  ssize_t ignored = ::write(2, line.data(), line.size());
  (void)ignored;
}

}  // namespace aurora
