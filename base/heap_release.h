// File: base/heap_release.h
// Gives the heap's free pages back to the operating system. A long-running
// loop calls it after each cycle so that one cycle's peak (a watch's first
// cycle restores alert state from range queries) does not stay resident:
// glibc keeps freed memory in its arenas otherwise. glibc: malloc_trim(0)
// (cost: a walk over the free lists, well under a millisecond for a few MB);
// elsewhere a no-op.
#ifndef AURORA_BASE_HEAP_RELEASE_H_
#define AURORA_BASE_HEAP_RELEASE_H_

namespace aurora {

void ReleaseFreeHeapMemory();

}  // namespace aurora

#endif  // AURORA_BASE_HEAP_RELEASE_H_
