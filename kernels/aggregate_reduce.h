#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace weir::kernels {

// Ungrouped aggregates (count / sum / min / max of the non-NULL values) of
// one int64 or float64 column, in one pass over memory: what
// `SELECT count(x), sum(x), min(x), max(x)` needs per morsel. SIMD with
// Highway runtime dispatch: the best instruction set the processor supports
// is chosen on first call.
//
// Contract (every function below):
// * Dense forms reduce rows 0..count-1; `Selected` forms reduce rows
//   rows[0..count) (a selection vector: ascending row ids, each within
//   `values`); "row order" below then means the selection's order.
// * `validity`: bit r of validity[r / 64] (LSB first) is set when row r is
//   valid (not NULL); nullptr means every row is valid. Dense forms read
//   ceil(count / 64) words and ignore the bits past `count`. The values in
//   NULL slots are never used, whatever they hold.
// * `values` (and `rows`) may be null when count is 0. Any alignment;
//   nothing outside the rows named is read.
// * Pure functions, thread-safe.
//
// `parts` says which results the caller needs; count is always computed.
// kAggregateCount reads only the bitmap; otherwise asking for less saves
// arithmetic, not memory traffic (in cache, the int64 sum alone runs ~1.7x
// faster than all three). Results not asked for are unspecified.
enum AggregateParts : unsigned {
  kAggregateCount = 0,
  kAggregateSum = 1,
  kAggregateMinMax = 2,
  kAggregateAll = kAggregateSum | kAggregateMinMax,
};

struct Int64Aggregate {
  // Exact: the sum of up to 2^64 int64 values fits in 128 bits, so nothing
  // can overflow here; the caller decides (at finalize) whether it fits int64.
  __int128 sum = 0;
  // The identities when count is 0, so results of several calls combine with
  // std::min / std::max.
  int64_t min = std::numeric_limits<int64_t>::max();
  int64_t max = std::numeric_limits<int64_t>::min();
  uint64_t count = 0;  // non-NULL rows
};

struct Float64Aggregate {
  // The fields of a weir::ExactFloatSum (runtime/exact_float_sum.h): the
  // finite inputs as a double-double hi + lo, the inf/NaN inputs summed
  // plainly. Equal bit for bit to ExactFloatSum::add over the same values in
  // row order whenever the exact sum spans at most ~106 bits (integers, or
  // multiples of 1/1024, of ordinary magnitudes); beyond that it is still
  // accurate to ~1e-32 relative. A NaN in `sum_non_finite` may differ from
  // the scalar fold in sign or payload (IEEE addition does not fix them).
  double sum_hi = 0.0;
  double sum_lo = 0.0;
  double sum_non_finite = 0.0;
  // Ordered as weir::float_total_less (runtime/column_reduction.h) orders
  // them: -0.0 below 0.0, NaN above every number. Bit for bit the value the
  // scalar fold in row order keeps: when a NaN is the result, it is the
  // first valid NaN in row order (payload and sign kept). The identities when
  // count is 0: min = quiet NaN, max = -inf.
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = -std::numeric_limits<double>::infinity();
  uint64_t count = 0;  // non-NULL rows
};

Int64Aggregate AggregateInt64(const int64_t* values, const uint64_t* validity, size_t count,
                              AggregateParts parts = kAggregateAll);
Int64Aggregate AggregateInt64Selected(const int64_t* values, const uint64_t* validity,
                                      const uint32_t* rows, size_t count,
                                      AggregateParts parts = kAggregateAll);

Float64Aggregate AggregateFloat64(const double* values, const uint64_t* validity, size_t count,
                                  AggregateParts parts = kAggregateAll);
Float64Aggregate AggregateFloat64Selected(const double* values, const uint64_t* validity,
                                          const uint32_t* rows, size_t count,
                                          AggregateParts parts = kAggregateAll);

// count(x) alone: the number of valid rows among rows 0..count-1 (or among
// rows[0..count)). Reads only the bitmap; count when `validity` is null.
uint64_t CountValid(const uint64_t* validity, size_t count);
uint64_t CountValidSelected(const uint64_t* validity, const uint32_t* rows, size_t count);

}  // namespace weir::kernels
