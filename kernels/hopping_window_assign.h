#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace weir::kernels {

// Hopping-window assignment of the older windows of each row (see
// runtime/time_window.h). Windows are [k * slide, k * slide + size); the
// newest window of a row at time t starts at newest = floor(t / slide) *
// slide (AssignTumblingWindows with size_millis = slide). For one step back,
// back_offset = back * slide, every candidate row is kept when
//
//   * start = newest - back_offset exists (is >= INT64_MIN),
//   * the window [start, start + size) holds t: start + size > t, computed
//     exactly (as if in 128 bits), and
//   * when `closing` is given: end > closing[row], where end = start + size
//     saturated at INT64_MAX (TimeWindow::end_of_window_starting), i.e. the
//     row is dropped as late when end <= closing[row].
//
// This is exactly the runtime's scalar loop (TimeWindow::older_window_start,
// then `end_of_window_starting(start) <= closing(row)` when lateness checks
// are on). No closing is the same as closing[row] = INT64_MIN for every row
// (every end is > INT64_MIN). Nothing is assumed about how newest_starts
// relates to event_times: the result is exact for any int64 values.
//
// For a kept row: older_starts[row] = start, and row is appended to `chosen`
// (in candidate order). Returns how many rows were kept.
//
// Contract, for every function here:
//   * Preconditions: back_offset >= 1, size_millis >= 1. (In the runtime
//     back_offset = back * slide < size.)
//   * event_times, newest_starts and closing (when not null) are indexed by
//     row and must hold every candidate row; older_starts too.
//   * older_starts is written at the kept rows only: entries at other rows
//     (dropped candidates, non-candidates) are left untouched.
//   * chosen has room for candidate_count (count) entries. Entries past the
//     returned count are unspecified: they may be overwritten.
//   * Aliasing: chosen may be equal to candidates (the selection is then
//     narrowed in place); any other overlap between chosen and an input is
//     not allowed. older_starts must not overlap any other array (not even
//     newest_starts). The inputs may overlap each other (they are only read).
//   * count < 2^32 (row ids are uint32). Pointers may be null when the count
//     is 0 (closing may always be null).
//   * Any alignment. Pure apart from the outputs; thread-safe as long as no
//     other thread writes the inputs or accesses the outputs during a call.
//   * SIMD with Highway runtime dispatch (the best target the processor
//     supports is chosen on first call); every target gives the same results
//     as the scalar references below.

// In the runtime (process_morsel, runtime/epoch_executor.cc), per step back
// 1 <= back < max_windows_per_row(): back_offset = back * slide (< size, no
// overflow), newest_starts = the AssignTumblingWindows output, candidates =
// the selection after the newest-window pass, closing = null unless
// may_be_late, else an array closing[row] = saturating (max_before[row] -
// delay - lateness), computed once per morsel.

// ---- Scalar reference -------------------------------------------------------

// The start of the window back_offset before `newest_start`, when that
// window exists and holds `event_time`; also its end (saturated at
// INT64_MAX). False otherwise.
inline bool OlderHoppingWindow(int64_t event_time, int64_t newest_start, int64_t back_offset,
                               int64_t size_millis, int64_t* start, int64_t* end) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (newest_start < kMin + back_offset) return false;  // would start below INT64_MIN
  const int64_t candidate = newest_start - back_offset;
  // start + size > INT64_MAX >= t when it overflows; otherwise compare exactly.
  const bool overflows = candidate > kMax - size_millis;
  const int64_t window_end = overflows ? kMax : candidate + size_millis;
  if (!overflows && window_end <= event_time) return false;
  *start = candidate;
  *end = window_end;
  return true;
}

// Scalar reference of SelectOlderHoppingWindow (same contract).
inline size_t SelectOlderHoppingWindowScalar(const int64_t* event_times, const int64_t* newest_starts,
                                             const uint32_t* candidates, size_t candidate_count,
                                             int64_t back_offset, int64_t size_millis, const int64_t* closing,
                                             int64_t* older_starts, uint32_t* chosen) {
  size_t kept = 0;
  for (size_t i = 0; i < candidate_count; ++i) {
    const uint32_t row = candidates[i];
    int64_t start = 0;
    int64_t end = 0;
    if (!OlderHoppingWindow(event_times[row], newest_starts[row], back_offset, size_millis, &start, &end)) {
      continue;
    }
    if (closing != nullptr && end <= closing[row]) continue;
    older_starts[row] = start;
    chosen[kept++] = row;
  }
  return kept;
}

// ---- SIMD kernels -----------------------------------------------------------

// The rows candidates[0, candidate_count) (any order, repeats allowed) that
// the window back_offset before their newest one holds and, with `closing`,
// that are on time for it. Works in blocks of 64 candidates: a block of 64
// consecutive rows (r, r + 1, ..., r + 63: what a selection with no gap
// there holds) takes the dense path below; any other block is copied with
// scalar loads, then tested with vectors (see hopping_window_assign.cc for
// why not hardware gathers).
size_t SelectOlderHoppingWindow(const int64_t* event_times, const int64_t* newest_starts,
                                const uint32_t* candidates, size_t candidate_count, int64_t back_offset,
                                int64_t size_millis, const int64_t* closing, int64_t* older_starts,
                                uint32_t* chosen);

// Dense form: the candidates are every row 0, 1, ..., count - 1 (a selection
// of `count` distinct ascending rows out of `count` rows is exactly that),
// read with vector loads; the starts are written with masked stores. Same
// results as SelectOlderHoppingWindow with candidates 0..count-1; chosen is
// ascending and must not overlap the inputs.
size_t SelectOlderHoppingWindowDense(const int64_t* event_times, const int64_t* newest_starts, size_t count,
                                     int64_t back_offset, int64_t size_millis, const int64_t* closing,
                                     int64_t* older_starts, uint32_t* chosen);

}  // namespace weir::kernels
