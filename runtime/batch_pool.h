#pragma once

#include <oneapi/tbb/concurrent_queue.h>

#include <memory>

#include "memory/memory_tracker.h"
#include "runtime/batch.h"

namespace weir {

// Reusable batches of one schema, so that morsels do not allocate their
// columns again: a batch taken from the pool is empty but keeps the capacity
// it grew to.
//
// Contract: take() and give_back() may be called from any thread at once
// (the epoch executor's workers); a batch is used by one thread at a time,
// and what one thread wrote to it before give_back() is visible to the
// thread that takes it next.
class BatchPool {
 public:
  BatchPool(std::shared_ptr<const Schema> schema, MemoryTracker* tracker)
      : schema_(std::move(schema)), tracker_(tracker) {}

  // An empty batch of the pool's schema (a new one when none is free).
  std::unique_ptr<Batch> take();
  void give_back(std::unique_ptr<Batch> batch);

 private:
  std::shared_ptr<const Schema> schema_;
  MemoryTracker* tracker_;
  tbb::concurrent_queue<std::unique_ptr<Batch>> free_;
};

}  // namespace weir
