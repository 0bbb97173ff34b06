#include "base/heap_release.h"

// <cstdlib> brings <features.h>, which defines __GLIBC__: without a libc
// header first the #if below is false and both functions are no-ops.
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace aurora {

bool ConfigureHeapForLongRun() {
#if defined(__GLIBC__)
  // Sanitizers replace malloc; their mallopt accepts nothing (returns 0).
  return mallopt(M_ARENA_MAX, 1) == 1 &&
         mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1;
#else
  return false;
#endif
}

void ReleaseFreeHeapMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace aurora
