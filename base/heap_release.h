// File: base/heap_release.h
// Keeps a long-running process' resident memory close to what it keeps
// alive. glibc keeps freed memory in its arenas otherwise.
//
// ConfigureHeapForLongRun(): call once, before any thread is started. Every
// thread then allocates from the one main arena (the /metrics server's
// threads would otherwise each get an arena whose freed pages stay resident
// between scrapes), and the mmap threshold is fixed at 128 KiB (glibc raises
// it after the first large free, after which large temporary buffers such as
// response bodies stay in the heap). glibc: mallopt(M_ARENA_MAX, 1) and
// mallopt(M_MMAP_THRESHOLD, 128 KiB). Returns whether the allocator took
// the settings: false where malloc is not glibc's (other libcs, sanitizer
// builds), where it is a no-op.
//
// ReleaseFreeHeapMemory(): a long-running loop calls it after each cycle so
// that one cycle's peak (a watch's first cycle restores alert state from
// range queries) does not stay resident. glibc: malloc_trim(0) (cost: a walk
// over the free lists, well under a millisecond for a few MB); elsewhere a
// no-op.
#ifndef AURORA_BASE_HEAP_RELEASE_H_
#define AURORA_BASE_HEAP_RELEASE_H_

namespace aurora {

bool ConfigureHeapForLongRun();
void ReleaseFreeHeapMemory();

}  // namespace aurora

#endif  // AURORA_BASE_HEAP_RELEASE_H_
