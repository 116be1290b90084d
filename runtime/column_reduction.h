#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace weir {

// Order used by float64 min/max everywhere: NaN above every number (as in
// DuckDB and PostgreSQL), -0.0 below 0.0 (so the result does not depend on
// which of two equal zeros came first).
inline bool float_total_less(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  if (a == b) return a == 0.0 && std::signbit(a) && !std::signbit(b);
  return a < b;
}

// count / exact sum / min / max of the non-NULL values of an int64 column.
struct Int64Reduction {
  __int128 sum = 0;
  int64_t min = 0;  // meaningful when count > 0
  int64_t max = 0;
  uint64_t count = 0;
};

// count / sum (as an ExactFloatSum's hi, lo, non_finite) / min / max of the
// non-NULL values of a float64 column, min/max by float_total_less.
struct Float64Reduction {
  double sum_hi = 0.0;
  double sum_lo = 0.0;
  double sum_non_finite = 0.0;
  double min = 0.0;  // meaningful when count > 0
  double max = 0.0;
  uint64_t count = 0;
};

// Reduces rows selection[0..count) of `values` (or rows 0..count-1 when
// `selection` is null), skipping rows whose bit in `validity` is clear
// (validity null: no NULLs). Column-at-a-time over the kernels of
// kernels/aggregate_reduce.h; pure, thread-safe. The float sum equals, bit for
// bit, ExactFloatSum::add over the same values in any order whenever the
// exact sum spans at most ~106 bits (see runtime/exact_float_sum.h).
Int64Reduction reduce_int64(const int64_t* values, const uint64_t* validity, const uint32_t* selection,
                            size_t count);
Float64Reduction reduce_float64(const double* values, const uint64_t* validity, const uint32_t* selection,
                                size_t count);

}  // namespace weir
