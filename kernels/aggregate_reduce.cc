// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry points.
//
// One walker per access pattern (dense with or without a bitmap; gathered
// through a selection) feeds vectors to the reduction's callbacks, so the
// int64 and float64 reductions only say what they do with a vector.
#include "kernels/aggregate_reduce.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "runtime/exact_float_sum.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/aggregate_reduce.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The reductions are lambdas over vector locals (Highway vectors may not be
// class members on SVE/RVV). They must be inlined into the walkers, or every
// vector operation goes through memory: GCC's heuristics gave up after a few
// call sites and the int64 kernel ran 5x slower in cache.
#ifndef WEIR_VECTOR_LAMBDA
#define WEIR_VECTOR_LAMBDA HWY_ATTR __attribute__((always_inline))
#endif

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// The int64 sum folds its 64-bit lane accumulators into the __int128 after
// at most this many rows: each lane then holds at most 2^20 values below
// 2^32, far from overflowing. A multiple of 64 so that blocks start on a
// bitmap word.
constexpr size_t kBlockRows = size_t{1} << 20;

// What a reduction does with the values the walkers below hand it:
//   four(v0, v1, v2, v3)               four vectors of valid rows (separate
//                                      accumulator chains hide the latency of
//                                      long dependencies like the float sum's)
//   one(v)                             one vector of valid rows
//   masked_four(v0, .., v3, m0, .., m3), masked(v, m)
//                                      the same where only the lanes of m are valid
//   scalar(x)                          one valid value (tails)
template <class Four, class One, class MaskedFour, class Masked, class Scalar>
struct Reduction {
  Four four;
  One one;
  MaskedFour masked_four;
  Masked masked;
  Scalar scalar;
};
// Spelled out: clang 14 (the fuzz build) lacks C++20 aggregate deduction.
template <class Four, class One, class MaskedFour, class Masked, class Scalar>
Reduction(Four, One, MaskedFour, Masked, Scalar) -> Reduction<Four, One, MaskedFour, Masked, Scalar>;

// Rows [begin, end), begin a multiple of 64 when there is a bitmap, which is
// read 64 rows at a time: an all-valid word takes the unmasked path, an
// all-NULL word is skipped, a mixed word the masked one. Returns the number
// of valid rows.
template <class D, typename T, class R>
HWY_INLINE uint64_t WalkRange(D d, const T* HWY_RESTRICT values, const uint64_t* HWY_RESTRICT validity,
                              size_t begin, size_t end, R& reduce) {
  const size_t lanes = hn::Lanes(d);
  auto all_valid = [&](size_t i, size_t stop) WEIR_VECTOR_LAMBDA {
    for (; i + 4 * lanes <= stop; i += 4 * lanes) {
      reduce.four(hn::LoadU(d, values + i), hn::LoadU(d, values + i + lanes),
                  hn::LoadU(d, values + i + 2 * lanes), hn::LoadU(d, values + i + 3 * lanes));
    }
    for (; i + lanes <= stop; i += lanes) reduce.one(hn::LoadU(d, values + i));
    for (; i < stop; ++i) reduce.scalar(values[i]);
  };
  if (validity == nullptr) {
    all_valid(begin, end);
    return end - begin;
  }
  // Lane i of the mask of rows word_begin + offset + [0, lanes) tests bit
  // offset + i of the word (64 % lanes == 0 on every x86 target).
  const hn::RebindToUnsigned<D> du;
  const auto lane_bits = hn::Set(du, 1) << hn::Iota(du, 0);
  auto mask_of = [&](uint64_t bits, size_t offset) WEIR_VECTOR_LAMBDA {
    return hn::RebindMask(d, hn::TestBit(hn::Set(du, bits >> offset), lane_bits));
  };
  uint64_t valid = 0;
  for (size_t word_begin = begin; word_begin < end; word_begin += 64) {
    const size_t word_rows = std::min<size_t>(64, end - word_begin);
    uint64_t bits = validity[word_begin / 64];
    if (word_rows < 64) bits &= (uint64_t{1} << word_rows) - 1;
    if (bits == 0) continue;
    valid += static_cast<uint64_t>(std::popcount(bits));
    if (bits == ~uint64_t{0}) {
      all_valid(word_begin, word_begin + 64);
      continue;
    }
    const T* word_values = values + word_begin;
    size_t offset = 0;
    for (; offset + 4 * lanes <= word_rows; offset += 4 * lanes) {
      reduce.masked_four(hn::LoadU(d, word_values + offset), hn::LoadU(d, word_values + offset + lanes),
                         hn::LoadU(d, word_values + offset + 2 * lanes),
                         hn::LoadU(d, word_values + offset + 3 * lanes), mask_of(bits, offset),
                         mask_of(bits, offset + lanes), mask_of(bits, offset + 2 * lanes),
                         mask_of(bits, offset + 3 * lanes));
    }
    for (; offset + lanes <= word_rows; offset += lanes) {
      reduce.masked(hn::LoadU(d, word_values + offset), mask_of(bits, offset));
    }
    for (; offset < word_rows; ++offset) {
      if ((bits >> offset) & 1) reduce.scalar(word_values[offset]);
    }
  }
  return valid;
}

// Rows 0..count-1 in blocks of kBlockRows, calling block_end() after each.
template <class D, typename T, class R, class BlockEnd>
HWY_INLINE uint64_t WalkDense(D d, const T* HWY_RESTRICT values, const uint64_t* HWY_RESTRICT validity,
                              size_t count, R& reduce, BlockEnd& block_end) {
  uint64_t valid = 0;
  for (size_t begin = 0; begin < count; begin += kBlockRows) {
    valid += WalkRange(d, values, validity, begin, std::min(count, begin + kBlockRows), reduce);
    block_end();
  }
  return valid;
}

inline bool RowValid(const uint64_t* validity, uint32_t row) {
  return validity == nullptr || ((validity[row >> 6] >> (row & 63)) & 1) != 0;
}

// rows[0..count), copied kGatherRows at a time (values and validity bits)
// into a buffer that WalkRange then reduces from L1. Scalar loads beat
// AVX2's gather here: with GatherIndex the int64 kernel ran at a third of
// the scalar loop's speed over 64 MiB on AMD Zen 3.
constexpr size_t kGatherRows = 256;  // a multiple of 64

template <class D, typename T, class R, class BlockEnd>
HWY_INLINE uint64_t WalkSelected(D d, const T* HWY_RESTRICT values, const uint64_t* HWY_RESTRICT validity,
                                 const uint32_t* HWY_RESTRICT rows, size_t count, R& reduce,
                                 BlockEnd& block_end) {
  HWY_ALIGN T buffer[kGatherRows];
  uint64_t buffer_validity[kGatherRows / 64];
  uint64_t valid = 0;
  for (size_t begin = 0; begin < count; begin += kBlockRows) {
    const size_t end = std::min(count, begin + kBlockRows);
    for (size_t chunk = begin; chunk < end; chunk += kGatherRows) {
      const size_t chunk_rows = std::min(kGatherRows, end - chunk);
      const uint32_t* chunk_ids = rows + chunk;
      for (size_t k = 0; k < chunk_rows; ++k) buffer[k] = values[chunk_ids[k]];
      if (validity != nullptr) {
        for (size_t word = 0; word * 64 < chunk_rows; ++word) {
          uint64_t bits = 0;
          for (size_t k = word * 64; k < std::min(chunk_rows, word * 64 + 64); ++k) {
            const uint32_t row = chunk_ids[k];
            bits |= ((validity[row >> 6] >> (row & 63)) & 1) << (k & 63);
          }
          buffer_validity[word] = bits;
        }
      }
      valid += WalkRange(d, buffer, validity != nullptr ? buffer_validity : nullptr, 0, chunk_rows, reduce);
    }
    block_end();
  }
  return valid;
}

// ------------------------------------------------------------------ int64

// The sum is exact without 128-bit lanes: each value v is biased by 2^63
// (u = v + 2^63 as an unsigned number, i.e. v with its sign bit flipped)
// and split into its low and high 32-bit halves, each accumulated in its own
// uint64 lanes. Then  sum(v) = sum(low) + 2^32 * sum(high) - n * 2^63  for
// the n values added, folded into the __int128 at the end of each block.
template <bool kSum, bool kMinMax>
Int64Aggregate AggregateInt64Lanes(const int64_t* HWY_RESTRICT values, const uint64_t* HWY_RESTRICT validity,
                                   const uint32_t* HWY_RESTRICT rows, size_t count) {
  const hn::ScalableTag<int64_t> d;
  const hn::RebindToUnsigned<decltype(d)> du;
  using V = hn::Vec<decltype(d)>;
  using M = hn::Mask<decltype(d)>;
  const size_t lanes = hn::Lanes(d);
  const auto low_half = hn::Set(du, 0xFFFFFFFFu);
  const auto sign_bit = hn::Set(du, uint64_t{1} << 63);
  const V lowest = hn::Set(d, kInt64Min);
  const V highest = hn::Set(d, kInt64Max);

  auto low_sum = hn::Zero(du);
  auto high_sum = hn::Zero(du);
  uint64_t lanes_added = 0;
  V min = highest;
  V max = lowest;
  Int64Aggregate result;  // the scalar tails go straight in here

  // Integer adds and compare-selects have short latencies: one accumulator
  // chain each keeps up with the loads, so `four` is four calls of `one`.
  auto one = [&](V v) WEIR_VECTOR_LAMBDA {
    if constexpr (kSum) {
      const auto biased = hn::Xor(hn::BitCast(du, v), sign_bit);
      low_sum = hn::Add(low_sum, hn::And(biased, low_half));
      high_sum = hn::Add(high_sum, hn::ShiftRight<32>(biased));
      lanes_added += lanes;
    }
    if constexpr (kMinMax) {
      min = hn::Min(min, v);
      max = hn::Max(max, v);
    }
  };
  auto four = [&](V v0, V v1, V v2, V v3) WEIR_VECTOR_LAMBDA {
    one(v0);
    one(v1);
    one(v2);
    one(v3);
  };
  auto masked = [&](V v, M valid) WEIR_VECTOR_LAMBDA {
    if constexpr (kSum) {
      const auto biased = hn::Xor(hn::BitCast(du, hn::IfThenElseZero(valid, v)), sign_bit);
      low_sum = hn::Add(low_sum, hn::And(biased, low_half));
      high_sum = hn::Add(high_sum, hn::ShiftRight<32>(biased));
      lanes_added += lanes;
    }
    if constexpr (kMinMax) {
      min = hn::Min(min, hn::IfThenElse(valid, v, highest));
      max = hn::Max(max, hn::IfThenElse(valid, v, lowest));
    }
  };
  auto masked_four = [&](V v0, V v1, V v2, V v3, M m0, M m1, M m2, M m3) WEIR_VECTOR_LAMBDA {
    masked(v0, m0);
    masked(v1, m1);
    masked(v2, m2);
    masked(v3, m3);
  };
  auto scalar = [&](int64_t v) WEIR_VECTOR_LAMBDA {
    if constexpr (kSum) result.sum += v;
    if constexpr (kMinMax) {
      result.min = std::min(result.min, v);
      result.max = std::max(result.max, v);
    }
  };
  auto block_end = [&]() WEIR_VECTOR_LAMBDA {
    if constexpr (kSum) {
      HWY_ALIGN uint64_t low[HWY_MAX_BYTES / sizeof(uint64_t)];
      HWY_ALIGN uint64_t high[HWY_MAX_BYTES / sizeof(uint64_t)];
      hn::Store(low_sum, du, low);
      hn::Store(high_sum, du, high);
      unsigned __int128 biased_sum = 0;
      for (size_t lane = 0; lane < lanes; ++lane) {
        biased_sum += low[lane] + (static_cast<unsigned __int128>(high[lane]) << 32);
      }
      result.sum += static_cast<__int128>(biased_sum - (static_cast<unsigned __int128>(lanes_added) << 63));
      low_sum = hn::Zero(du);
      high_sum = hn::Zero(du);
      lanes_added = 0;
    }
  };

  Reduction reduce{four, one, masked_four, masked, scalar};
  result.count = rows == nullptr ? WalkDense(d, values, validity, count, reduce, block_end)
                                 : WalkSelected(d, values, validity, rows, count, reduce, block_end);
  if constexpr (kMinMax) {
    result.min = std::min(result.min, hn::GetLane(hn::MinOfLanes(d, min)));
    result.max = std::max(result.max, hn::GetLane(hn::MaxOfLanes(d, max)));
  }
  return result;
}

Int64Aggregate Int64SumImpl(const int64_t* values, const uint64_t* validity, const uint32_t* rows,
                            size_t count) {
  return AggregateInt64Lanes</*kSum=*/true, /*kMinMax=*/false>(values, validity, rows, count);
}
Int64Aggregate Int64MinMaxImpl(const int64_t* values, const uint64_t* validity, const uint32_t* rows,
                               size_t count) {
  return AggregateInt64Lanes</*kSum=*/false, /*kMinMax=*/true>(values, validity, rows, count);
}
Int64Aggregate Int64AllImpl(const int64_t* values, const uint64_t* validity, const uint32_t* rows,
                            size_t count) {
  return AggregateInt64Lanes</*kSum=*/true, /*kMinMax=*/true>(values, validity, rows, count);
}

// ---------------------------------------------------------------- float64

// min/max compare doubles as int64 keys: flipping the 63 low bits of the
// negative ones makes signed integer order the IEEE total order, which puts
// -0.0 below 0.0 as float_total_less does. NaNs (which the total order would
// split by sign) are kept out and only flagged; the result is then the first
// valid NaN in row order, found by a scan that stops at it.
inline int64_t OrderKey(int64_t bits) { return bits ^ ((bits >> 63) & kInt64Max); }

template <bool kSum, bool kMinMax>
Float64Aggregate AggregateFloat64Lanes(const double* HWY_RESTRICT values, const uint64_t* HWY_RESTRICT validity,
                                       const uint32_t* HWY_RESTRICT rows, size_t count) {
  const hn::ScalableTag<double> d;
  const hn::RebindToSigned<decltype(d)> di;
  using V = hn::Vec<decltype(d)>;
  using VI = hn::Vec<decltype(di)>;
  using M = hn::Mask<decltype(d)>;
  const VI lowest = hn::Set(di, kInt64Min);
  const VI highest = hn::Set(di, kInt64Max);
  const VI magnitude_bits = hn::Set(di, kInt64Max);

  // Four double-double chains: one ExactFloatSum::add is seven dependent
  // additions, so a single chain would run far below memory speed.
  V hi0 = hn::Zero(d), hi1 = hi0, hi2 = hi0, hi3 = hi0;
  V lo0 = hn::Zero(d), lo1 = lo0, lo2 = lo0, lo3 = lo0;
  V non_finite = hn::Zero(d);
  VI min_key = highest;
  VI max_key = lowest;
  VI nan_seen = hn::Zero(di);
  ExactFloatSum tail_sum;
  int64_t tail_min_key = kInt64Max;
  int64_t tail_max_key = kInt64Min;
  bool tail_nan = false;

  // ExactFloatSum::add lane-wise, the same operations in the same order, so
  // each lane holds exactly what the scalar fold of its values would.
  auto add_finite = [&](V& hi, V& lo, V value) WEIR_VECTOR_LAMBDA {
    const V sum = hn::Add(hi, value);
    const V value_part = hn::Sub(sum, hi);
    const V error = hn::Add(hn::Sub(hi, hn::Sub(sum, value_part)), hn::Sub(value, value_part));
    const V error_with_lo = hn::Add(error, lo);
    hi = hn::Add(sum, error_with_lo);
    lo = hn::Sub(error_with_lo, hn::Sub(hi, sum));
  };
  // Non-finite inputs go to `non_finite` and add 0.0 (a no-op) to the pair.
  auto add_sum = [&](V& hi, V& lo, V v) WEIR_VECTOR_LAMBDA {
    const auto finite = hn::Eq(hn::Sub(v, v), hn::Zero(d));  // inf - inf and NaN - NaN are NaN
    non_finite = hn::Add(non_finite, hn::IfThenZeroElse(finite, v));
    add_finite(hi, lo, hn::IfThenElseZero(finite, v));
  };
  // inf and NaN have every exponent bit set. Testing four vectors at once in
  // integer lanes leaves the floating-point adders (the bottleneck: ten
  // additions a value) to the sums, and spares masks where all is finite.
  const VI exponent_bits = hn::Set(di, 0x7FF0000000000000);
  auto any_non_finite = [&](V v0, V v1, V v2, V v3) WEIR_VECTOR_LAMBDA {
    auto special = [&](V v) WEIR_VECTOR_LAMBDA {
      return hn::VecFromMask(di, hn::Eq(hn::And(hn::BitCast(di, v), exponent_bits), exponent_bits));
    };
    return !hn::AllTrue(di, hn::Eq(hn::Or(hn::Or(special(v0), special(v1)), hn::Or(special(v2), special(v3))),
                                   hn::Zero(di)));
  };
  auto order_key = [&](V v) WEIR_VECTOR_LAMBDA {
    const VI bits = hn::BitCast(di, v);
    return hn::Xor(bits, hn::And(hn::BroadcastSignBit(bits), magnitude_bits));
  };
  // `use`: the lanes that are valid and not NaN.
  auto add_extremes_of = [&](V v, hn::Mask<decltype(di)> use) WEIR_VECTOR_LAMBDA {
    const VI key = order_key(v);
    min_key = hn::Min(min_key, hn::IfThenElse(use, key, highest));
    max_key = hn::Max(max_key, hn::IfThenElse(use, key, lowest));
  };
  // NULL lanes add 0.0 to the sum (a no-op) and are kept out of min/max.
  auto add_extremes_masked = [&](V v, M valid) WEIR_VECTOR_LAMBDA {
    const auto nan = hn::RebindMask(di, hn::IsNaN(v));
    const auto valid_lanes = hn::RebindMask(di, valid);
    nan_seen = hn::Or(nan_seen, hn::VecFromMask(di, hn::And(nan, valid_lanes)));
    add_extremes_of(v, hn::AndNot(nan, valid_lanes));
  };
  const M all_lanes = hn::FirstN(d, hn::Lanes(d));
  auto masked = [&](V v, M valid) WEIR_VECTOR_LAMBDA {
    if constexpr (kSum) add_sum(hi0, lo0, hn::IfThenElseZero(valid, v));
    if constexpr (kMinMax) add_extremes_masked(v, valid);
  };
  auto one = [&](V v) WEIR_VECTOR_LAMBDA { masked(v, all_lanes); };
  auto masked_four = [&](V v0, V v1, V v2, V v3, M m0, M m1, M m2, M m3) WEIR_VECTOR_LAMBDA {
    v0 = hn::IfThenElseZero(m0, v0);
    v1 = hn::IfThenElseZero(m1, v1);
    v2 = hn::IfThenElseZero(m2, v2);
    v3 = hn::IfThenElseZero(m3, v3);
    if (HWY_UNLIKELY(any_non_finite(v0, v1, v2, v3))) {
      if constexpr (kSum) {
        add_sum(hi0, lo0, v0);
        add_sum(hi1, lo1, v1);
        add_sum(hi2, lo2, v2);
        add_sum(hi3, lo3, v3);
      }
      if constexpr (kMinMax) {
        add_extremes_masked(v0, m0);
        add_extremes_masked(v1, m1);
        add_extremes_masked(v2, m2);
        add_extremes_masked(v3, m3);
      }
      return;
    }
    if constexpr (kSum) {
      add_finite(hi0, lo0, v0);
      add_finite(hi1, lo1, v1);
      add_finite(hi2, lo2, v2);
      add_finite(hi3, lo3, v3);
    }
    if constexpr (kMinMax) {
      add_extremes_of(v0, hn::RebindMask(di, m0));
      add_extremes_of(v1, hn::RebindMask(di, m1));
      add_extremes_of(v2, hn::RebindMask(di, m2));
      add_extremes_of(v3, hn::RebindMask(di, m3));
    }
  };
  auto four = [&](V v0, V v1, V v2, V v3) WEIR_VECTOR_LAMBDA {
    if (HWY_UNLIKELY(any_non_finite(v0, v1, v2, v3))) {
      masked_four(v0, v1, v2, v3, all_lanes, all_lanes, all_lanes, all_lanes);
      return;
    }
    if constexpr (kSum) {
      add_finite(hi0, lo0, v0);
      add_finite(hi1, lo1, v1);
      add_finite(hi2, lo2, v2);
      add_finite(hi3, lo3, v3);
    }
    if constexpr (kMinMax) {  // no lane to mask: a tree of compares
      const VI k0 = order_key(v0), k1 = order_key(v1), k2 = order_key(v2), k3 = order_key(v3);
      min_key = hn::Min(min_key, hn::Min(hn::Min(k0, k1), hn::Min(k2, k3)));
      max_key = hn::Max(max_key, hn::Max(hn::Max(k0, k1), hn::Max(k2, k3)));
    }
  };
  auto scalar = [&](double v) WEIR_VECTOR_LAMBDA {
    if constexpr (kSum) tail_sum.add(v);
    if constexpr (kMinMax) {
      if (std::isnan(v)) {
        tail_nan = true;
        return;
      }
      int64_t bits;
      std::memcpy(&bits, &v, sizeof(bits));
      tail_min_key = std::min(tail_min_key, OrderKey(bits));
      tail_max_key = std::max(tail_max_key, OrderKey(bits));
    }
  };
  auto block_end = []() WEIR_VECTOR_LAMBDA {};  // the double-double lanes cannot overflow

  Float64Aggregate result;
  Reduction reduce{four, one, masked_four, masked, scalar};
  result.count = rows == nullptr ? WalkDense(d, values, validity, count, reduce, block_end)
                                 : WalkSelected(d, values, validity, rows, count, reduce, block_end);

  if constexpr (kSum) {
    // Merged lane by lane in a fixed order: exact in the ~106-bit regime,
    // so the order cannot change the bits there.
    ExactFloatSum total;
    HWY_ALIGN double hi[HWY_MAX_BYTES / sizeof(double)];
    HWY_ALIGN double lo[HWY_MAX_BYTES / sizeof(double)];
    auto merge_lanes = [&](V hi_lanes, V lo_lanes, V non_finite_lanes) WEIR_VECTOR_LAMBDA {
      hn::Store(hi_lanes, d, hi);
      hn::Store(lo_lanes, d, lo);
      for (size_t lane = 0; lane < hn::Lanes(d); ++lane) total.merge(ExactFloatSum{hi[lane], lo[lane], 0.0});
      hn::Store(non_finite_lanes, d, hi);
      for (size_t lane = 0; lane < hn::Lanes(d); ++lane) total.merge(ExactFloatSum{0.0, 0.0, hi[lane]});
    };
    merge_lanes(hi0, lo0, non_finite);
    merge_lanes(hi1, lo1, hn::Zero(d));
    merge_lanes(hi2, lo2, hn::Zero(d));
    merge_lanes(hi3, lo3, hn::Zero(d));
    total.merge(tail_sum);
    result.sum_hi = total.hi;
    result.sum_lo = total.lo;
    result.sum_non_finite = total.non_finite;
  }
  if constexpr (kMinMax) {
    const int64_t lowest_key = std::min(tail_min_key, hn::GetLane(hn::MinOfLanes(di, min_key)));
    const int64_t highest_key = std::max(tail_max_key, hn::GetLane(hn::MaxOfLanes(di, max_key)));
    const bool any_nan = tail_nan || !hn::AllTrue(di, hn::Eq(nan_seen, hn::Zero(di)));
    double first_nan = std::numeric_limits<double>::quiet_NaN();
    if (any_nan) {
      for (size_t i = 0; i < count; ++i) {
        const uint32_t row = rows == nullptr ? static_cast<uint32_t>(i) : rows[i];
        if (RowValid(validity, row) && std::isnan(values[row])) {
          first_nan = values[row];
          break;
        }
      }
    }
    auto decode = [](int64_t key) {
      const int64_t bits = OrderKey(key);  // the transform is its own inverse
      double value;
      std::memcpy(&value, &bits, sizeof(value));
      return value;
    };
    // No valid non-NaN value: min is the first NaN, or the identity (NaN).
    result.min = lowest_key != kInt64Max ? decode(lowest_key) : first_nan;
    result.max = any_nan ? first_nan
                         : (highest_key != kInt64Min ? decode(highest_key)
                                                     : -std::numeric_limits<double>::infinity());
  }
  return result;
}

Float64Aggregate Float64SumImpl(const double* values, const uint64_t* validity, const uint32_t* rows,
                                size_t count) {
  return AggregateFloat64Lanes</*kSum=*/true, /*kMinMax=*/false>(values, validity, rows, count);
}
Float64Aggregate Float64MinMaxImpl(const double* values, const uint64_t* validity, const uint32_t* rows,
                                   size_t count) {
  return AggregateFloat64Lanes</*kSum=*/false, /*kMinMax=*/true>(values, validity, rows, count);
}
Float64Aggregate Float64AllImpl(const double* values, const uint64_t* validity, const uint32_t* rows,
                                size_t count) {
  return AggregateFloat64Lanes</*kSum=*/true, /*kMinMax=*/true>(values, validity, rows, count);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(Int64SumImpl);
HWY_EXPORT(Int64MinMaxImpl);
HWY_EXPORT(Int64AllImpl);
HWY_EXPORT(Float64SumImpl);
HWY_EXPORT(Float64MinMaxImpl);
HWY_EXPORT(Float64AllImpl);

namespace {

Int64Aggregate DispatchInt64(const int64_t* values, const uint64_t* validity, const uint32_t* rows,
                             size_t count, AggregateParts parts) {
  switch (parts) {
    case kAggregateCount: {
      Int64Aggregate result;
      result.count = rows == nullptr ? CountValid(validity, count) : CountValidSelected(validity, rows, count);
      return result;
    }
    case kAggregateSum: return HWY_DYNAMIC_DISPATCH(Int64SumImpl)(values, validity, rows, count);
    case kAggregateMinMax: return HWY_DYNAMIC_DISPATCH(Int64MinMaxImpl)(values, validity, rows, count);
    default: return HWY_DYNAMIC_DISPATCH(Int64AllImpl)(values, validity, rows, count);
  }
}

Float64Aggregate DispatchFloat64(const double* values, const uint64_t* validity, const uint32_t* rows,
                                 size_t count, AggregateParts parts) {
  switch (parts) {
    case kAggregateCount: {
      Float64Aggregate result;
      result.count = rows == nullptr ? CountValid(validity, count) : CountValidSelected(validity, rows, count);
      return result;
    }
    case kAggregateSum: return HWY_DYNAMIC_DISPATCH(Float64SumImpl)(values, validity, rows, count);
    case kAggregateMinMax: return HWY_DYNAMIC_DISPATCH(Float64MinMaxImpl)(values, validity, rows, count);
    default: return HWY_DYNAMIC_DISPATCH(Float64AllImpl)(values, validity, rows, count);
  }
}

}  // namespace

Int64Aggregate AggregateInt64(const int64_t* values, const uint64_t* validity, size_t count,
                              AggregateParts parts) {
  return DispatchInt64(values, validity, nullptr, count, parts);
}

Int64Aggregate AggregateInt64Selected(const int64_t* values, const uint64_t* validity, const uint32_t* rows,
                                      size_t count, AggregateParts parts) {
  return DispatchInt64(values, validity, rows, count, parts);
}

Float64Aggregate AggregateFloat64(const double* values, const uint64_t* validity, size_t count,
                                  AggregateParts parts) {
  return DispatchFloat64(values, validity, nullptr, count, parts);
}

Float64Aggregate AggregateFloat64Selected(const double* values, const uint64_t* validity,
                                          const uint32_t* rows, size_t count, AggregateParts parts) {
  return DispatchFloat64(values, validity, rows, count, parts);
}

// Plain popcounts, no SIMD: a bitmap is 1/64 of its column's size.
uint64_t CountValid(const uint64_t* validity, size_t count) {
  if (validity == nullptr) return count;
  uint64_t valid = 0;
  const size_t whole_words = count / 64;
  for (size_t word = 0; word < whole_words; ++word) valid += static_cast<uint64_t>(std::popcount(validity[word]));
  if (count % 64 != 0) {
    valid += static_cast<uint64_t>(std::popcount(validity[whole_words] & ((uint64_t{1} << (count % 64)) - 1)));
  }
  return valid;
}

uint64_t CountValidSelected(const uint64_t* validity, const uint32_t* rows, size_t count) {
  if (validity == nullptr) return count;
  uint64_t valid = 0;
  for (size_t i = 0; i < count; ++i) valid += (validity[rows[i] >> 6] >> (rows[i] & 63)) & 1;
  return valid;
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
