#include "memory/huge_pages.h"

#include <mimalloc.h>
#include <sys/mman.h>

#include <algorithm>

namespace weir {
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

void* allocate_maybe_huge(size_t bytes, size_t alignment) {
  if (bytes < kHugePageBytes) {
    void* pointer = mi_malloc_aligned(std::max<size_t>(bytes, 1), std::max(alignment, sizeof(void*)));
    if (pointer == nullptr) throw std::bad_alloc();
    return pointer;
  }
  void* pointer = mi_malloc_aligned(bytes, kHugePageBytes);
  if (pointer == nullptr) throw std::bad_alloc();
  // Only whole huge pages inside the allocation; advice is best effort (an
  // error, e.g. THP disabled, changes nothing but speed).
  const size_t advised = bytes / kHugePageBytes * kHugePageBytes;
  madvise(pointer, advised, MADV_HUGEPAGE);
  return pointer;
}

void free_maybe_huge(void* pointer) noexcept { mi_free(pointer); }

}  // namespace weir
