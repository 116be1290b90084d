#include "memory/huge_pages.h"
#include "memory/raw_allocation.h"

#include <sys/mman.h>

#include <algorithm>

namespace weir {

void* allocate_maybe_huge(size_t bytes, size_t alignment) {
  if (bytes < kHugePageBytes) {
    void* pointer = allocate_raw(bytes, alignment);
    if (pointer == nullptr) throw std::bad_alloc();
    return pointer;
  }
  void* pointer = allocate_raw(bytes, kHugePageBytes);
  if (pointer == nullptr) throw std::bad_alloc();
  // Only whole huge pages inside the allocation; advice is best effort (an
  // error, e.g. THP disabled, changes nothing but speed).
  const size_t advised = bytes / kHugePageBytes * kHugePageBytes;
  madvise(pointer, advised, MADV_HUGEPAGE);
  return pointer;
}

void free_maybe_huge(void* pointer) noexcept { free_raw(pointer); }

}  // namespace weir
