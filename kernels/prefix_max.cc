// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry points.
//
// SIMD scheme. For a block of N output rows starting at row i >= 1, load the
// N values that precede them, w = values[i - 1 .. i + N - 2], and take the
// inclusive prefix maximum of w within the vector in log2(N) steps: shift the
// vector up by 1, 2, 4, ... lanes and take the max. The vacated low lanes
// are filled with lane 0 rather than INT64_MIN (no blend needed), which is
// harmless because w[0] belongs to every prefix. Then
//   max_before[i + k] = max(carry, prefix[k]),
// where carry = max(carry_in, values[0 .. i - 2]) is updated by one Max with
// the broadcast last lane of the prefix: the only dependency between blocks,
// one instruction long, so consecutive blocks overlap in the pipeline.
//
// Measured (AMD EPYC Zen 5, 2 cores, G rows/s), vector scan against the
// scalar loop (one compare-and-select chain, ~1.2 at any size): 256 KiB in
// cache, AVX3 6.6, AVX2 2.6, SSE4 1.4, SSSE3 0.50 (hence scalar there); over
// 64 MiB, AVX3 1.6 against 1.06 (memory-bound). Kept: the vector scan.
#include "kernels/prefix_max.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/prefix_max.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Scalar scan from row `begin`, where `running` = max(carry_in,
// values[0 .. begin - 1]). Returns the maximum including every value.
HWY_INLINE int64_t RunningMaxBeforeScalar(const int64_t* HWY_RESTRICT values, size_t begin,
                                          size_t count, int64_t running,
                                          int64_t* HWY_RESTRICT max_before) {
  for (size_t i = begin; i < count; ++i) {
    max_before[i] = running;
    running = values[i] > running ? values[i] : running;
  }
  return running;
}

int64_t RunningMaxBeforeImpl(const int64_t* HWY_RESTRICT values, size_t count, int64_t carry_in,
                             int64_t* HWY_RESTRICT max_before) {
  const hn::ScalableTag<int64_t> d;
  constexpr size_t kMaxLanes = hn::MaxLanes(d);
  const size_t lanes = hn::Lanes(d);
  // SSSE3 lacks a 64-bit compare (pcmpgtq), so its emulated Max makes the
  // vector scan slower than the scalar one (0.50 against 1.19 G rows/s).
  if (HWY_TARGET == HWY_SSSE3 || lanes == 1 || count < lanes + 1) {
    return RunningMaxBeforeScalar(values, 0, count, carry_in, max_before);
  }
  using Vec = hn::Vec<decltype(d)>;
  using Indices = decltype(hn::SetTableIndices(d, static_cast<const int64_t*>(nullptr)));

  // Shift-up permutations for the log-step prefix and the last-lane broadcast.
  constexpr size_t kMaxSteps = kMaxLanes >= 8 ? 3 : kMaxLanes >= 4 ? 2 : 1;
  Indices shift_up[kMaxSteps];
  size_t steps = 0;
  for (size_t shift = 1; shift < lanes && steps < kMaxSteps; shift *= 2, ++steps) {
    HWY_ALIGN int64_t index[kMaxLanes];
    for (size_t lane = 0; lane < lanes; ++lane) {
      index[lane] = static_cast<int64_t>(lane >= shift ? lane - shift : 0);
    }
    shift_up[steps] = hn::SetTableIndices(d, index);
  }
  HWY_ALIGN int64_t last_index[kMaxLanes];
  for (size_t lane = 0; lane < lanes; ++lane) last_index[lane] = static_cast<int64_t>(lanes - 1);
  const Indices broadcast_last = hn::SetTableIndices(d, last_index);

  auto inclusive_prefix_max = [&](Vec v) HWY_ATTR {
    for (size_t step = 0; step < steps; ++step) {
      const Vec shifted = hn::TableLookupLanes(v, shift_up[step]);
      v = hn::Max(v, shifted);
    }
    return v;
  };

  max_before[0] = carry_in;
  Vec carry = hn::Set(d, carry_in);  // max(carry_in, values[0 .. i - 2])
  size_t i = 1;
  for (; i + lanes <= count; i += lanes) {
    const Vec prefix = inclusive_prefix_max(hn::LoadU(d, values + i - 1));
    hn::StoreU(hn::Max(carry, prefix), d, max_before + i);
    carry = hn::Max(carry, hn::TableLookupLanes(prefix, broadcast_last));
  }
  const int64_t running = hn::GetLane(carry);
  const int64_t previous = values[i - 1];
  return RunningMaxBeforeScalar(values, i, count, previous > running ? previous : running,
                                max_before);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(RunningMaxBeforeImpl);

int64_t RunningMaxBefore(const int64_t* values, size_t count, int64_t carry_in,
                         int64_t* max_before) {
  return HWY_DYNAMIC_DISPATCH(RunningMaxBeforeImpl)(values, count, carry_in, max_before);
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
