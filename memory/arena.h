#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "memory/memory_tracker.h"

namespace weir {

// A bump allocator for values that live as long as the structure owning the
// arena (group-key strings, string min/max states). Nothing is freed
// individually; everything is released when the arena is destroyed or reset.
//
// Contract: not thread-safe; each thread-local state owns its own arena.
class Arena {
 public:
  explicit Arena(MemoryTracker* tracker = nullptr, size_t chunk_bytes = 64 * 1024);
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&& other) noexcept;
  Arena& operator=(Arena&& other) noexcept;

  // Returns `bytes` bytes aligned to `alignment` (a power of two, at most 64).
  void* allocate(size_t bytes, size_t alignment = 8);

  // Copies the string into the arena; the view stays valid for the arena's life.
  std::string_view copy(std::string_view text);

  // Releases every chunk.
  void reset();

  size_t bytes_reserved() const { return bytes_reserved_; }

 private:
  MemoryTracker* tracker_;
  size_t chunk_bytes_;
  std::vector<void*> chunks_;
  uint8_t* cursor_ = nullptr;
  uint8_t* limit_ = nullptr;
  size_t bytes_reserved_ = 0;
};

}  // namespace weir
