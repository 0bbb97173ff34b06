// File: base/host_name.h
// The name of the machine a run happens on, for reports (JUnit's `hostname`).
#ifndef AURORA_BASE_HOST_NAME_H_
#define AURORA_BASE_HOST_NAME_H_

#include <string>

namespace aurora {

// gethostname(2); "localhost" when the system gives none.
std::string HostName();

}  // namespace aurora

#endif  // AURORA_BASE_HOST_NAME_H_
