#pragma once

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <memory>
#include <string>

#include "ingest/nexmark_batches.h"
#include "ingest/nexmark_config.h"
#include "runtime/source.h"

namespace weir {

// The number of events of `kind` among event numbers [0, number): a closed
// formula per block of total_proportion() ids (1:3:46 by default), plus, with
// out-of-order groups, the ids of the partial group counted one by one.
int64_t nexmark_kind_count_before(const NexmarkConfig& config, NexmarkEventKind kind, int64_t number);

// One stream of the Nexmark model (the person, auction or bid rows of event
// numbers [0, events)) as a Source, for pipelines that generate and process
// in one process (`weir nexmark --query`).
//
// next_morsel cuts ranges of event numbers, in order, holding at most
// max_rows rows of the chosen kind (the other kinds' events of the range are
// skipped); load() generates the range on the worker thread with
// append_nexmark_events (every kind; the others are dropped) and hands over
// the chosen kind's batch, whose first_row_ordinal is the row's position in
// that stream. Rows are a pure function of the configuration and the event
// number, so the stream is the same whatever the thread count, morsel size
// or trigger.
//
// Bounded, one partition; discover() and seal() do nothing.
//
// Contract: as Source (runtime/source.h); `config` must be validated.
class NexmarkSource final : public Source {
 public:
  NexmarkSource(const NexmarkConfig& config, NexmarkEventKind kind, int64_t events);

  std::shared_ptr<const Schema> schema() const override { return schema_; }
  void discover() override {}
  void seal() override {}
  bool bounded() const override { return true; }
  bool exhausted() const override { return next_row_ == total_rows_; }
  std::unique_ptr<SourceMorsel> next_morsel(size_t max_rows) override;
  void load(SourceMorsel& morsel, Batch& batch) const override;
  std::string describe() const override;

  // The rows of the chosen kind among the events.
  int64_t total_rows() const { return total_rows_; }

 private:
  NexmarkConfig config_;
  NexmarkEventKind kind_;
  int64_t events_;
  std::shared_ptr<const Schema> schema_;
  int64_t total_rows_ = 0;
  int64_t next_event_ = 0;  // the first event number not cut yet
  int64_t next_row_ = 0;    // rows of the kind before next_event_
  mutable tbb::enumerable_thread_specific<NexmarkBatches> scratch_;
};

}  // namespace weir
