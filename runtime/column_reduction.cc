#include "runtime/column_reduction.h"

#include "kernels/aggregate_reduce.h"

namespace weir {

Int64Reduction reduce_int64(const int64_t* values, const uint64_t* validity, const uint32_t* selection,
                            size_t count) {
  const kernels::Int64Aggregate a = selection != nullptr
                                        ? kernels::AggregateInt64Selected(values, validity, selection, count)
                                        : kernels::AggregateInt64(values, validity, count);
  Int64Reduction r;
  r.sum = a.sum;
  r.min = a.min;
  r.max = a.max;
  r.count = a.count;
  return r;
}

Float64Reduction reduce_float64(const double* values, const uint64_t* validity, const uint32_t* selection,
                                size_t count) {
  const kernels::Float64Aggregate a = selection != nullptr
                                          ? kernels::AggregateFloat64Selected(values, validity, selection, count)
                                          : kernels::AggregateFloat64(values, validity, count);
  Float64Reduction r;
  r.sum_hi = a.sum_hi;
  r.sum_lo = a.sum_lo;
  r.sum_non_finite = a.sum_non_finite;
  r.min = a.min;
  r.max = a.max;
  r.count = a.count;
  return r;
}

}  // namespace weir
