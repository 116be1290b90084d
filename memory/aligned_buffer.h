#pragma once

#include <cstddef>
#include <cstdint>

#include "memory/memory_tracker.h"

namespace weir {

// A growable byte buffer whose data is 64-byte aligned and followed by at
// least kPaddingBytes of readable slack, so SIMD kernels may load a full
// vector past the last element without faulting.
//
// A buffer can also *view* memory it does not own (view()): a zero-copy
// slice of a larger buffer, e.g. a morsel of an in-memory table. A view is
// read-only in effect: reserve() and resize() first copy the viewed bytes
// into owned memory (copy on write), clear() drops the view. The viewed
// memory must stay alive, unchanged, and readable for kPaddingBytes past the
// view's end, until the view is dropped.
//
// Contract: not thread-safe; one owner at a time (it is moved, never shared).
// Owned memory comes from allocate_raw (memory/raw_allocation.h: mimalloc,
// or the system allocator under ThreadSanitizer) and is counted in the given MemoryTracker;
// viewed memory is counted by whoever owns it.
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
  // Sets the logical size, growing capacity geometrically when needed
  // (inline: appending one value at a time stays cheap).
  void resize(size_t bytes) {
    if (bytes > capacity_ || is_view()) reserve(bytes);
    size_ = bytes;
  }
  void clear() {
    size_ = 0;
    data_ = owned_;
  }

  // Makes this buffer a view of `bytes` bytes at `data` (see above); any
  // owned allocation is kept for reuse after the view is dropped.
  void view(const uint8_t* data, size_t bytes) {
    data_ = const_cast<uint8_t*>(data);  // never written through: writes copy first
    size_ = bytes;
  }
  bool is_view() const { return data_ != owned_; }

  // Mutable access to a view copies it into owned memory first.
  uint8_t* data() {
    if (is_view()) reserve(size_);
    return data_;
  }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(data());
  }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }

 private:
  void release_memory();

  MemoryTracker* tracker_;
  uint8_t* data_ = nullptr;   // owned_, or the viewed memory
  uint8_t* owned_ = nullptr;  // the owned allocation (capacity_ bytes + padding)
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace weir
