#include "memory/aligned_buffer.h"

#include <mimalloc.h>

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
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

AlignedBuffer& AlignedBuffer::operator=(AlignedBuffer&& other) noexcept {
  if (this != &other) {
    release_memory();
    tracker_ = other.tracker_;
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void AlignedBuffer::reserve(size_t bytes) {
  if (bytes <= capacity_) return;
  size_t new_capacity = capacity_ == 0 ? 256 : capacity_;
  while (new_capacity < bytes) new_capacity *= 2;
  const size_t allocation = new_capacity + kPaddingBytes;
  tracker_->allocate(static_cast<int64_t>(allocation));
  auto* fresh = static_cast<uint8_t*>(mi_malloc_aligned(allocation, kAlignment));
  if (fresh == nullptr) {
    tracker_->release(static_cast<int64_t>(allocation));
    throw std::bad_alloc();
  }
  if (size_ > 0) std::memcpy(fresh, data_, size_);
  // Padding is zeroed so over-reads see deterministic bytes.
  std::memset(fresh + new_capacity, 0, kPaddingBytes);
  release_memory();
  data_ = fresh;
  capacity_ = new_capacity;
}

void AlignedBuffer::resize(size_t bytes) {
  reserve(bytes);
  size_ = bytes;
}

void AlignedBuffer::release_memory() {
  if (data_ != nullptr) {
    mi_free(data_);
    tracker_->release(static_cast<int64_t>(capacity_ + kPaddingBytes));
    data_ = nullptr;
  }
}

}  // namespace weir
