#include "memory/aligned_buffer.h"

#include "memory/huge_pages.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace weir {

AlignedBuffer::AlignedBuffer(MemoryTracker* tracker)
    : tracker_(tracker != nullptr ? tracker : &MemoryTracker::process_default()) {}

AlignedBuffer::~AlignedBuffer() { release_memory(); }

AlignedBuffer::AlignedBuffer(AlignedBuffer&& other) noexcept
    : tracker_(other.tracker_),
      data_(std::exchange(other.data_, nullptr)),
      owned_(std::exchange(other.owned_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

AlignedBuffer& AlignedBuffer::operator=(AlignedBuffer&& other) noexcept {
  if (this != &other) {
    release_memory();
    tracker_ = other.tracker_;
    data_ = std::exchange(other.data_, nullptr);
    owned_ = std::exchange(other.owned_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void AlignedBuffer::reserve(size_t bytes) {
  if (is_view()) {
    // Copy on write: the viewed bytes move into owned memory.
    const uint8_t* viewed = data_;
    const size_t viewed_bytes = size_;
    data_ = owned_;
    size_ = 0;
    reserve(std::max(bytes, viewed_bytes));
    if (viewed_bytes > 0) std::memcpy(data_, viewed, viewed_bytes);
    size_ = viewed_bytes;
    return;
  }
  if (bytes <= capacity_) return;
  size_t new_capacity = capacity_ == 0 ? 256 : capacity_;
  while (new_capacity < bytes) new_capacity *= 2;
  const size_t allocation = new_capacity + kPaddingBytes;
  tracker_->allocate(static_cast<int64_t>(allocation));
  uint8_t* fresh = nullptr;
  try {
    fresh = static_cast<uint8_t*>(allocate_maybe_huge(allocation, kAlignment));
  } catch (const std::bad_alloc&) {
    tracker_->release(static_cast<int64_t>(allocation));
    throw;
  }
  if (size_ > 0) std::memcpy(fresh, data_, size_);
  // Padding is zeroed so over-reads see deterministic bytes.
  std::memset(fresh + new_capacity, 0, kPaddingBytes);
  release_memory();
  data_ = fresh;
  owned_ = fresh;
  capacity_ = new_capacity;
}

void AlignedBuffer::release_memory() {
  if (owned_ != nullptr) {
    free_maybe_huge(owned_);
    tracker_->release(static_cast<int64_t>(capacity_ + kPaddingBytes));
    owned_ = nullptr;
  }
  data_ = nullptr;
}

}  // namespace weir
