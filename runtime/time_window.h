#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace weir {

// Event-time windows of a fixed size, starting every `slide` milliseconds,
// aligned to the Unix epoch: the windows are [k * slide, k * slide + size)
// for every integer k, and a row with time t belongs to each one that
// contains t. slide == size gives tumbling windows (one window per row);
// slide < size gives hopping (sliding) windows, up to ceil(size / slide) per
// row (size need not be a multiple of slide: then rows belong to
// floor(size / slide) or ceil(size / slide) windows).
//
// The newest window holding t starts at floor(t / slide) * slide (computed by
// kernels/window_assign.h, exact for every int64, saturating at INT64_MIN);
// older ones start slide, 2 * slide, ... earlier while they still contain t.
// Window ends saturate at INT64_MAX instead of overflowing; windows that
// would start below INT64_MIN do not exist.
struct TimeWindow {
  int64_t size_millis = 0;
  int64_t slide_millis = 0;

  bool tumbling() const { return slide_millis == size_millis; }

  int64_t end_of_window_starting(int64_t start) const {
    return start > std::numeric_limits<int64_t>::max() - size_millis ? std::numeric_limits<int64_t>::max()
                                                                      : start + size_millis;
  }

  // The most windows a row belongs to: ceil(size / slide).
  size_t max_windows_per_row() const {
    return static_cast<size_t>(size_millis / slide_millis + (size_millis % slide_millis != 0 ? 1 : 0));
  }

  // The start of the `back`-th window before the newest one (start
  // `newest_start`) that holds time t, or false when that window does not
  // hold t (or would start below INT64_MIN).
  bool older_window_start(int64_t t, int64_t newest_start, size_t back, int64_t* start) const {
    const __int128 candidate = static_cast<__int128>(newest_start) - static_cast<__int128>(back) * slide_millis;
    if (candidate < std::numeric_limits<int64_t>::min()) return false;
    if (candidate + size_millis <= t) return false;
    *start = static_cast<int64_t>(candidate);
    return true;
  }
};

}  // namespace weir
