#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "memory/memory_tracker.h"
#include "runtime/batch.h"
#include "runtime/schema.h"
#include "runtime/selection_vector.h"
#include "runtime/time_window.h"

namespace weir {

// The late rows of one morsel as the late sink receives them: the source's
// columns, then a string column `reason` (`schema`). Built by the worker
// that processed the morsel (runtime/epoch_executor.cc), which keeps the
// batch for the driver.
//
// max_before[row] is the greatest event time of the rows before `row` in
// its partition's order; the watermark a row sees is that minus `delay`;
// `lateness` is the allowed lateness. Both functions are pure: the rows
// they select are exactly those the executor drops as late.

// Rows late for their newest window (start window_starts[row]): its end +
// allowed lateness is at or below the watermark.
std::unique_ptr<Batch> window_late_rows(const Batch& batch, const std::shared_ptr<const Schema>& schema,
                                        const TimeWindow& window, const int64_t* window_starts,
                                        const int64_t* max_before, int64_t delay, int64_t lateness,
                                        MemoryTracker* tracker);

// Rows of session windows whose event time (times[row]) + allowed lateness
// is below the watermark.
std::unique_ptr<Batch> session_late_rows(const Batch& batch, const std::shared_ptr<const Schema>& schema,
                                         const int64_t* times, const int64_t* max_before, int64_t delay,
                                         int64_t lateness, MemoryTracker* tracker);

// An interval join's inputs (runtime/stream_join.h): removes from rows[side]
// the rows whose time (column time_columns[side]; NULL: kept, the join drops
// it) is below the watermark before them, and returns how many rows were
// late for at least one input. `flags` is scratch.
uint64_t drop_late_join_rows(const Batch& batch, const std::array<size_t, 2>& time_columns, const int64_t* max_before,
                             int64_t delay, std::array<SelectionVector, 2>& rows, std::vector<uint8_t>& flags);

}  // namespace weir
