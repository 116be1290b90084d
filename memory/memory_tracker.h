#pragma once

#include <atomic>
#include <cstdint>

namespace weir {

// Counts the bytes a run holds in Weir's buffers and arenas.
//
// Contract: allocate() and release() may be called from any thread at any
// time (relaxed atomics; the counters are statistics, not synchronization).
// A later issue adds a cap: allocate() will then throw a user error when the
// run would exceed it, so callers must call allocate() *before* taking memory.
class MemoryTracker {
 public:
  MemoryTracker() = default;
  MemoryTracker(const MemoryTracker&) = delete;
  MemoryTracker& operator=(const MemoryTracker&) = delete;

  void allocate(int64_t bytes);
  void release(int64_t bytes);

  int64_t current_bytes() const { return current_.load(std::memory_order_relaxed); }
  int64_t peak_bytes() const { return peak_.load(std::memory_order_relaxed); }

  // The tracker used when a component is not given one (tests, tools).
  static MemoryTracker& process_default();

 private:
  std::atomic<int64_t> current_{0};
  std::atomic<int64_t> peak_{0};
};

}  // namespace weir
