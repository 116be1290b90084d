#pragma once

#include <cstddef>

namespace weir {

// The one place the engine's own buffers get their memory from the system
// (AlignedBuffer through allocate_maybe_huge, Arena chunks). Normally that is
// mimalloc (mi_malloc_aligned / mi_free). In a ThreadSanitizer build
// (WEIR_SANITIZE_THREAD, which defines WEIR_SYSTEM_ALLOCATOR) it is
// posix_memalign / free instead: mimalloc is not instrumented, so when it
// hands a page freed by one thread to another, TSan cannot see the
// synchronization and reports a race inside mimalloc's memset (seen in CI on
// CsvSourceTest.LoadsMorselsConcurrently). TSan's own malloc knows.
//
// Any thread may call these; `alignment` is a power of two. Returns nullptr
// when the memory is not available (callers throw std::bad_alloc). Memory
// from allocate_raw is freed with free_raw, never with free/delete.
void* allocate_raw(size_t bytes, size_t alignment) noexcept;
void free_raw(void* pointer) noexcept;

}  // namespace weir
