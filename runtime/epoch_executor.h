#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "memory/memory_tracker.h"
#include "runtime/pipeline_fragment.h"
#include "runtime/source.h"
#include "runtime/stream_join.h"
#include "runtime/top_rows.h"
#include "runtime/window_aggregation.h"

namespace weir {

// Runs one epoch (the input of one trigger) on oneTBB, morsel-driven:
//
//   cut (serial, in order)    Source::next_morsel: up to morsel_rows rows
//   load (parallel)           Source::load into a pooled Batch; the morsel's
//                             greatest event time
//   order (serial, in order)  the greatest event time of every earlier row
//                             (carried in from earlier morsels and epochs)
//   process (parallel)        PipelineFragment on the worker's own state:
//                             lateness, filter, window, aggregate (or
//                             filter, project into an output batch; or
//                             filter, split into a join's inputs)
//   emit (serial, in order)   projection only: writes the output batch to
//                             fragment.projection_sink, so the sink sees the
//                             rows in source order (from a worker thread;
//                             never two calls at once)
//
// Lateness is judged per row against the watermark formed by the rows before
// it in its partition's order (running maximum of event time minus the
// delay), so the set of late rows does not depend on where epochs or morsels
// are cut, nor on how partitions interleave. A row also counts as late for a
// window the pipeline already closed (its watermark, the minimum over the
// partitions, passed the window's end + allowed lateness): that can only
// happen to a partition that did not hold the watermark back (discovered
// after the window closed, or idle), never to one whose rows were all known.
//
// Contract: constructed, run and combined by the driver thread; the worker
// threads are oneTBB's, confined to an arena of `threads` slots. Errors in
// the data are reported for the first failing row in source order, whatever
// the thread schedule.
class EpochExecutor {
 public:
  // Late rows of one morsel, when the fragment keeps them.
  struct LateRows {
    uint64_t first_row_ordinal = 0;  // of the morsel: orders the batches
    std::unique_ptr<Batch> rows;     // fragment.late_row_schema
  };

  struct Outcome {
    uint64_t rows_read = 0;
    uint64_t rows_late = 0;
    uint64_t rows_out = 0;  // projection: rows written to the sink
    std::vector<LateRows> late_rows;  // in cut order; empty unless kept
    // Per partition (index = partition): the greatest event time of every
    // row read so far, all epochs (INT64_MIN: none yet), and the rows cut
    // in this epoch.
    std::vector<int64_t> partition_max_event_time;
    std::vector<uint64_t> partition_rows_read;
    bool abandoned = false;  // stopped by *stop; results must be discarded
  };

  EpochExecutor(const PipelineFragment& fragment, size_t threads, size_t morsel_rows, MemoryTracker* tracker);
  ~EpochExecutor();
  EpochExecutor(const EpochExecutor&) = delete;
  EpochExecutor& operator=(const EpochExecutor&) = delete;

  size_t threads() const;

  // Cuts at most row_budget rows. partition_max_event_time_before: per
  // partition, the greatest event time of every earlier epoch (the previous
  // Outcome's; missing partitions: INT64_MIN). pipeline_watermark: the
  // watermark the emitted results were closed at (INT64_MIN before any).
  Outcome run_epoch(Source& source, uint64_t row_budget, const std::vector<int64_t>& partition_max_event_time_before,
                    int64_t pipeline_watermark, const std::atomic<int>* stop);

  // Folds every worker's partial aggregation into `global` (the once-per-epoch
  // combine) and empties the partials.
  void combine_into(WindowAggregation::GlobalState& global);
  // Names the run's aggregation state before the first epoch: the workers'
  // partial states are made for it (session windows fold their rows into
  // its partitions during the epoch). Required when the fragment aggregates.
  void bind_aggregation(WindowAggregation::GlobalState& global);

  // Folds every worker's rows of the join's inputs into `global` and
  // produces the epoch's pairs (StreamJoin::combine).
  void combine_join(StreamJoin::GlobalState& global);

  // Folds every worker's ranked rows into `global` (TopRows::combine).
  void combine_top_rows(TopRows::GlobalState& global);

  // Runs body(i) for i in [0, count) on the arena's threads (the driver
  // joins in); returns when every call returned. Called by the driver thread
  // between epochs. body must not throw.
  void parallel_for(size_t count, const std::function<void(size_t)>& body);

  // Drops every worker's partial aggregation (an abandoned epoch).
  void discard_partials();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace weir
