#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/sink.h"

namespace weir {

// Collects results in memory, for applications that embed Weir and for the
// benchmarks (which then check the rows without timing a file writer).
//
// Every write() copies the batch's selected rows into the sink's own
// batches; after finish(), batches() holds every committed row in order.
// abort() drops everything; rows of an epoch not yet committed are dropped
// too when the run finishes without committing them (never the case with
// Pipeline, which commits every epoch it writes).
//
// Contract: as Sink (runtime/sink.h): every method on the driver thread.
// Read batches() only after finish().
class MemorySink final : public Sink {
 public:
  MemorySink() = default;

  void open(std::shared_ptr<const Schema> schema) override;
  void write(const Batch& batch) override;
  // Keeps the batch itself when every row is selected.
  void write_owned(Batch&& batch) override;
  void commit_epoch(uint64_t epoch) override;
  void finish() override;
  void abort() noexcept override;
  std::string describe() const override { return "memory"; }

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  const std::vector<Batch>& batches() const { return committed_; }
  uint64_t num_rows() const;

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Batch> committed_;
  std::vector<Batch> pending_;  // written in the current epoch
};

}  // namespace weir
