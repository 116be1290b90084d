// Per-target helpers shared by the kernels that turn a 64-bit "kept" mask
// into a selection (compare_filter, hopping_window_assign): Highway's
// "-inl.h" pattern, included after hwy/highway.h inside each kernel's
// foreach_target section, so it is compiled once per target.
#if defined(WEIR_KERNELS_SELECTION_APPEND_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef WEIR_KERNELS_SELECTION_APPEND_INL_H_
#undef WEIR_KERNELS_SELECTION_APPEND_INL_H_
#else
#define WEIR_KERNELS_SELECTION_APPEND_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"
#include "kernels/byte_bit_positions.h"

HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Positions per mask word.
constexpr size_t kSelectionBlock = 64;

// Bits 0..n-1 set.
HWY_INLINE uint64_t SelectionLowBits(size_t n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

// Appends rows[i] for every set bit i of `bits` (bits of n <= 64
// positions); returns how many. When n == 64 each byte of `bits` stores 8
// entries however many it keeps, so out needs room for 64. out may be equal
// to or below rows (no other overlap): the entries stored for byte i/8 land
// at or below rows + i + 7, after those rows were loaded.
HWY_INLINE size_t AppendRows(uint64_t bits, const uint32_t* rows, size_t n, uint32_t* out) {
  if (bits == 0) return 0;
  const hn::CappedTag<uint32_t, 8> d;
  if (bits == SelectionLowBits(n)) {
    if (out == rows) return n;
    size_t i = 0;
    for (; i + hn::Lanes(d) <= n; i += hn::Lanes(d)) hn::StoreU(hn::LoadU(d, rows + i), d, out + i);
    for (; i < n; ++i) out[i] = rows[i];
    return n;
  }
  size_t kept = 0;
  if (n < kSelectionBlock) {
    for (; bits != 0; bits &= bits - 1) out[kept++] = rows[hwy::Num0BitsBelowLS1Bit_Nonzero64(bits)];
    return kept;
  }
  const hn::Rebind<uint8_t, decltype(d)> d8;
  for (size_t i = 0; i < kSelectionBlock; i += 8) {
    const uint8_t* positions = kBytePositions.of[(bits >> i) & 0xFF];
    if (hn::Lanes(d) == 8) {
      // One permutation of 8 row ids (vpermd).
      const auto indices = hn::IndicesFromVec(d, hn::PromoteTo(d, hn::LoadU(d8, positions)));
      hn::StoreU(hn::TableLookupLanes(hn::LoadU(d, rows + i), indices), d, out + kept);
    } else {
      for (size_t j = 0; j < 8; ++j) out[kept + j] = rows[i + positions[j]];
    }
    kept += kBytePositions.count[(bits >> i) & 0xFF];
  }
  return kept;
}

// Appends first + i for every set bit i of `bits` (n <= 64 positions), as
// AppendRows does for rows first, first + 1, ...
HWY_INLINE size_t AppendRowIds(uint64_t bits, size_t first, size_t n, uint32_t* out) {
  if (bits == 0) return 0;
  const hn::CappedTag<uint32_t, 8> d;
  const size_t lanes = hn::Lanes(d);
  size_t kept = 0;
  if (n < kSelectionBlock) {
    for (; bits != 0; bits &= bits - 1) {
      out[kept++] = static_cast<uint32_t>(first + hwy::Num0BitsBelowLS1Bit_Nonzero64(bits));
    }
    return kept;
  }
  if (bits == SelectionLowBits(kSelectionBlock)) {
    auto ids = hn::Iota(d, static_cast<uint32_t>(first));
    const auto step = hn::Set(d, static_cast<uint32_t>(lanes));
    for (size_t i = 0; i < kSelectionBlock; i += lanes, ids = hn::Add(ids, step)) hn::StoreU(ids, d, out + i);
    return kSelectionBlock;
  }
  const hn::Rebind<uint8_t, decltype(d)> d8;
  for (size_t i = 0; i < kSelectionBlock; i += 8) {
    const uint8_t* positions = kBytePositions.of[(bits >> i) & 0xFF];
    const auto base = hn::Set(d, static_cast<uint32_t>(first + i));
    for (size_t j = 0; j < 8; j += lanes) {
      hn::StoreU(hn::Add(base, hn::PromoteTo(d, hn::LoadU(d8, positions + j))), d, out + kept + j);
    }
    kept += kBytePositions.count[(bits >> i) & 0xFF];
  }
  return kept;
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#endif  // WEIR_KERNELS_SELECTION_APPEND_INL_H_
