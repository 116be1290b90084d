#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::kernels {

// Exclusive running maximum: the watermark scan. With max_before filled,
// the watermark in force before row i is max_before[i] - delay.
//
// Writes max_before[i] = max(carry_in, values[0], ..., values[i - 1]) for i in
// [0, count) (so max_before[0] = carry_in) and returns
// max(carry_in, values[0], ..., values[count - 1]): the carry_in of the next
// array in the same order. Pass INT64_MIN as carry_in for "nothing seen yet".
//
// Contract: `values` and `max_before` hold `count` elements (any alignment;
// nothing past the end is read or written) and must not overlap. Either may
// be null when count is 0. Thread-safe (pure function).
int64_t RunningMaxBefore(const int64_t* values, size_t count, int64_t carry_in,
                         int64_t* max_before);

}  // namespace weir::kernels
