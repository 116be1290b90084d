#include "runtime/column_reduction.h"

#include <algorithm>
#include <limits>

#include "runtime/exact_float_sum.h"

namespace weir {
namespace {

bool valid(const uint64_t* validity, size_t row) {
  return validity == nullptr || ((validity[row >> 6] >> (row & 63)) & 1) != 0;
}

}  // namespace

Int64Reduction reduce_int64(const int64_t* values, const uint64_t* validity, const uint32_t* selection,
                            size_t count) {
  Int64Reduction r;
  r.min = std::numeric_limits<int64_t>::max();
  r.max = std::numeric_limits<int64_t>::min();
  for (size_t i = 0; i < count; ++i) {
    const size_t row = selection != nullptr ? selection[i] : i;
    if (!valid(validity, row)) continue;
    const int64_t v = values[row];
    r.sum += v;
    r.min = std::min(r.min, v);
    r.max = std::max(r.max, v);
    ++r.count;
  }
  return r;
}

Float64Reduction reduce_float64(const double* values, const uint64_t* validity, const uint32_t* selection,
                                size_t count) {
  Float64Reduction r;
  ExactFloatSum sum;
  for (size_t i = 0; i < count; ++i) {
    const size_t row = selection != nullptr ? selection[i] : i;
    if (!valid(validity, row)) continue;
    const double v = values[row];
    sum.add(v);
    if (r.count == 0 || float_total_less(v, r.min)) r.min = v;
    if (r.count == 0 || float_total_less(r.max, v)) r.max = v;
    ++r.count;
  }
  r.sum_hi = sum.hi;
  r.sum_lo = sum.lo;
  r.sum_non_finite = sum.non_finite;
  return r;
}

}  // namespace weir
