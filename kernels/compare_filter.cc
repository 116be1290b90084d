// Highway compiles this file once per target (foreach_target.h re-includes
// it); the HWY_ONCE section at the end holds the dispatching entry points.
//
// Every function works in blocks of 64 rows (or 64 positions of an input
// selection): it builds one 64-bit word of "comparison is TRUE" bits with
// vector compares, ANDs in the validity word(s), then turns the word's set
// bits into row ids (a table of bit positions per byte). One bit word per
// block keeps NULL handling to a single AND and lets all-NULL, all-kept and
// all-dropped blocks take shortcuts.
#include "kernels/compare_filter.h"

#include <cstddef>
#include <cstdint>
#include <type_traits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/compare_filter.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/selection_append-inl.h"


HWY_BEFORE_NAMESPACE();
namespace weir {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr size_t kBlockRows = 64;
constexpr uint64_t kAllBits = ~uint64_t{0};

// ---- Operators -------------------------------------------------------------

template <CompareOp kOp>
struct Comparison {
  // C++'s operators: exactly what the scalar evaluator computes.
  template <typename T>
  static bool Scalar(T a, T b) {
    if constexpr (kOp == CompareOp::Equal) return a == b;
    if constexpr (kOp == CompareOp::NotEqual) return a != b;
    if constexpr (kOp == CompareOp::Less) return a < b;
    if constexpr (kOp == CompareOp::LessEqual) return a <= b;
    if constexpr (kOp == CompareOp::Greater) return a > b;
    if constexpr (kOp == CompareOp::GreaterEqual) return a >= b;
  }

  template <class V>
  static HWY_INLINE auto Vector(V a, V b) {
    constexpr bool kFloat = hwy::IsFloat<hn::TFromV<V>>();
    if constexpr (kOp == CompareOp::Equal) return a == b;
    // Highway's Ne on floats is the ordered predicate (false for NaN);
    // C++'s != is true for NaN, so negate equality instead.
    if constexpr (kOp == CompareOp::NotEqual) return hn::Not(a == b);
    if constexpr (kOp == CompareOp::Less) return a < b;
    if constexpr (kOp == CompareOp::Greater) return a > b;
    // x86 has no integer <= / >=; for integers (no NaN) they are negations.
    if constexpr (kOp == CompareOp::LessEqual) {
      if constexpr (kFloat) return a <= b;
      if constexpr (!kFloat) return hn::Not(a > b);
    }
    if constexpr (kOp == CompareOp::GreaterEqual) {
      if constexpr (kFloat) return a >= b;
      if constexpr (!kFloat) return hn::Not(a < b);
    }
  }
};

template <class Fn>
HWY_INLINE size_t WithCompareOp(CompareOp op, Fn&& fn) {
  switch (op) {
    case CompareOp::Equal:
      return fn(std::integral_constant<CompareOp, CompareOp::Equal>());
    case CompareOp::NotEqual:
      return fn(std::integral_constant<CompareOp, CompareOp::NotEqual>());
    case CompareOp::Less:
      return fn(std::integral_constant<CompareOp, CompareOp::Less>());
    case CompareOp::LessEqual:
      return fn(std::integral_constant<CompareOp, CompareOp::LessEqual>());
    case CompareOp::Greater:
      return fn(std::integral_constant<CompareOp, CompareOp::Greater>());
    case CompareOp::GreaterEqual:
      return fn(std::integral_constant<CompareOp, CompareOp::GreaterEqual>());
  }
  return 0;
}

// ---- Operands --------------------------------------------------------------

template <typename T>
struct ColumnOperand {
  using Type = T;
  const T* values;
  const uint64_t* validity;  // nullptr: no NULLs

  template <class D>
  HWY_INLINE hn::Vec<D> Load(D d, size_t row) const {
    return hn::LoadU(d, values + row);
  }
  T At(size_t row) const { return values[row]; }
};

template <typename T>
struct ConstantOperand {
  using Type = T;
  T value;
  const uint64_t* validity = nullptr;

  template <class D>
  HWY_INLINE hn::Vec<D> Load(D d, size_t) const {
    return hn::Set(d, value);
  }
  T At(size_t) const { return value; }
};

// ---- Bits ------------------------------------------------------------------

// The mask as bits (lane i = bit i). At most 64 lanes (the tags are capped).
template <class D, class M>
HWY_INLINE uint64_t MaskBits(D d, M mask) {
  uint64_t bits = 0;
  hn::StoreMaskBits(d, mask, reinterpret_cast<uint8_t*>(&bits));
  return bits;
}

// Bits 0..n-1 set.
HWY_INLINE uint64_t LowBits(size_t n) { return n >= 64 ? kAllBits : (uint64_t{1} << n) - 1; }

// Validity bits of rows [first, first + n), n <= 64 (bit i = row first + i;
// bits from n up are unspecified). Reads only the words holding those rows.
HWY_INLINE uint64_t ValidityBits(const uint64_t* HWY_RESTRICT validity, size_t first, size_t n) {
  if (validity == nullptr) return kAllBits;
  const size_t word = first / 64;
  const size_t shift = first % 64;
  uint64_t bits = validity[word] >> shift;
  if (shift != 0 && shift + n > 64) bits |= validity[word + 1] << (64 - shift);
  return bits;
}

HWY_INLINE uint64_t RowValid(const uint64_t* HWY_RESTRICT validity, size_t row) {
  return validity == nullptr ? 1 : (validity[row / 64] >> (row % 64)) & 1;
}

// ---- Comparison drivers ----------------------------------------------------

// Bits of `left op right` for rows [first, first + n), n <= 64 (bit i =
// row first + i; bits from n up are zero). NULLs are not applied.
template <CompareOp kOp, class Left, class Right>
HWY_INLINE uint64_t CompareRows(const Left& left, const Right& right, size_t first, size_t n) {
  using Op = Comparison<kOp>;
  const hn::CappedTag<typename Left::Type, 16> d;
  const size_t lanes = hn::Lanes(d);
  uint64_t bits = 0;
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    bits |= MaskBits(d, Op::Vector(left.Load(d, first + i), right.Load(d, first + i))) << i;
  }
  for (; i < n; ++i) bits |= uint64_t{Op::Scalar(left.At(first + i), right.At(first + i))} << i;
  return bits;
}

// TRUE-and-valid bits of rows [first, first + n), n <= 64.
template <CompareOp kOp, class Left, class Right>
HWY_INLINE uint64_t KeepRows(const Left& left, const Right& right, size_t first, size_t n) {
  const uint64_t valid =
      ValidityBits(left.validity, first, n) & ValidityBits(right.validity, first, n);
  if (valid == 0) return 0;  // every row NULL: nothing to compare
  return CompareRows<kOp>(left, right, first, n) & valid;
}

template <CompareOp kOp, class Left, class Right>
size_t FilterDense(const Left& left, const Right& right, size_t count, uint32_t* HWY_RESTRICT out) {
  size_t kept = 0;
  for (size_t first = 0; first < count; first += kBlockRows) {
    const size_t n = HWY_MIN(kBlockRows, count - first);
    kept += AppendRowIds(KeepRows<kOp>(left, right, first, n), first, n, out + kept);
  }
  return kept;
}

// A block of 64 selected rows spanning at most this many rows (a selection
// denser than 1 in 4) is compared densely over its whole span (vector loads
// instead of one load per row), then each row picks its bit from the
// 256-bit window; sparser blocks compare row by row. (Vector gathers of
// each row's value and validity measured 2x slower than scalar loads on the
// AVX2 AMD EPYC we benchmark on.)
constexpr size_t kWindowRows = 256;

// Bit i = bit (rows[i] - window_first) of the window, for rows[0, n).
HWY_INLINE uint64_t PickWindowBits(const uint64_t* window, size_t window_first,
                                   const uint32_t* rows, size_t n) {
  uint64_t bits = 0;
  size_t i = 0;
  const hn::CappedTag<uint32_t, 8> d;
  const hn::Repartition<uint64_t, decltype(d)> d64;
  if (hn::Lanes(d) == 8) {
    // Eight rows at a time: a permutation picks each row's 32-bit window
    // word, a variable shift its bit. The window is assembled in registers:
    // loading it right after the scalar stores that wrote it would stall
    // (a store-forwarding failure).
    auto window64 = hn::Set(d64, window[3]);
    window64 = hn::IfThenElse(hn::FirstN(d64, 3), hn::Set(d64, window[2]), window64);
    window64 = hn::IfThenElse(hn::FirstN(d64, 2), hn::Set(d64, window[1]), window64);
    window64 = hn::IfThenElse(hn::FirstN(d64, 1), hn::Set(d64, window[0]), window64);
    const auto window_words = hn::BitCast(d, window64);
    const auto base = hn::Set(d, static_cast<uint32_t>(window_first));
    const auto low_five = hn::Set(d, 31u);
    const auto one = hn::Set(d, 1u);
    for (; i + 8 <= n; i += 8) {
      const auto offsets = hn::Sub(hn::LoadU(d, rows + i), base);
      const auto word = hn::TableLookupLanes(window_words,
                                             hn::IndicesFromVec(d, hn::ShiftRight<5>(offsets)));
      const auto bit = hn::And(hn::Shr(word, hn::And(offsets, low_five)), one);
      bits |= MaskBits(d, hn::Eq(bit, one)) << i;
    }
  }
  for (; i < n; ++i) {
    const size_t offset = rows[i] - window_first;
    bits |= ((window[offset / 64] >> (offset % 64)) & 1) << i;
  }
  return bits;
}

template <CompareOp kOp, class Left, class Right>
size_t FilterSelected(const Left& left, const Right& right, const uint32_t* rows, size_t count,
                      uint32_t* out) {
  using Op = Comparison<kOp>;
  const size_t last_row = rows[count - 1];
  size_t kept = 0;
  for (size_t first = 0; first < count; first += kBlockRows) {
    const uint32_t* block = rows + first;
    const size_t n = HWY_MIN(kBlockRows, count - first);
    // Everything this block reads from `rows` is read before AppendRows
    // writes, which makes out == rows safe.
    const size_t span_first = block[0];
    const size_t span = block[n - 1] - span_first + 1;
    uint64_t bits = 0;
    if (span <= kWindowRows) {
      uint64_t window[kWindowRows / 64] = {};
      // Whole words of 64 rows (fixed-length loops) unless that would read
      // past the last selected row.
      const size_t words = (span + 63) / 64;
      if (span_first + words * 64 <= last_row + 1) {
        for (size_t word = 0; word < words; ++word) {
          window[word] = KeepRows<kOp>(left, right, span_first + word * 64, 64);
        }
      } else {
        for (size_t offset = 0; offset < span; offset += 64) {
          window[offset / 64] =
              KeepRows<kOp>(left, right, span_first + offset, HWY_MIN(size_t{64}, span - offset));
        }
      }
      bits = PickWindowBits(window, span_first, block, n);
    } else {
      for (size_t i = 0; i < n; ++i) {
        const uint32_t row = block[i];
        const uint64_t keep = Op::Scalar(left.At(row), right.At(row));
        bits |= (keep & RowValid(left.validity, row) & RowValid(right.validity, row)) << i;
      }
    }
    kept += AppendRows(bits, block, n, out + kept);
  }
  return kept;
}

// ---- Entry points (per target) ---------------------------------------------

template <typename T>
size_t FilterConstant(CompareOp op, const T* values, const uint64_t* validity, T constant,
                      const uint32_t* rows, size_t count, uint32_t* out) {
  const ColumnOperand<T> column{values, validity};
  const ConstantOperand<T> value{constant};
  return WithCompareOp(op, [&](auto op_tag) {
    constexpr CompareOp kOp = decltype(op_tag)::value;
    return rows == nullptr ? FilterDense<kOp>(column, value, count, out)
                           : FilterSelected<kOp>(column, value, rows, count, out);
  });
}

template <typename T>
size_t FilterColumns(CompareOp op, const T* left, const uint64_t* left_validity, const T* right,
                     const uint64_t* right_validity, const uint32_t* rows, size_t count,
                     uint32_t* out) {
  const ColumnOperand<T> left_column{left, left_validity};
  const ColumnOperand<T> right_column{right, right_validity};
  return WithCompareOp(op, [&](auto op_tag) {
    constexpr CompareOp kOp = decltype(op_tag)::value;
    return rows == nullptr ? FilterDense<kOp>(left_column, right_column, count, out)
                           : FilterSelected<kOp>(left_column, right_column, rows, count, out);
  });
}

// `rows` null selects the dense form throughout.
size_t FilterInt64ConstantImpl(CompareOp op, const int64_t* values, const uint64_t* validity,
                               int64_t constant, const uint32_t* rows, size_t count,
                               uint32_t* out) {
  return FilterConstant<int64_t>(op, values, validity, constant, rows, count, out);
}

size_t FilterFloat64ConstantImpl(CompareOp op, const double* values, const uint64_t* validity,
                                 double constant, const uint32_t* rows, size_t count,
                                 uint32_t* out) {
  return FilterConstant<double>(op, values, validity, constant, rows, count, out);
}

size_t FilterInt64ColumnsImpl(CompareOp op, const int64_t* left, const uint64_t* left_validity,
                              const int64_t* right, const uint64_t* right_validity,
                              const uint32_t* rows, size_t count, uint32_t* out) {
  return FilterColumns<int64_t>(op, left, left_validity, right, right_validity, rows, count, out);
}

size_t FilterFloat64ColumnsImpl(CompareOp op, const double* left, const uint64_t* left_validity,
                                const double* right, const uint64_t* right_validity,
                                const uint32_t* rows, size_t count, uint32_t* out) {
  return FilterColumns<double>(op, left, left_validity, right, right_validity, rows, count, out);
}

HWY_INLINE size_t AppendBlock(uint64_t bits, const uint32_t* rows, size_t first, size_t n,
                              uint32_t* out) {
  if (rows == nullptr) return AppendRowIds(bits, first, n, out);
  return AppendRows(bits, rows + first, n, out);
}

size_t SelectByByteMaskImpl(const uint8_t* mask, const uint8_t* also, const uint32_t* rows,
                            size_t count, uint32_t* out) {
  const hn::CappedTag<uint8_t, 64> d;
  const size_t lanes = hn::Lanes(d);
  const auto zero = hn::Zero(d);
  size_t kept = 0;
  for (size_t first = 0; first < count; first += kBlockRows) {
    const size_t n = HWY_MIN(kBlockRows, count - first);
    uint64_t bits = 0;
    size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
      auto keep = hn::Ne(hn::LoadU(d, mask + first + i), zero);
      if (also != nullptr) keep = hn::And(keep, hn::Ne(hn::LoadU(d, also + first + i), zero));
      bits |= MaskBits(d, keep) << i;
    }
    for (; i < n; ++i) {
      const bool keep = mask[first + i] != 0 && (also == nullptr || also[first + i] != 0);
      bits |= uint64_t{keep} << i;
    }
    kept += AppendBlock(bits, rows, first, n, out + kept);
  }
  return kept;
}

size_t SelectByBitmaskImpl(const uint64_t* mask, const uint32_t* rows, size_t count,
                           uint32_t* out) {
  size_t kept = 0;
  for (size_t first = 0; first < count; first += kBlockRows) {
    const size_t n = HWY_MIN(kBlockRows, count - first);
    kept += AppendBlock(mask[first / kBlockRows] & LowBits(n), rows, first, n, out + kept);
  }
  return kept;
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace weir
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace weir {
namespace kernels {

HWY_EXPORT(FilterInt64ConstantImpl);
HWY_EXPORT(FilterFloat64ConstantImpl);
HWY_EXPORT(FilterInt64ColumnsImpl);
HWY_EXPORT(FilterFloat64ColumnsImpl);
HWY_EXPORT(SelectByByteMaskImpl);
HWY_EXPORT(SelectByBitmaskImpl);

size_t FilterInt64Constant(CompareOp op, const int64_t* values, const uint64_t* validity,
                           int64_t constant, size_t count, uint32_t* out) {
  return HWY_DYNAMIC_DISPATCH(FilterInt64ConstantImpl)(op, values, validity, constant, nullptr,
                                                       count, out);
}

size_t FilterInt64ConstantSelected(CompareOp op, const int64_t* values, const uint64_t* validity,
                                   int64_t constant, const uint32_t* rows, size_t count,
                                   uint32_t* out) {
  if (count == 0) return 0;
  return HWY_DYNAMIC_DISPATCH(FilterInt64ConstantImpl)(op, values, validity, constant, rows, count,
                                                       out);
}

size_t FilterFloat64Constant(CompareOp op, const double* values, const uint64_t* validity,
                             double constant, size_t count, uint32_t* out) {
  return HWY_DYNAMIC_DISPATCH(FilterFloat64ConstantImpl)(op, values, validity, constant, nullptr,
                                                         count, out);
}

size_t FilterFloat64ConstantSelected(CompareOp op, const double* values, const uint64_t* validity,
                                     double constant, const uint32_t* rows, size_t count,
                                     uint32_t* out) {
  if (count == 0) return 0;
  return HWY_DYNAMIC_DISPATCH(FilterFloat64ConstantImpl)(op, values, validity, constant, rows,
                                                         count, out);
}

size_t FilterInt64Columns(CompareOp op, const int64_t* left, const uint64_t* left_validity,
                          const int64_t* right, const uint64_t* right_validity, size_t count,
                          uint32_t* out) {
  return HWY_DYNAMIC_DISPATCH(FilterInt64ColumnsImpl)(op, left, left_validity, right,
                                                      right_validity, nullptr, count, out);
}

size_t FilterInt64ColumnsSelected(CompareOp op, const int64_t* left,
                                  const uint64_t* left_validity, const int64_t* right,
                                  const uint64_t* right_validity, const uint32_t* rows,
                                  size_t count, uint32_t* out) {
  if (count == 0) return 0;
  return HWY_DYNAMIC_DISPATCH(FilterInt64ColumnsImpl)(op, left, left_validity, right,
                                                      right_validity, rows, count, out);
}

size_t FilterFloat64Columns(CompareOp op, const double* left, const uint64_t* left_validity,
                            const double* right, const uint64_t* right_validity, size_t count,
                            uint32_t* out) {
  return HWY_DYNAMIC_DISPATCH(FilterFloat64ColumnsImpl)(op, left, left_validity, right,
                                                        right_validity, nullptr, count, out);
}

size_t FilterFloat64ColumnsSelected(CompareOp op, const double* left,
                                    const uint64_t* left_validity, const double* right,
                                    const uint64_t* right_validity, const uint32_t* rows,
                                    size_t count, uint32_t* out) {
  if (count == 0) return 0;
  return HWY_DYNAMIC_DISPATCH(FilterFloat64ColumnsImpl)(op, left, left_validity, right,
                                                        right_validity, rows, count, out);
}

size_t SelectByByteMask(const uint8_t* mask, const uint8_t* also, const uint32_t* rows,
                        size_t count, uint32_t* out) {
  return HWY_DYNAMIC_DISPATCH(SelectByByteMaskImpl)(mask, also, rows, count, out);
}

size_t SelectByBitmask(const uint64_t* mask, const uint32_t* rows, size_t count, uint32_t* out) {
  return HWY_DYNAMIC_DISPATCH(SelectByBitmaskImpl)(mask, rows, count, out);
}

}  // namespace kernels
}  // namespace weir
#endif  // HWY_ONCE
