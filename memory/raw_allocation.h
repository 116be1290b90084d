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

// Process-wide: asks the allocator to back its memory with 2 MiB transparent
// huge pages (works when /sys/kernel/mm/transparent_hugepage/enabled is
// "madvise" or "always") for every thread, so fresh memory (per-window group
// tables, emitted batches, join state) faults in 2 MiB at a time instead of
// 4 KiB; a page fault is expensive on virtual machines (12.6 us per 4 KiB
// page here, docs/performance.md session 16).
// Costs resident memory: a touched 2 MiB page is resident whole. Only memory
// the allocator maps afterwards is affected, so an executable calls it
// before anything allocates: the weir command does so from .preinit_array
// (cli/main.cc), before any shared library's initializer. A library
// embedding Weir leaves its host's allocator settings alone. No-op with the
// system allocator (WEIR_SYSTEM_ALLOCATOR).
void back_allocations_with_huge_pages();

}  // namespace weir
