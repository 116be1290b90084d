// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry points.
//
// Everything works in blocks of 64 candidates: vector compares give one
// 64-bit word of "kept" bits, the starts of the kept rows are written, then
// the word's set bits become row ids (a table of bit positions per byte, as
// in compare_filter.cc). Whole blocks kept or dropped take shortcuts.
//
// The per-lane test is plain int64 arithmetic (no division): with
// start = newest - back_offset (wrapping where it would be below INT64_MIN,
// those lanes are masked off), the window holds t when start saturates
// (start > INT64_MAX - size) or min(start, INT64_MAX - size) + size > t, and
// that same sum is the saturated end compared against the closing watermark.
//
// Choices, measured with bench/hopping_window_assign_bench.cc on an Intel
// Xeon (AVX-512, 2.3 GHz, 2 cores, shared), window 8 s back, closing on,
// half the rows selected, in cache (256 KiB of times), M candidates/s:
//   * inputs of a selected block: scalar loads into L1 buffers, then vector
//     loads (AVX3 540-560, AVX2 480-530) against hn::GatherIndex (AVX3
//     550-650, AVX2 510-550); out of cache both ~150. Gathers win by up to
//     20% here, but window_assign.cc and compare_filter.cc measured them 2-4x
//     slower than scalar loads on the AMD EPYC machines (Zen 5) this engine is
//     benchmarked on, so scalar loads;
//   * row ids: the byte table (AVX2 540) against hn::CompressStore of the
//     uint32 ids (AVX2 250, dense form 340 against 1390: Highway 1.0.3
//     rebuilds its compress table on the stack under GCC); equal on AVX3;
//   * starts of a selected block: scalar stores; hn::ScatterIndex for wholly
//     kept vectors gained nothing (AVX3 530 against 505-530);
//   * starts in the dense form: hn::BlendedStore (masked store), 2.0 G/s,
//     against scalar stores from a buffer, 1.1 G/s.
// A block of 64 consecutive candidate rows takes the dense form (vector
// loads, no copies): a selection with few gaps runs at 1.2-1.5 G/s instead
// of 0.5-0.7 G/s (AVX3, in cache).
#include "kernels/hopping_window_assign.h"

#include <cstddef>
#include <cstdint>
#include <limits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/hopping_window_assign.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/selection_append-inl.h"


HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;


constexpr size_t kBlock = 64;
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// int64 lanes, at most 64 (a block), so the lane count divides the block.
using D = hn::CappedTag<int64_t, kBlock>;

HWY_INLINE uint64_t LowBits(size_t n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

HWY_INLINE uint64_t MaskBits(D d, hn::Mask<D> mask) {
  uint64_t bits = 0;
  hn::StoreMaskBits(d, mask, reinterpret_cast<uint8_t*>(&bits));
  return bits;
}

// The inputs every function reads, and the step back.
struct Inputs {
  const int64_t* HWY_RESTRICT event_times;
  const int64_t* HWY_RESTRICT newest_starts;
  const int64_t* HWY_RESTRICT closing;  // null: no lateness check
  int64_t back_offset;
  int64_t size_millis;
};

// The per-lane test of the header: keep = (start = newest - back_offset
// exists) && start + size > t && (no closing || end > closing), with
// end = start + size saturated at INT64_MAX. The Sets are loop-invariant
// (hoisted by the compiler).
template <bool kClosing>
HWY_INLINE hn::Mask<D> Keep(D d, const Inputs& in, hn::Vec<D> t, hn::Vec<D> newest, hn::Vec<D> closing,
                            hn::Vec<D>* start) {
  // newest - back_offset >= INT64_MIN  <=>  newest > INT64_MIN + back_offset - 1.
  const auto exists = hn::Gt(newest, hn::Set(d, kMin + (in.back_offset - 1)));
  *start = hn::Sub(newest, hn::Set(d, in.back_offset));  // wraps where it does not exist: masked off
  // A start above INT64_MAX - size: start + size > INT64_MAX >= t holds every
  // t, and the end saturates.
  const auto max_start = hn::Set(d, kMax - in.size_millis);
  const auto saturates = hn::Gt(*start, max_start);
  const auto end = hn::Add(hn::Min(*start, max_start), hn::Set(d, in.size_millis));
  auto keep = hn::And(exists, hn::Or(saturates, hn::Gt(end, t)));
  if constexpr (kClosing) keep = hn::And(keep, hn::Gt(end, closing));
  return keep;
}

HWY_INLINE bool KeepScalar(const Inputs& in, int64_t t, int64_t newest, int64_t closing, int64_t* start) {
  int64_t end = 0;
  if (!OlderHoppingWindow(t, newest, in.back_offset, in.size_millis, start, &end)) return false;
  return end > closing;  // closing is INT64_MIN when there is none: every end is above
}

// Rows [first, first + n), n <= 64, with vector loads: writes the starts of
// the kept rows (masked stores) and returns their bits (bit i = row first + i).
template <bool kClosing>
HWY_INLINE uint64_t DenseBlock(const Inputs& in, size_t first, size_t n, int64_t* HWY_RESTRICT older_starts) {
  const D d;
  const size_t lanes = hn::Lanes(d);
  const size_t vector_end = n - n % lanes;
  uint64_t bits = 0;
  for (size_t i = 0; i < vector_end; i += lanes) {
    const size_t row = first + i;
    const auto t = hn::LoadU(d, in.event_times + row);
    const auto newest = hn::LoadU(d, in.newest_starts + row);
    const auto closing = kClosing ? hn::LoadU(d, in.closing + row) : t;
    hn::Vec<D> start;
    const auto keep = Keep<kClosing>(d, in, t, newest, closing, &start);
    hn::BlendedStore(start, keep, d, older_starts + row);
    bits |= MaskBits(d, keep) << i;
  }
  for (size_t i = vector_end; i < n; ++i) {
    const size_t row = first + i;
    int64_t start = 0;
    if (KeepScalar(in, in.event_times[row], in.newest_starts[row], kClosing ? in.closing[row] : kMin,
                   &start)) {
      older_starts[row] = start;
      bits |= uint64_t{1} << i;
    }
  }
  return bits;
}

template <bool kClosing>
size_t Dense(const Inputs& in, size_t count, int64_t* HWY_RESTRICT older_starts,
             uint32_t* HWY_RESTRICT chosen) {
  size_t kept = 0;
  for (size_t first = 0; first < count; first += kBlock) {
    const size_t n = HWY_MIN(kBlock, count - first);
    kept += AppendRowIds(DenseBlock<kClosing>(in, first, n, older_starts), first, n, chosen + kept);
  }
  return kept;
}

// Whether the 64 rows of `block` are block[0], block[0] + 1, ..., block[0] + 63.
HWY_INLINE bool Consecutive(const uint32_t* block) {
  const hn::CappedTag<uint32_t, 16> d;
  const size_t lanes = hn::Lanes(d);
  const auto step = hn::Set(d, static_cast<uint32_t>(lanes));
  auto expected = hn::Iota(d, block[0]);
  auto same = hn::Eq(hn::LoadU(d, block), expected);
  for (size_t i = lanes; i < kBlock; i += lanes) {
    expected = hn::Add(expected, step);
    same = hn::And(same, hn::Eq(hn::LoadU(d, block + i), expected));
  }
  return hn::AllTrue(d, same);
}

template <bool kClosing>
size_t Selected(const Inputs& in, const uint32_t* candidates, size_t count,
                int64_t* HWY_RESTRICT older_starts, uint32_t* chosen) {
  const D d;
  const size_t lanes = hn::Lanes(d);
  HWY_ALIGN int64_t times[kBlock];
  HWY_ALIGN int64_t newest[kBlock];
  HWY_ALIGN int64_t closing[kClosing ? kBlock : 1];
  size_t kept = 0;
  for (size_t first = 0; first < count; first += kBlock) {
    const uint32_t* block = candidates + first;
    const size_t n = HWY_MIN(kBlock, count - first);
    // 64 consecutive rows (a selection with no gap there, the common case
    // in the runtime): the dense form, with vector loads and masked stores.
    // The row ids are read before chosen, which may be candidates, is written.
    if (n == kBlock && block[0] <= UINT32_MAX - (kBlock - 1) && block[n - 1] - block[0] == kBlock - 1 &&
        Consecutive(block)) {
      const size_t row = block[0];
      kept += AppendRowIds(DenseBlock<kClosing>(in, row, kBlock, older_starts), row, kBlock, chosen + kept);
      continue;
    }
    // Otherwise copy the block's inputs with scalar loads, then test them
    // with vectors while they are in L1 (measurements at the top of the file).
    for (size_t i = 0; i < n; ++i) {
      const uint32_t row = block[i];
      times[i] = in.event_times[row];
      newest[i] = in.newest_starts[row];
      if constexpr (kClosing) closing[i] = in.closing[row];
    }
    const size_t vector_end = n - n % lanes;
    uint64_t bits = 0;
    for (size_t i = 0; i < vector_end; i += lanes) {
      const auto t = hn::Load(d, times + i);
      hn::Vec<D> start;
      const auto keep =
          Keep<kClosing>(d, in, t, hn::Load(d, newest + i), kClosing ? hn::Load(d, closing + i) : t, &start);
      bits |= MaskBits(d, keep) << i;
    }
    for (size_t i = vector_end; i < n; ++i) {
      int64_t start = 0;
      bits |= uint64_t{KeepScalar(in, times[i], newest[i], kClosing ? closing[i] : kMin, &start)} << i;
    }
    // Starts before row ids: with chosen == candidates, appending overwrites
    // the block's row ids. A kept row's start newest - back_offset does not wrap.
    if (bits == LowBits(n)) {
      for (size_t i = 0; i < n; ++i) older_starts[block[i]] = newest[i] - in.back_offset;
    } else {
      for (uint64_t rest = bits; rest != 0; rest &= rest - 1) {
        const size_t i = hwy::Num0BitsBelowLS1Bit_Nonzero64(rest);
        older_starts[block[i]] = newest[i] - in.back_offset;
      }
    }
    kept += AppendRows(bits, block, n, chosen + kept);
  }
  return kept;
}

// `candidates` null: the dense form over rows [0, count).
size_t SelectOlderHoppingWindowImpl(const int64_t* event_times, const int64_t* newest_starts,
                                    const uint32_t* candidates, size_t count, int64_t back_offset,
                                    int64_t size_millis, const int64_t* closing, int64_t* older_starts,
                                    uint32_t* chosen) {
  const Inputs in{event_times, newest_starts, closing, back_offset, size_millis};
  if (candidates == nullptr) {
    return closing != nullptr ? Dense<true>(in, count, older_starts, chosen)
                              : Dense<false>(in, count, older_starts, chosen);
  }
  return closing != nullptr ? Selected<true>(in, candidates, count, older_starts, chosen)
                            : Selected<false>(in, candidates, count, older_starts, chosen);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(SelectOlderHoppingWindowImpl);

size_t SelectOlderHoppingWindow(const int64_t* event_times, const int64_t* newest_starts,
                                const uint32_t* candidates, size_t candidate_count, int64_t back_offset,
                                int64_t size_millis, const int64_t* closing, int64_t* older_starts,
                                uint32_t* chosen) {
  if (candidate_count == 0) return 0;  // candidates may be null: not the dense form
  return HWY_DYNAMIC_DISPATCH(SelectOlderHoppingWindowImpl)(event_times, newest_starts, candidates,
                                                            candidate_count, back_offset, size_millis,
                                                            closing, older_starts, chosen);
}

size_t SelectOlderHoppingWindowDense(const int64_t* event_times, const int64_t* newest_starts, size_t count,
                                     int64_t back_offset, int64_t size_millis, const int64_t* closing,
                                     int64_t* older_starts, uint32_t* chosen) {
  return HWY_DYNAMIC_DISPATCH(SelectOlderHoppingWindowImpl)(
      event_times, newest_starts, nullptr, count, back_offset, size_millis, closing, older_starts, chosen);
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
