#include "base/heap_release.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace aurora {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kGlibcMalloc = false;  // the sanitizer's allocator
#elif defined(__GLIBC__)
constexpr bool kGlibcMalloc = true;
#else
constexpr bool kGlibcMalloc = false;
#endif

#if defined(__GLIBC__)
// Number of arenas glibc reports (malloc_info's <heap nr=...> elements).
int ArenaCount() {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  malloc_info(0, f);
  fclose(f);
  std::string xml(buf, len);
  free(buf);
  int n = 0;
  for (size_t at = xml.find("<heap nr="); at != std::string::npos;
       at = xml.find("<heap nr=", at + 1)) {
    ++n;
  }
  return n;
}
#endif

TEST(HeapReleaseTest, ConfigureIsTakenExactlyWhenMallocIsGlibcs) {
  EXPECT_EQ(ConfigureHeapForLongRun(), kGlibcMalloc);
}

#if defined(__GLIBC__)
TEST(HeapReleaseTest, LargeBuffersStayMappedAfterALargerOneWasFreed) {
  const bool applied = ConfigureHeapForLongRun();
  ASSERT_EQ(applied, kGlibcMalloc);
  if (!applied) return;  // sanitizer build: its allocator, not glibc's
  // glibc's dynamic threshold would rise to 1 MiB on this free, and the
  // 256 KiB buffer below would then come from (and stay in) the heap.
  void* big = malloc(1 << 20);
  ASSERT_NE(big, nullptr);
  static_cast<char*>(big)[0] = 1;
  free(big);
  const size_t mapped_before = mallinfo2().hblkhd;
  void* buf = malloc(256 << 10);
  ASSERT_NE(buf, nullptr);
  EXPECT_GE(mallinfo2().hblkhd, mapped_before + (256 << 10));
  free(buf);
  EXPECT_EQ(mallinfo2().hblkhd, mapped_before);  // unmapped at once
}

TEST(HeapReleaseTest, ANewThreadAllocatesWithoutANewArena) {
  const bool applied = ConfigureHeapForLongRun();
  ASSERT_EQ(applied, kGlibcMalloc);
  if (!applied) return;
  const int before = ArenaCount();
  std::thread t([] {
    for (int i = 0; i < 64; ++i) {
      void* p = malloc(1024);
      static_cast<char*>(p)[0] = 1;
      free(p);
    }
  });
  t.join();
  EXPECT_EQ(ArenaCount(), before);
}
#endif

#if defined(__GLIBC__)
// Resident set size of this process, from /proc/self/statm.
long ResidentBytes() {
  FILE* f = fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (f == nullptr || fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
  if (f != nullptr) fclose(f);
  return resident * 4096;
}

TEST(HeapReleaseTest, FreedPagesInsideTheHeapLeaveTheResidentSet) {
  if (!kGlibcMalloc) return;  // sanitizer build: its allocator, not glibc's
  // 8 MiB of small blocks (at least 2 MiB of it comes back), then a block that stays live above them: freeing
  // the blocks leaves a free region glibc cannot give back by shrinking the
  // heap's top; only ReleaseFreeHeapMemory returns its pages.
  constexpr int kBlocks = 2048;
  std::vector<char*> blocks;
  for (int i = 0; i < kBlocks; ++i) {
    blocks.push_back(static_cast<char*>(malloc(4000)));
    memset(blocks.back(), 1, 4000);
  }
  char* pin = static_cast<char*>(malloc(64));
  pin[0] = 1;
  for (char* b : blocks) free(b);
  const long before = ResidentBytes();
  ReleaseFreeHeapMemory();
  const long after = ResidentBytes();
  free(pin);
  EXPECT_LT(after, before - 2 * 1024 * 1024) << before << " -> " << after;
}
#endif

TEST(HeapReleaseTest, ReleaseKeepsLiveMemoryIntact) {
  std::string kept(1 << 16, 'x');
  { std::string dropped(1 << 20, 'y'); }
  ReleaseFreeHeapMemory();
  EXPECT_EQ(kept, std::string(1 << 16, 'x'));
}

}  // namespace
}  // namespace aurora
