#pragma once

#include <cstddef>
#include <cstdint>

#include "memory/memory_tracker.h"

namespace weir {

// A growable byte buffer whose data is 64-byte aligned and followed by at
// least kPaddingBytes of readable slack, so SIMD kernels may load a full
// vector past the last element without faulting.
//
// Contract: not thread-safe; one owner at a time (it is moved, never shared).
// Memory comes from mimalloc and is counted in the given MemoryTracker.
class AlignedBuffer {
 public:
  static constexpr size_t kAlignment = 64;
  static constexpr size_t kPaddingBytes = 64;

  explicit AlignedBuffer(MemoryTracker* tracker = nullptr);
  ~AlignedBuffer();
  AlignedBuffer(AlignedBuffer&& other) noexcept;
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  // Ensures capacity for at least `bytes` bytes; keeps the contents.
  void reserve(size_t bytes);
  // Sets the logical size, growing capacity geometrically when needed.
  void resize(size_t bytes);
  void clear() { size_ = 0; }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }

 private:
  void release_memory();

  MemoryTracker* tracker_;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace weir
