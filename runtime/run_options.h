#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "memory/memory_tracker.h"
#include "runtime/trigger.h"

namespace weir {

// How to run a pipeline. None of it changes the final results.
struct RunOptions {
  Trigger trigger;
  // Worker threads; 0 = every core of the machine.
  size_t threads = 0;
  // Rows per morsel (the unit of parallel work); 0: chosen per stage, by
  // measurement (docs/performance.md): kDefaultMorselRows, or
  // kRunningAggregateMorselRows for a stage whose only state is one running
  // aggregate (no GROUP BY, no window): its morsels stream through the
  // kernels, with nothing per morsel to keep in cache, so larger ones only
  // save the fixed cost of each.
  size_t morsel_rows = 0;
  // Upper bound on the rows of one epoch (like Spark's maxOffsetsPerTrigger);
  // ignored by the Once trigger.
  std::optional<uint64_t> max_rows_per_trigger;
  // When set, the run stops cleanly once *stop_signal becomes non-zero (the
  // CLI's SIGINT/SIGTERM handler stores the signal number there): the epoch
  // in flight is abandoned whole and the outputs keep what was committed.
  const std::atomic<int>* stop_signal = nullptr;
  // Counts the run's batches and aggregation state; null: the run counts in
  // a tracker of its own (RunSummary::peak_memory_bytes reports its peak).
  MemoryTracker* memory = nullptr;

  static constexpr size_t kDefaultMorselRows = 16 * 1024;
  static constexpr size_t kRunningAggregateMorselRows = 256 * 1024;
};

// What a run did, for the end-of-run summary.
struct RunSummary {
  uint64_t rows_read = 0;
  uint64_t rows_late = 0;
  uint64_t rows_out = 0;
  uint64_t micro_batches = 0;
  double wall_seconds = 0;
  // Where the wall time went (driver-thread view): running morsels through
  // the workers, combining their partial states, emitting closed windows.
  double process_seconds = 0;
  double combine_seconds = 0;
  double emit_seconds = 0;
  int64_t peak_memory_bytes = 0;
  int stopped_by_signal = 0;  // 0, or the signal that stopped the run
};

}  // namespace weir
