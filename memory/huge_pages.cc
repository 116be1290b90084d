#include "memory/huge_pages.h"

#include <mimalloc.h>
#include <sys/mman.h>

#include <algorithm>

namespace weir {

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
