#pragma once

#include <cstdint>
#include <limits>

namespace weir {

// Tumbling event-time windows of a fixed size aligned to the Unix epoch: a
// row with time t belongs to [floor(t / size) * size, + size). Window starts
// are computed by kernels/window_assign.h (exact for every int64, saturating
// at INT64_MIN); window ends saturate at INT64_MAX instead of overflowing.
struct TumblingWindow {
  int64_t size_millis = 0;

  int64_t end_of_window_starting(int64_t start) const {
    return start > std::numeric_limits<int64_t>::max() - size_millis ? std::numeric_limits<int64_t>::max()
                                                                      : start + size_millis;
  }
};

}  // namespace weir
