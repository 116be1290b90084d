#pragma once

// Internal to FilterEvaluator (runtime/expression_evaluator.cc): the vector
// representation of an evaluated node and the tight loops that compute one
// node over all positions. Kernels are templates over the operator and over
// input accessors, so each (operator, type, input shape) combination is its
// own branch-free loop; nothing here allocates or makes a virtual call.
//
// Positions: a node is evaluated over `n` rows of a batch (rows[i] for
// i < n); results are indexed by position i. Bool values are always 0 or 1,
// also at NULL positions, so logic kernels may use bitwise operators.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "memory/aligned_buffer.h"
#include "runtime/column.h"
#include "runtime/data_type.h"
#include "runtime/expression.h"

namespace weir::expression_internal {

// Scratch for `count` values of T. Clearing first means growing never copies
// stale contents; once capacity suffices this never allocates.
template <typename T>
T* scratch(AlignedBuffer& buffer, size_t count) {
  buffer.clear();
  buffer.resize(count * sizeof(T));
  return buffer.as<T>();
}

enum class Shape : uint8_t {
  Column,    // a batch column read through the rows (values indexed by row)
  Dense,     // scratch or column storage indexed by position
  Constant,  // one value (or NULL) for every position
};

struct Vector {
  Shape shape = Shape::Constant;
  const void* values = nullptr;       // Column and Dense shapes
  const Column* column = nullptr;     // Column shape (strings are read through it)
  const uint8_t* validity = nullptr;  // by position, 0/1; nullptr means no NULLs
  bool is_null = false;               // Constant: the constant is NULL
  int64_t int_value = 0;              // Constant Int64 / Timestamp
  double float_value = 0;             // Constant Float64
  uint8_t bool_value = 0;             // Constant Bool (0 or 1)
  std::string_view string_value;      // Constant String

  static Vector null_constant() {
    Vector vector;
    vector.is_null = true;
    return vector;
  }
  static Vector bool_constant(bool value) {
    Vector vector;
    vector.bool_value = value ? 1 : 0;
    return vector;
  }
  static Vector dense(const void* values, const uint8_t* validity) {
    Vector vector;
    vector.shape = Shape::Dense;
    vector.values = values;
    vector.validity = validity;
    return vector;
  }
  bool is_constant() const { return shape == Shape::Constant; }
  bool is_null_constant() const { return shape == Shape::Constant && is_null; }
};

// ---- Accessors: `access[i]` is the value at position i. --------------------

template <typename T>
struct GatherAccess {
  const T* values;
  const uint32_t* rows;
  T operator[](size_t i) const { return values[rows[i]]; }
};

template <typename T>
struct DenseAccess {
  const T* values;
  T operator[](size_t i) const { return values[i]; }
};

template <typename T>
struct ConstantAccess {
  T value;
  T operator[](size_t) const { return value; }
};

struct StringAccess {
  const int64_t* offsets;
  const char* bytes;
  const uint32_t* rows;
  std::string_view operator[](size_t i) const {
    const uint32_t row = rows[i];
    return std::string_view(bytes + offsets[row],
                            static_cast<size_t>(offsets[row + 1] - offsets[row]));
  }
};

template <typename T>
T constant_value(const Vector& vector) {
  if constexpr (std::is_same_v<T, int64_t>) return vector.int_value;
  if constexpr (std::is_same_v<T, double>) return vector.float_value;
  if constexpr (std::is_same_v<T, uint8_t>) return vector.bool_value;
  if constexpr (std::is_same_v<T, std::string_view>) return vector.string_value;
}

// Calls fn(accessor) with the accessor matching the vector's shape. T is the
// physical type: int64_t, double, uint8_t (Bool) or std::string_view.
template <typename T, typename Fn>
void with_access(const Vector& vector, const uint32_t* rows, Fn&& fn) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    if (vector.shape == Shape::Constant) {
      fn(ConstantAccess<std::string_view>{vector.string_value});
    } else {  // strings are never dense
      fn(StringAccess{vector.column->string_offsets(), vector.column->string_bytes(), rows});
    }
  } else {
    switch (vector.shape) {
      case Shape::Column:
        fn(GatherAccess<T>{static_cast<const T*>(vector.values), rows});
        return;
      case Shape::Dense:
        fn(DenseAccess<T>{static_cast<const T*>(vector.values)});
        return;
      case Shape::Constant:
        fn(ConstantAccess<T>{constant_value<T>(vector)});
        return;
    }
  }
}

// Calls fn(T{}) with the physical type of a data type.
template <typename Fn>
void with_physical_type(DataType type, Fn&& fn) {
  switch (type) {
    case DataType::Int64:
    case DataType::Timestamp:
      fn(int64_t{});
      return;
    case DataType::Float64:
      fn(double{});
      return;
    case DataType::Bool:
      fn(uint8_t{});
      return;
    case DataType::String:
      fn(std::string_view{});
      return;
  }
}

// ---- Comparison --------------------------------------------------------------

struct EqualOp {
  template <typename T>
  static bool apply(const T& a, const T& b) {
    return a == b;
  }
};
struct NotEqualOp {
  template <typename T>
  static bool apply(const T& a, const T& b) {
    return a != b;
  }
};
struct LessOp {
  template <typename T>
  static bool apply(const T& a, const T& b) {
    return a < b;
  }
};
struct LessEqualOp {
  template <typename T>
  static bool apply(const T& a, const T& b) {
    return a <= b;
  }
};
struct GreaterOp {
  template <typename T>
  static bool apply(const T& a, const T& b) {
    return a > b;
  }
};
struct GreaterEqualOp {
  template <typename T>
  static bool apply(const T& a, const T& b) {
    return a >= b;
  }
};

template <typename Fn>
void with_compare_op(CompareOp op, Fn&& fn) {
  switch (op) {
    case CompareOp::Equal:
      fn(EqualOp{});
      return;
    case CompareOp::NotEqual:
      fn(NotEqualOp{});
      return;
    case CompareOp::Less:
      fn(LessOp{});
      return;
    case CompareOp::LessEqual:
      fn(LessEqualOp{});
      return;
    case CompareOp::Greater:
      fn(GreaterOp{});
      return;
    case CompareOp::GreaterEqual:
      fn(GreaterEqualOp{});
      return;
  }
}

// Equality of a string column with a constant of 1 to 8 bytes (`channel =
// 'web'`): one 8-byte load and compare per row instead of a memcmp call.
// The load may read past the row's string into the next strings or the
// buffer's padding (AlignedBuffer guarantees 64 readable bytes past the
// end); the bytes past the length are masked off. Returns false (nothing
// written) when the constant does not qualify.
template <typename Op>
bool short_string_equality_loop(size_t n, StringAccess strings, std::string_view constant,
                                uint8_t* out) {
  constexpr bool kEqual = std::is_same_v<Op, EqualOp>;
  if constexpr (!kEqual && !std::is_same_v<Op, NotEqualOp>) {
    return false;
  } else {
    const size_t length = constant.size();
    // No bytes buffer means every string is empty, so none equals `constant`.
    if (length == 0 || length > 8 || strings.bytes == nullptr) return false;
    uint64_t wanted = 0;
    std::memcpy(&wanted, constant.data(), length);
    const uint64_t mask = length == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * length)) - 1;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t row = strings.rows[i];
      const int64_t begin = strings.offsets[row];
      uint64_t word;
      std::memcpy(&word, strings.bytes + begin, sizeof(word));
      const bool equal = static_cast<size_t>(strings.offsets[row + 1] - begin) == length &&
                         ((word ^ wanted) & mask) == 0;
      out[i] = static_cast<uint8_t>(equal == kEqual);
    }
    return true;
  }
}

template <typename Op, typename Left, typename Right>
void compare_loop(size_t n, Left left, Right right, uint8_t* out) {
  if constexpr (std::is_same_v<Left, StringAccess> &&
                std::is_same_v<Right, ConstantAccess<std::string_view>>) {
    if (short_string_equality_loop<Op>(n, left, right.value, out)) return;
  }
  if constexpr (std::is_same_v<Left, ConstantAccess<std::string_view>> &&
                std::is_same_v<Right, StringAccess>) {
    if (short_string_equality_loop<Op>(n, right, left.value, out)) return;
  }
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(Op::apply(left[i], right[i]));
}

// ---- Arithmetic --------------------------------------------------------------

// apply() writes the result and returns true on int64 overflow.
struct AddOp {
  static bool apply(int64_t a, int64_t b, int64_t& out) {
    return __builtin_add_overflow(a, b, &out);
  }
  static bool apply(double a, double b, double& out) {
    out = a + b;
    return false;
  }
};
struct SubtractOp {
  static bool apply(int64_t a, int64_t b, int64_t& out) {
    return __builtin_sub_overflow(a, b, &out);
  }
  static bool apply(double a, double b, double& out) {
    out = a - b;
    return false;
  }
};
struct MultiplyOp {
  static bool apply(int64_t a, int64_t b, int64_t& out) {
    return __builtin_mul_overflow(a, b, &out);
  }
  static bool apply(double a, double b, double& out) {
    out = a * b;
    return false;
  }
};

// Returns whether any position with validity 1 (all, if validity is
// nullptr) overflowed. Positions that are NULL may hold any value.
template <typename Op, typename T, typename Left, typename Right>
bool arithmetic_loop(size_t n, Left left, Right right, T* out, const uint8_t* validity) {
  uint8_t overflow = 0;
  if (validity == nullptr) {
    for (size_t i = 0; i < n; ++i)
      overflow |= static_cast<uint8_t>(Op::apply(left[i], right[i], out[i]));
  } else {
    for (size_t i = 0; i < n; ++i) {
      overflow |= static_cast<uint8_t>(Op::apply(left[i], right[i], out[i])) & validity[i];
    }
  }
  return overflow != 0;
}

// Division and modulo: apply() is only called with a nonzero divisor.
struct DivideOp {
  static double apply(double a, double b) { return a / b; }
};
struct ModuloOp {
  // C remainder; INT64_MIN % -1 (undefined in C++) is 0, as mathematically.
  static int64_t apply(int64_t a, int64_t b) { return b == -1 ? 0 : a % b; }
  static double apply(double a, double b) { return std::fmod(a, b); }
};

// A zero divisor makes the position NULL: `validity` (materialized, in/out)
// is cleared there.
template <typename Op, typename T, typename Left, typename Right>
void division_loop(size_t n, Left left, Right right, T* out, uint8_t* validity) {
  for (size_t i = 0; i < n; ++i) {
    const T divisor = right[i];
    const bool zero = divisor == T{0};
    validity[i] &= static_cast<uint8_t>(!zero);
    out[i] = Op::apply(left[i], zero ? T{1} : divisor);
  }
}

// ---- Unary -------------------------------------------------------------------

template <typename Input>
bool negate_loop(size_t n, Input input, int64_t* out, const uint8_t* validity) {
  uint8_t overflow = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t valid = validity == nullptr ? 1 : validity[i];
    overflow |= static_cast<uint8_t>(__builtin_sub_overflow(int64_t{0}, input[i], &out[i])) & valid;
  }
  return overflow != 0;
}

template <typename Input>
void negate_loop(size_t n, Input input, double* out) {
  for (size_t i = 0; i < n; ++i) out[i] = -input[i];
}

template <typename Input>
void cast_to_float_loop(size_t n, Input input, double* out) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(input[i]);
}

template <typename Input>
void not_loop(size_t n, Input input, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = input[i] ^ 1;
}

// ---- Logic (Kleene) ----------------------------------------------------------

template <bool kAnd, typename Left, typename Right>
void logic_loop_without_nulls(size_t n, Left left, Right right, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = kAnd ? (left[i] & right[i]) : (left[i] | right[i]);
}

// SQL three-valued AND / OR. `out` and `out_validity` may alias the left
// inputs (the loop reads position i before writing it).
template <bool kAnd, typename Left, typename Right>
void logic_loop(size_t n, Left left, const uint8_t* left_validity, Right right,
                const uint8_t* right_validity, uint8_t* out, uint8_t* out_validity) {
  for (size_t i = 0; i < n; ++i) {
    const uint8_t l = left[i], lv = left_validity[i], r = right[i], rv = right_validity[i];
    uint8_t is_true, is_false;
    if constexpr (kAnd) {
      is_true = l & lv & r & rv;
      is_false = (lv & (l ^ 1)) | (rv & (r ^ 1));
    } else {
      is_true = (l & lv) | (r & rv);
      is_false = lv & (l ^ 1) & rv & (r ^ 1);
    }
    out[i] = is_true;
    out_validity[i] = is_true | is_false;
  }
}

// ---- Selection ---------------------------------------------------------------

// Validity bits of a column at the given rows, as bytes by position.
inline void gather_validity(const uint64_t* words, const uint32_t* rows, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t row = rows[i];
    out[i] = static_cast<uint8_t>((words[row >> 6] >> (row & 63)) & 1);
  }
}

// Keeps rows[i] where the predicate is TRUE, compacting in place; returns
// the kept count. `values` may read through `rows` (it reads position i
// before anything at or after i is overwritten).
template <typename Values>
size_t compact_selected(Values values, const uint8_t* validity, uint32_t* rows, size_t n) {
  size_t kept = 0;
  if (validity == nullptr) {
    for (size_t i = 0; i < n; ++i) {
      const uint8_t keep = values[i];
      rows[kept] = rows[i];
      kept += keep;
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      const uint8_t keep = values[i] & validity[i];
      rows[kept] = rows[i];
      kept += keep;
    }
  }
  return kept;
}

}  // namespace weir::expression_internal
