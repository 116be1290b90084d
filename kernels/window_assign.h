#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace weir::kernels {

// Tumbling-window assignment: the start of the epoch-aligned window of
// `size_millis` that holds event time t, floor(t / size_millis) * size_millis,
// computed exactly for every int64 t (negative too, rounding toward -inf).
//
// Saturation: when that start is below INT64_MIN (only for t within
// size_millis of INT64_MIN), the result is INT64_MIN. The window
// [INT64_MIN, INT64_MIN + size_millis) still contains t.
//
// Precondition (all functions here): size_millis >= 1.

// Scalar reference; also what the SIMD kernels fall back to.
inline int64_t TumblingWindowStart(int64_t event_time, int64_t size_millis) {
  const int64_t remainder = event_time % size_millis;
  const int64_t truncated = event_time - remainder;  // trunc(t / size) * size, representable
  if (remainder >= 0) return truncated;
  if (truncated < std::numeric_limits<int64_t>::min() + size_millis) {
    return std::numeric_limits<int64_t>::min();
  }
  return truncated - size_millis;
}

// window_starts[i] = TumblingWindowStart(event_times[i], size_millis) for
// i in [0, count). window_starts may be event_times itself (in place);
// otherwise the arrays must not overlap. Any alignment. Thread-safe.
// SIMD (Highway runtime dispatch); a vector whose values all lie in
// [-2^50, 2^50) ms (about 35,700 years either side of 1970) takes the fast
// path when size_millis <= 2^49; others are computed one by one (same
// results, slower).
void AssignTumblingWindows(const int64_t* event_times, size_t count, int64_t size_millis,
                           int64_t* window_starts);

// Gather variant: window_starts[j] = TumblingWindowStart(
// event_times[selection[j]], size_millis) for j in [0, count), i.e. the output
// is indexed by position in `selection`, not by row. Every selection[j] must
// index a readable value. window_starts must not overlap the inputs.
void AssignTumblingWindowsSelected(const int64_t* event_times, const uint32_t* selection,
                                   size_t count, int64_t size_millis, int64_t* window_starts);

}  // namespace weir::kernels
