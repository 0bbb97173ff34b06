#include "base/heap_release.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace aurora {

void ReleaseFreeHeapMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace aurora
