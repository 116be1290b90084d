#include "memory/memory_tracker.h"

namespace weir {

void MemoryTracker::allocate(int64_t bytes) {
  const int64_t now = current_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void MemoryTracker::release(int64_t bytes) { current_.fetch_sub(bytes, std::memory_order_relaxed); }

MemoryTracker& MemoryTracker::process_default() {
  static MemoryTracker tracker;
  return tracker;
}

}  // namespace weir
