#pragma once

#include <cstdint>
#include <limits>

namespace weir {

// value - delta for a non-negative delta, clamped at INT64_MIN (watermark
// arithmetic: "no watermark yet" stays the lowest value).
inline int64_t saturating_subtract(int64_t value, int64_t delta) {
  return value < std::numeric_limits<int64_t>::min() + delta ? std::numeric_limits<int64_t>::min()
                                                             : value - delta;
}

// value + delta for a non-negative delta, clamped at INT64_MAX; INT64_MIN
// (no watermark yet) stays INT64_MIN.
inline int64_t saturating_add(int64_t value, int64_t delta) {
  if (value == std::numeric_limits<int64_t>::min()) return value;
  return value > std::numeric_limits<int64_t>::max() - delta ? std::numeric_limits<int64_t>::max() : value + delta;
}

}  // namespace weir
