#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::kernels {

// Comparison filters that turn a column into a selection vector: the row
// ids (uint32, ascending) where `left op right` is TRUE. SIMD with Highway
// runtime dispatch (the best instruction set the processor supports is
// chosen on first call). Timestamps are int64-backed: use the Int64 forms.
//
// Semantics, matching FilterEvaluator (runtime/expression_evaluator.h) and
// SQL WHERE: a row where either operand is NULL is dropped. float64 follows
// IEEE 754 exactly as C++'s operators on double do: a comparison with NaN is
// false, except NotEqual which is true; -0.0 equals 0.0; infinities order
// as usual. (This is not the NaN-above-everything total order of min/max in
// runtime/column_reduction.h: filters have always used IEEE comparison.)
//
// Common contract:
//   * `validity` (per column operand) is a bitmap of uint64 words, bit set =
//     valid, LSB of word 0 = row 0; nullptr means every row is valid. It
//     must cover every row read; bits of rows that are not read are ignored.
//   * Dense forms ("...(..., count, out)"): rows 0..count-1 are compared;
//     `values` holds count readable elements, validity ceil(count/64) words.
//     Nothing past the end is read.
//   * Selected forms ("...Selected(..., rows, count, out)"): rows[0..count)
//     are row ids, ascending and distinct. Values and validity may be read
//     at every row from rows[0] to rows[count-1], not only the selected
//     ones (a dense stretch of the selection is compared with vector loads),
//     so the column must hold all of them.
//   * `out` has room for `count` entries. Entries past the returned count
//     are unspecified (they may be overwritten). The functions return the
//     number of rows kept, written in ascending order to out[0, kept).
//   * Selected forms may run in place: `out` may be equal to `rows` (the
//     selection is then narrowed). Any other overlap is not allowed.
//   * count < 2^32. Pointers may be null when count is 0. Pure functions,
//     thread-safe.

enum class CompareOp : uint8_t { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };

// The operator that gives the same result with the operands exchanged
// (a < b  <=>  b > a), so "constant op column" can call a column-vs-constant
// function.
constexpr CompareOp SwapOperands(CompareOp op) {
  switch (op) {
    case CompareOp::Less:
      return CompareOp::Greater;
    case CompareOp::LessEqual:
      return CompareOp::GreaterEqual;
    case CompareOp::Greater:
      return CompareOp::Less;
    case CompareOp::GreaterEqual:
      return CompareOp::LessEqual;
    default:
      return op;  // Equal and NotEqual are symmetric
  }
}

// ---- Column op constant -------------------------------------------------------

size_t FilterInt64Constant(CompareOp op, const int64_t* values, const uint64_t* validity,
                           int64_t constant, size_t count, uint32_t* out);
size_t FilterInt64ConstantSelected(CompareOp op, const int64_t* values, const uint64_t* validity,
                                   int64_t constant, const uint32_t* rows, size_t count,
                                   uint32_t* out);

size_t FilterFloat64Constant(CompareOp op, const double* values, const uint64_t* validity,
                             double constant, size_t count, uint32_t* out);
size_t FilterFloat64ConstantSelected(CompareOp op, const double* values, const uint64_t* validity,
                                     double constant, const uint32_t* rows, size_t count,
                                     uint32_t* out);

// ---- Column op column (same row of both) ------------------------------------

size_t FilterInt64Columns(CompareOp op, const int64_t* left, const uint64_t* left_validity,
                          const int64_t* right, const uint64_t* right_validity, size_t count,
                          uint32_t* out);
size_t FilterInt64ColumnsSelected(CompareOp op, const int64_t* left,
                                  const uint64_t* left_validity, const int64_t* right,
                                  const uint64_t* right_validity, const uint32_t* rows,
                                  size_t count, uint32_t* out);

size_t FilterFloat64Columns(CompareOp op, const double* left, const uint64_t* left_validity,
                            const double* right, const uint64_t* right_validity, size_t count,
                            uint32_t* out);
size_t FilterFloat64ColumnsSelected(CompareOp op, const double* left,
                                    const uint64_t* left_validity, const double* right,
                                    const uint64_t* right_validity, const uint32_t* rows,
                                    size_t count, uint32_t* out);

// ---- Compaction: masks by position to a selection --------------------------
//
// Keeps position i (< count) where mask[i] is nonzero and, if `also` is not
// null, also[i] is nonzero (e.g. a predicate's values and its validity);
// writes rows[i], or i itself when `rows` is null. Same `out` contract as
// above (in place when out == rows).
size_t SelectByByteMask(const uint8_t* mask, const uint8_t* also, const uint32_t* rows,
                        size_t count, uint32_t* out);

// The same with a bitmask (LSB of word 0 = position 0; ceil(count/64)
// words; bits past count are ignored).
size_t SelectByBitmask(const uint64_t* mask, const uint32_t* rows, size_t count, uint32_t* out);

}  // namespace weir::kernels
