#pragma once

#include <cstdint>
#include <vector>

#include "memory/memory_tracker.h"
#include "runtime/batch.h"
#include "runtime/epoch_executor.h"
#include "runtime/expression_evaluator.h"
#include "runtime/pipeline_fragment.h"
#include "runtime/selection_vector.h"
#include "runtime/top_rows.h"
#include "runtime/window_aggregation.h"

namespace weir {

// What a worker reuses from morsel to morsel for lateness and window
// assignment (the executor keeps one per worker), and what it found late.
struct MorselScratch {
  std::vector<int64_t> max_before;     // per row: greatest event time before it
  std::vector<int64_t> window_starts;  // per row: its newest window
  std::vector<int64_t> older_starts;   // per row: an older (hopping) window
  std::vector<int64_t> closing;        // per row: the closing watermark before it (hopping, when late rows may be)
  SelectionVector older_selection;
  std::vector<EpochExecutor::LateRows> late_rows;  // kept late rows (fragment.late_row_schema), per morsel
  uint64_t rows_late = 0;
};

// The process stage of a windowed fragment (an aggregation, windowed or
// not, or top rows) for one morsel: drops the rows late for their windows
// (counted, and kept when the fragment has a late-row schema), filters, and
// hands the rest to the operator's worker state, once per window a row
// belongs to (hopping windows: one pass per step back).
//
// Lateness: a row is late for a window when the window's end + allowed
// lateness <= the watermark of the rows before it; late for all its windows
// (its newest one), it is dropped. Sessions: when its event time + allowed
// lateness < that watermark. The per-row result is the sequential rule's;
// a morsel no row of which can be late skips the per-row scan.
//
// Contract: made per morsel on the worker that processes it, which owns the
// states and scratch passed in; `filter` may be null (no where clause), and
// exactly one of `aggregation` / `top_rows` is the fragment's operator's.
class WindowedMorsel {
 public:
  WindowedMorsel(const PipelineFragment& fragment, MemoryTracker* tracker, FilterEvaluator* filter,
                 WindowAggregation::LocalState* aggregation, TopRows::LocalState* top_rows, MorselScratch& scratch);

  // `min_event_time` / `max_event_time`: of the morsel's rows;
  // `max_event_time_before`: of every row before the morsel (in its
  // partition, carried across epochs).
  void process(Batch& batch, uint64_t first_row_ordinal, int64_t min_event_time, int64_t max_event_time,
               int64_t max_event_time_before);

 private:
  // Hands the rows to the fragment's windowed operator.
  void consume_rows(const Batch& batch, const SelectionVector& selection, const int64_t* window_starts);
  int64_t allowed_lateness() const;
  void process_sessions(Batch& batch, uint64_t first_row_ordinal, const int64_t* times, int64_t min_event_time,
                        int64_t max_event_time, int64_t max_event_time_before);
  // Keeps the rows of `batch` that are late for all their windows (their
  // newest window closed), with the reason, as the worker's late rows.
  void keep_late_rows(const Batch& batch, uint64_t first_row_ordinal, const TimeWindow& window);

  const PipelineFragment& fragment_;
  MemoryTracker* tracker_;
  FilterEvaluator* filter_;
  WindowAggregation::LocalState* aggregation_;
  TopRows::LocalState* top_rows_;
  MorselScratch& scratch_;
};

}  // namespace weir
