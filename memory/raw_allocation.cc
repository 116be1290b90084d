#include "memory/raw_allocation.h"

#include <algorithm>
#include <cstdlib>

#ifndef WEIR_SYSTEM_ALLOCATOR
#include <mimalloc.h>
#endif

namespace weir {

#ifndef WEIR_SYSTEM_ALLOCATOR

namespace {

// mimalloc returns freed pages to the kernel 25 ms after they are freed by
// default; a run that frees and reallocates large buffers every epoch
// (a join's state, emitted batches) then pays a page fault for every 4 KiB
// it touches again. Freed memory is kept for a second instead (MIMALLOC_
// DECOMMIT_DELAY in the environment still overrides it). Nexmark q9 at 10M
// events, 2 threads: 11.2 s and 550K page faults -> 7.1-9.2 s and 188K
// (docs/performance.md, session 9).
const bool decommit_delay_set = [] {
  mi_option_set_default(mi_option_decommit_delay, 1000);
  return true;
}();

}  // namespace

void back_allocations_with_huge_pages() {
  // Defaults only: MIMALLOC_LARGE_OS_PAGES / MIMALLOC_EAGER_COMMIT_DELAY in
  // the environment still win. Large OS pages make mimalloc madvise its
  // segments MADV_HUGEPAGE; without eager commit from the first segment
  // on (delay 0) a thread's first segment is committed piecemeal, in 4 KiB
  // pages.
  mi_option_set_default(mi_option_large_os_pages, 1);
  mi_option_set_default(mi_option_eager_commit_delay, 0);
}

void* allocate_raw(size_t bytes, size_t alignment) noexcept {
  return mi_malloc_aligned(std::max<size_t>(bytes, 1), std::max(alignment, sizeof(void*)));
}

void free_raw(void* pointer) noexcept { mi_free(pointer); }

#else

void* allocate_raw(size_t bytes, size_t alignment) noexcept {
  void* pointer = nullptr;
  if (posix_memalign(&pointer, std::max(alignment, sizeof(void*)), std::max<size_t>(bytes, 1)) != 0) return nullptr;
  return pointer;
}

void free_raw(void* pointer) noexcept { std::free(pointer); }

void back_allocations_with_huge_pages() {}

#endif

}  // namespace weir
