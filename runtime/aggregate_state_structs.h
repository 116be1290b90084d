#pragma once

#include <cstdint>

#include "runtime/exact_float_sum.h"

namespace weir {

// The per-aggregate states inside an AggregateStateLayout block (each at a
// 16-byte aligned offset of the block). Private to the aggregate-state code:
// runtime/aggregate_state.cc and runtime/fused_aggregate_update.cc.
struct CountState {
  int64_t count;
};
struct IntSumState {
  __int128 sum;  // cannot overflow before 2^64 rows; checked against int64 at the end
  int64_t count;
};
struct FloatSumState {
  ExactFloatSum sum;
  int64_t count;
};
struct IntExtremeState {
  int64_t value;
  int64_t has_value;
};
struct FloatExtremeState {
  double value;
  int64_t has_value;
};
struct StringExtremeState {
  const char* data;
  uint64_t size;
  int64_t has_value;
};

}  // namespace weir
