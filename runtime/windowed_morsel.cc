#include "runtime/windowed_morsel.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "kernels/hopping_window_assign.h"
#include "kernels/prefix_max.h"
#include "kernels/window_assign.h"
#include "runtime/late_rows.h"
#include "runtime/saturating.h"

namespace weir {

WindowedMorsel::WindowedMorsel(const PipelineFragment& fragment, MemoryTracker* tracker, FilterEvaluator* filter,
                               WindowAggregation::LocalState* aggregation, TopRows::LocalState* top_rows,
                               MorselScratch& scratch)
    : fragment_(fragment),
      tracker_(tracker),
      filter_(filter),
      aggregation_(aggregation),
      top_rows_(top_rows),
      scratch_(scratch) {}

void WindowedMorsel::process(Batch& batch, uint64_t first_row_ordinal, int64_t min_event_time, int64_t max_event_time,
                             int64_t max_event_time_before) {
  const bool sessions = fragment_.aggregation != nullptr && fragment_.aggregation->spec().session_gap_millis;
  if (sessions) {
    const int64_t* session_times = std::as_const(batch).column(fragment_.event_time_column).int64_data();
    process_sessions(batch, first_row_ordinal, session_times, min_event_time, max_event_time,
                           max_event_time_before);
    return;
  }
  const std::optional<TimeWindow>& spec_window =
      fragment_.aggregation != nullptr ? fragment_.aggregation->spec().window : fragment_.top_rows->spec().window;
  if (!spec_window) {
    // No window: nothing is ever late; every selected row is aggregated.
    if (filter_) filter_->filter(batch, batch.selection());
    consume_rows(batch, batch.selection(), nullptr);
    return;
  }
  const size_t rows = batch.num_rows();
  // Read through a const column: a zero-copy view must not be copied.
  const int64_t* times = std::as_const(batch).column(fragment_.event_time_column).int64_data();
  const TimeWindow window = *spec_window;
  // The newest window of every row (its only one when tumbling).
  scratch_.window_starts.resize(rows);
  kernels::AssignTumblingWindows(times, rows, window.slide_millis, scratch_.window_starts.data());

  // A row is late for a window when the window's end + allowed lateness
  // <= the watermark of the rows before it, i.e. when the end <= that
  // watermark - allowed lateness (the "closing watermark"). A row late for
  // all its windows (for its newest) is late: dropped and counted.
  // No row can be late for any window when even the oldest window of the
  // morsel's earliest row ends after the highest closing watermark any of
  // its rows sees (the common case: event time nearly ordered): then skip
  // the per-row scan.
  const int64_t delay = fragment_.watermark_delay_millis;
  const int64_t lateness = allowed_lateness();
  const int64_t highest_closing = saturating_subtract(
      saturating_subtract(std::max(max_event_time_before, max_event_time), delay), lateness);
  const int64_t newest_of_earliest = kernels::TumblingWindowStart(min_event_time, window.slide_millis);
  int64_t oldest_start_of_earliest = newest_of_earliest;
  for (size_t back = 1; back < window.max_windows_per_row(); ++back) {
    if (!window.older_window_start(min_event_time, newest_of_earliest, back, &oldest_start_of_earliest)) break;
  }
  const bool may_be_late = window.end_of_window_starting(oldest_start_of_earliest) <= highest_closing;
  SelectionVector& selection = batch.selection();
  // The closing watermark of the rows before `row`.
  auto closing = [&](size_t row) {
    return saturating_subtract(saturating_subtract(scratch_.max_before[row], delay), lateness);
  };
  if (may_be_late) {
    scratch_.max_before.resize(rows);
    kernels::RunningMaxBefore(times, rows, max_event_time_before, scratch_.max_before.data());
    uint32_t* selected = selection.data();
    size_t kept = 0;
    for (size_t row = 0; row < rows; ++row) {
      const int64_t end = window.end_of_window_starting(scratch_.window_starts[row]);
      selected[kept] = static_cast<uint32_t>(row);
      kept += end > closing(row) ? 1 : 0;
    }
    selection.resize(kept);
    scratch_.rows_late += rows - kept;
    if (kept < rows && fragment_.late_row_schema) keep_late_rows(batch, first_row_ordinal, window);
  }

  if (filter_) filter_->filter(batch, selection);
  // Every remaining row is on time for its newest window.
  consume_rows(batch, selection, scratch_.window_starts.data());
  if (window.tumbling()) return;

  // Hopping: the older windows of each row, one pass per step back, each
  // keeping the rows that window holds and that are on time for it.
  scratch_.older_starts.resize(rows);
  // Read-only (the const data(): an unfiltered morsel's selection stays a
  // view of the shared identity array, no copy).
  const uint32_t* candidates = std::as_const(selection).data();
  const size_t candidate_count = selection.size();
  const int64_t* closing_per_row = nullptr;
  if (may_be_late) {
    scratch_.closing.resize(rows);
    for (size_t row = 0; row < rows; ++row) scratch_.closing[row] = closing(row);
    closing_per_row = scratch_.closing.data();
  }
  for (size_t back = 1; back < window.max_windows_per_row(); ++back) {
    scratch_.older_selection.resize(candidate_count);
    // back * slide < size: no overflow.
    const int64_t back_offset = static_cast<int64_t>(back) * window.slide_millis;
    const size_t kept =
        candidate_count == rows
            ? kernels::SelectOlderHoppingWindowDense(times, scratch_.window_starts.data(), rows, back_offset,
                                                     window.size_millis, closing_per_row,
                                                     scratch_.older_starts.data(), scratch_.older_selection.data())
            : kernels::SelectOlderHoppingWindow(times, scratch_.window_starts.data(), candidates, candidate_count,
                                                back_offset, window.size_millis, closing_per_row,
                                                scratch_.older_starts.data(), scratch_.older_selection.data());
    scratch_.older_selection.resize(kept);
    if (kept == 0) continue;
    consume_rows(batch, scratch_.older_selection, scratch_.older_starts.data());
  }
}

void WindowedMorsel::consume_rows(const Batch& batch, const SelectionVector& selection, const int64_t* window_starts) {
  if (fragment_.top_rows != nullptr) {
    fragment_.top_rows->consume(batch, selection, window_starts, *top_rows_);
  } else {
    fragment_.aggregation->consume(batch, selection, window_starts, *aggregation_);
  }
}

int64_t WindowedMorsel::allowed_lateness() const {
  return fragment_.aggregation != nullptr ? fragment_.aggregation->spec().allowed_lateness_millis
                                          : fragment_.top_rows->spec().allowed_lateness_millis;
}

// Session windows: a session's end is not known until it closes, so a row
// is late when its event time + allowed lateness < the watermark of the
// rows before it (then no row can reach a session already written).
void WindowedMorsel::process_sessions(Batch& batch, uint64_t first_row_ordinal, const int64_t* times,
                                      int64_t min_event_time, int64_t max_event_time,
                                      int64_t max_event_time_before) {
  const size_t rows = batch.num_rows();
  const int64_t delay = fragment_.watermark_delay_millis;
  const int64_t lateness = fragment_.aggregation->spec().allowed_lateness_millis;
  const int64_t highest_closing = saturating_subtract(
      saturating_subtract(std::max(max_event_time_before, max_event_time), delay), lateness);
  SelectionVector& selection = batch.selection();
  if (min_event_time < highest_closing) {
    scratch_.max_before.resize(rows);
    kernels::RunningMaxBefore(times, rows, max_event_time_before, scratch_.max_before.data());
    uint32_t* selected = selection.data();
    size_t kept = 0;
    for (size_t row = 0; row < rows; ++row) {
      const int64_t closing = saturating_subtract(saturating_subtract(scratch_.max_before[row], delay), lateness);
      selected[kept] = static_cast<uint32_t>(row);
      kept += times[row] >= closing ? 1 : 0;
    }
    selection.resize(kept);
    scratch_.rows_late += rows - kept;
    if (kept < rows && fragment_.late_row_schema) {
      scratch_.late_rows.push_back({first_row_ordinal,
                                  session_late_rows(batch, fragment_.late_row_schema, times, scratch_.max_before.data(),
                                                    delay, lateness, tracker_)});
    }
  }
  if (filter_) filter_->filter(batch, selection);
  fragment_.aggregation->consume(batch, selection, nullptr, *aggregation_);
}

void WindowedMorsel::keep_late_rows(const Batch& batch, uint64_t first_row_ordinal, const TimeWindow& window) {
  scratch_.late_rows.push_back(
      {first_row_ordinal, window_late_rows(batch, fragment_.late_row_schema, window, scratch_.window_starts.data(),
                                           scratch_.max_before.data(), fragment_.watermark_delay_millis,
                                           allowed_lateness(), tracker_)});
}

}  // namespace weir
