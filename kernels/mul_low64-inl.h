// The low 64 bits of a 64 x 64-bit lane-wise product, per Highway target:
// native on AVX-512 (vpmullq), built from 32 x 32 -> 64-bit products
// elsewhere. Included by kernels' per-target code (inside the per-target
// compilation that hwy/foreach_target.h drives), hence the toggle guard of
// Highway's -inl.h convention instead of #pragma once.
#if defined(WEIR_KERNELS_MUL_LOW64_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef WEIR_KERNELS_MUL_LOW64_INL_H_
#undef WEIR_KERNELS_MUL_LOW64_INL_H_
#else
#define WEIR_KERNELS_MUL_LOW64_INL_H_
#endif

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {

// a * b mod 2^64 per lane (u64 lanes of a full vector).
template <class V>
HWY_INLINE V MulLow64(V a, V b) {
#if HWY_TARGET <= HWY_AVX3
  return a * b;  // vpmullq
#else
  // a * b mod 2^64 = lo(a) * lo(b) + ((hi(a) * lo(b) + lo(a) * hi(b)) << 32),
  // from the 32 x 32 -> 64-bit products of the low halves of each lane.
  namespace hn = hwy::HWY_NAMESPACE;
  const hn::DFromV<V> d;
  const hn::Repartition<uint32_t, decltype(d)> d32;
  const V low = hn::MulEven(hn::BitCast(d32, a), hn::BitCast(d32, b));
  const V cross_a = hn::MulEven(hn::BitCast(d32, hn::ShiftRight<32>(a)), hn::BitCast(d32, b));
  const V cross_b = hn::MulEven(hn::BitCast(d32, a), hn::BitCast(d32, hn::ShiftRight<32>(b)));
  return hn::Add(low, hn::ShiftLeft<32>(hn::Add(cross_a, cross_b)));
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#endif  // WEIR_KERNELS_MUL_LOW64_INL_H_
