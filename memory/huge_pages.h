#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace weir {

// Large arrays that are accessed at random (hash-table slots, direct-index
// arrays, per-group state) cost a TLB miss per access with 4 KiB pages: on
// virtual machines each miss is a two-level page walk that stalls even
// software prefetches. Such buffers ask the kernel for transparent huge pages
// (2 MiB) with madvise(MADV_HUGEPAGE), which works when
// /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or "always".

constexpr size_t kHugePageBytes = size_t{2} << 20;

// Allocates `bytes` (memory/raw_allocation.h: mimalloc), 2 MiB aligned and advised for huge pages
// when at least kHugePageBytes, else `alignment` aligned. Throws
// std::bad_alloc. Free with free_maybe_huge().
void* allocate_maybe_huge(size_t bytes, size_t alignment);
void free_maybe_huge(void* pointer) noexcept;

// A std allocator over allocate_maybe_huge, for std::vector members of
// large tables. resize(n) without a value leaves trivial elements
// uninitialized (no serial zero-fill of fresh pages: whoever writes them
// first, possibly in parallel, also takes the page faults); an explicit
// value, as in vector(n, 0), still initializes.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(size_t count) { return static_cast<T*>(allocate_maybe_huge(count * sizeof(T), alignof(T))); }
  void deallocate(T* pointer, size_t) noexcept { free_maybe_huge(pointer); }
  template <typename U>
  void construct(U* pointer) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(pointer)) U;
  }
  template <typename U, typename... Args>
  void construct(U* pointer, Args&&... args) {
    ::new (static_cast<void*>(pointer)) U(std::forward<Args>(args)...);
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace weir
