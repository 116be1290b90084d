#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::kernels {

// Reductions over a dense int64 array (e.g. the maximum event time of a
// morsel). SIMD with Highway runtime dispatch: the best instruction set the
// processor supports is chosen on first call.
//
// Contract (all three): `values` points to `count` readable int64 values
// (any alignment; nothing past the end is read). `values` may be null when
// count is 0. Pure functions, thread-safe.

// Largest value; INT64_MIN when count is 0.
int64_t MaxInt64(const int64_t* values, size_t count);

// Smallest value; INT64_MAX when count is 0.
int64_t MinInt64(const int64_t* values, size_t count);

// Both in one pass. When count is 0, *min = INT64_MAX and *max = INT64_MIN
// (the identities, so results of several arrays can be combined with
// std::min/std::max). `min` and `max` must be non-null.
void MinMaxInt64(const int64_t* values, size_t count, int64_t* min, int64_t* max);

}  // namespace weir::kernels
