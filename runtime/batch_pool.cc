#include "runtime/batch_pool.h"

#include "runtime/thread_handoff.h"

namespace weir {

std::unique_ptr<Batch> BatchPool::take() {
  std::unique_ptr<Batch> batch;
  if (free_.try_pop(batch)) {
    handoff_acquire(batch.get());
  } else {
    batch = std::make_unique<Batch>(schema_, tracker_);
  }
  batch->clear();
  return batch;
}

void BatchPool::give_back(std::unique_ptr<Batch> batch) {
  handoff_release(batch.get());
  free_.push(std::move(batch));
}

}  // namespace weir
