#include "base/host_name.h"

#include <unistd.h>

#include <climits>

namespace aurora {

std::string HostName() {
#ifdef HOST_NAME_MAX
  char buf[HOST_NAME_MAX + 1] = {};
#else
  char buf[256] = {};
#endif
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') {
    return "localhost";
  }
  return buf;
}

}  // namespace aurora
