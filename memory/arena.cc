#include "memory/arena.h"
#include "memory/raw_allocation.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace weir {

Arena::Arena(MemoryTracker* tracker, size_t chunk_bytes)
    : tracker_(tracker != nullptr ? tracker : &MemoryTracker::process_default()),
      chunk_bytes_(chunk_bytes) {}

Arena::~Arena() { reset(); }

Arena::Arena(Arena&& other) noexcept
    : tracker_(other.tracker_),
      chunk_bytes_(other.chunk_bytes_),
      chunks_(std::move(other.chunks_)),
      cursor_(std::exchange(other.cursor_, nullptr)),
      limit_(std::exchange(other.limit_, nullptr)),
      bytes_reserved_(std::exchange(other.bytes_reserved_, 0)) {
  other.chunks_.clear();
}

Arena& Arena::operator=(Arena&& other) noexcept {
  if (this != &other) {
    reset();
    tracker_ = other.tracker_;
    chunk_bytes_ = other.chunk_bytes_;
    chunks_ = std::move(other.chunks_);
    other.chunks_.clear();
    cursor_ = std::exchange(other.cursor_, nullptr);
    limit_ = std::exchange(other.limit_, nullptr);
    bytes_reserved_ = std::exchange(other.bytes_reserved_, 0);
  }
  return *this;
}

void* Arena::allocate(size_t bytes, size_t alignment) {
  auto aligned = [alignment](uint8_t* pointer) {
    const auto address = reinterpret_cast<uintptr_t>(pointer);
    return reinterpret_cast<uint8_t*>((address + alignment - 1) & ~(uintptr_t{alignment} - 1));
  };
  if (cursor_ != nullptr) {
    uint8_t* start = aligned(cursor_);
    if (start + bytes <= limit_) {
      cursor_ = start + bytes;
      return start;
    }
  }
  const size_t chunk = std::max(chunk_bytes_, bytes + alignment);
  tracker_->allocate(static_cast<int64_t>(chunk));
  void* memory = allocate_raw(chunk, 64);
  if (memory == nullptr) {
    tracker_->release(static_cast<int64_t>(chunk));
    throw std::bad_alloc();
  }
  chunks_.push_back(memory);
  bytes_reserved_ += chunk;
  limit_ = static_cast<uint8_t*>(memory) + chunk;
  uint8_t* start = aligned(static_cast<uint8_t*>(memory));
  cursor_ = start + bytes;
  return start;
}

std::string_view Arena::copy(std::string_view text) {
  if (text.empty()) return std::string_view();
  auto* destination = static_cast<char*>(allocate(text.size(), 1));
  std::memcpy(destination, text.data(), text.size());
  return std::string_view(destination, text.size());
}

void Arena::reset() {
  for (void* chunk : chunks_) free_raw(chunk);
  chunks_.clear();
  tracker_->release(static_cast<int64_t>(bytes_reserved_));
  bytes_reserved_ = 0;
  cursor_ = limit_ = nullptr;
}

}  // namespace weir
