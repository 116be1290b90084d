// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry points.
#include "kernels/int64_reduce.h"

#include <limits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/int64_reduce.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Four independent compare-and-select chains per reduction.
template <bool kWantMin, bool kWantMax>
void ReduceInt64Scalar(const int64_t* HWY_RESTRICT values, size_t count, int64_t* min_out,
                       int64_t* max_out) {
  auto smaller = [](int64_t a, int64_t b) { return a < b ? a : b; };
  auto larger = [](int64_t a, int64_t b) { return a > b ? a : b; };
  int64_t min0 = std::numeric_limits<int64_t>::max(), min1 = min0, min2 = min0, min3 = min0;
  int64_t max0 = std::numeric_limits<int64_t>::min(), max1 = max0, max2 = max0, max3 = max0;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    if constexpr (kWantMin) {
      min0 = smaller(min0, values[i]);
      min1 = smaller(min1, values[i + 1]);
      min2 = smaller(min2, values[i + 2]);
      min3 = smaller(min3, values[i + 3]);
    }
    if constexpr (kWantMax) {
      max0 = larger(max0, values[i]);
      max1 = larger(max1, values[i + 1]);
      max2 = larger(max2, values[i + 2]);
      max3 = larger(max3, values[i + 3]);
    }
  }
  for (; i < count; ++i) {
    min0 = smaller(min0, values[i]);
    max0 = larger(max0, values[i]);
  }
  if constexpr (kWantMin) *min_out = smaller(smaller(min0, min1), smaller(min2, min3));
  if constexpr (kWantMax) *max_out = larger(larger(max0, max1), larger(max2, max3));
}

// Four independent vector accumulators per reduction hide the latency of
// Max/Min (several instructions on targets without a native int64 max).
template <bool kWantMin, bool kWantMax>
void ReduceInt64(const int64_t* HWY_RESTRICT values, size_t count, int64_t* min_out,
                 int64_t* max_out) {
  if constexpr (HWY_TARGET == HWY_SSSE3) {
    // SSSE3 lacks a 64-bit compare (pcmpgtq): its emulated Min/Max ran at
    // 2.1 G rows/s in cache against 4.6 for the scalar chains.
    ReduceInt64Scalar<kWantMin, kWantMax>(values, count, min_out, max_out);
    return;
  }
  const hn::ScalableTag<int64_t> d;
  const size_t lanes = hn::Lanes(d);
  using Vec = decltype(hn::Zero(d));
  const Vec lowest = hn::Set(d, std::numeric_limits<int64_t>::min());
  const Vec highest = hn::Set(d, std::numeric_limits<int64_t>::max());
  Vec max0 = lowest, max1 = lowest, max2 = lowest, max3 = lowest;
  Vec min0 = highest, min1 = highest, min2 = highest, min3 = highest;

  size_t i = 0;
  if (count >= 4 * lanes) {
    for (; i <= count - 4 * lanes; i += 4 * lanes) {
      const Vec v0 = hn::LoadU(d, values + i);
      const Vec v1 = hn::LoadU(d, values + i + lanes);
      const Vec v2 = hn::LoadU(d, values + i + 2 * lanes);
      const Vec v3 = hn::LoadU(d, values + i + 3 * lanes);
      if constexpr (kWantMax) {
        max0 = hn::Max(max0, v0);
        max1 = hn::Max(max1, v1);
        max2 = hn::Max(max2, v2);
        max3 = hn::Max(max3, v3);
      }
      if constexpr (kWantMin) {
        min0 = hn::Min(min0, v0);
        min1 = hn::Min(min1, v1);
        min2 = hn::Min(min2, v2);
        min3 = hn::Min(min3, v3);
      }
    }
  }
  for (; i + lanes <= count; i += lanes) {
    const Vec v = hn::LoadU(d, values + i);
    if constexpr (kWantMax) max0 = hn::Max(max0, v);
    if constexpr (kWantMin) min0 = hn::Min(min0, v);
  }

  if constexpr (kWantMax) {
    const Vec all = hn::Max(hn::Max(max0, max1), hn::Max(max2, max3));
    int64_t result = hn::GetLane(hn::MaxOfLanes(d, all));
    for (size_t tail = i; tail < count; ++tail) {
      result = values[tail] > result ? values[tail] : result;
    }
    *max_out = result;
  }
  if constexpr (kWantMin) {
    const Vec all = hn::Min(hn::Min(min0, min1), hn::Min(min2, min3));
    int64_t result = hn::GetLane(hn::MinOfLanes(d, all));
    for (size_t tail = i; tail < count; ++tail) {
      result = values[tail] < result ? values[tail] : result;
    }
    *min_out = result;
  }
}

int64_t MaxInt64Impl(const int64_t* HWY_RESTRICT values, size_t count) {
  int64_t result;
  ReduceInt64</*kWantMin=*/false, /*kWantMax=*/true>(values, count, nullptr, &result);
  return result;
}

int64_t MinInt64Impl(const int64_t* HWY_RESTRICT values, size_t count) {
  int64_t result;
  ReduceInt64</*kWantMin=*/true, /*kWantMax=*/false>(values, count, &result, nullptr);
  return result;
}

void MinMaxInt64Impl(const int64_t* HWY_RESTRICT values, size_t count, int64_t* min, int64_t* max) {
  ReduceInt64</*kWantMin=*/true, /*kWantMax=*/true>(values, count, min, max);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(MaxInt64Impl);
HWY_EXPORT(MinInt64Impl);
HWY_EXPORT(MinMaxInt64Impl);

int64_t MaxInt64(const int64_t* values, size_t count) {
  return HWY_DYNAMIC_DISPATCH(MaxInt64Impl)(values, count);
}

int64_t MinInt64(const int64_t* values, size_t count) {
  return HWY_DYNAMIC_DISPATCH(MinInt64Impl)(values, count);
}

void MinMaxInt64(const int64_t* values, size_t count, int64_t* min, int64_t* max) {
  HWY_DYNAMIC_DISPATCH(MinMaxInt64Impl)(values, count, min, max);
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
