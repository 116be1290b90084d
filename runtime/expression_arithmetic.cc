// FilterEvaluator's arithmetic (+ - * / %, int64 overflow checked) and unary
// (negation, NOT, IS [NOT] NULL) nodes: runtime/expression_evaluator.h.
#include <string>

#include "runtime/errors.h"
#include "runtime/expression_evaluator.h"
#include "runtime/expression_kernels.h"

namespace weir {

using expression_internal::Shape;
using expression_internal::Vector;
namespace loops = expression_internal;
using expression_internal::scratch;

namespace {

[[noreturn]] void throw_overflow(const Expression& expression, const std::string& operation) {
  throw InputError("integer overflow in expression '" + std::string(expression.text()) +
                   "' at position " + std::to_string(expression.position()) + " in \"" +
                   std::string(expression.source()) + "\": " + operation +
                   " does not fit in int64");
}

// Finds the first valid position whose operation overflows and reports it.
template <typename Op, typename Left, typename Right>
[[noreturn]] void report_overflow(const Expression& expression, size_t n, Left left, Right right,
                                  const uint8_t* validity) {
  for (size_t i = 0; i < n; ++i) {
    int64_t ignored;
    if ((validity == nullptr || validity[i] != 0) && Op::apply(left[i], right[i], ignored)) {
      throw_overflow(expression, std::to_string(left[i]) + " " +
                                     std::string(arithmetic_op_symbol(expression.arithmetic_op())) +
                                     " " + std::to_string(right[i]));
    }
  }
  WEIR_CHECK(false && "overflow reported but not found");
}

}  // namespace

Vector FilterEvaluator::evaluate_arithmetic(Node& node) {
  const Expression& expression = *node.expression;
  const Vector left = evaluate(child_ids_[node.first_child]);
  const Vector right = evaluate(child_ids_[node.first_child + 1]);
  if (left.is_null_constant() || right.is_null_constant()) return Vector::null_constant();
  const bool constant = left.is_constant() && right.is_constant();
  const size_t n = constant ? 1 : count_;
  const ArithmeticOp op = expression.arithmetic_op();
  const bool division = op == ArithmeticOp::Divide || op == ArithmeticOp::Modulo;
  uint8_t single_validity = 1;
  const uint8_t* validity = nullptr;
  if (constant) {
    validity = division ? &single_validity : nullptr;
  } else {
    validity = combine_validity(node, left, right, /*force=*/division);
  }
  Vector result;
  auto compute = [&](auto type_tag) {
    using T = decltype(type_tag);
    T single_value{};
    T* out = constant ? &single_value : scratch<T>(node.values, count_);
    loops::with_access<T>(left, rows_, [&](auto l) {
      loops::with_access<T>(right, rows_, [&](auto r) {
        auto run = [&](auto op_tag) {
          using Op = decltype(op_tag);
          if (loops::arithmetic_loop<Op>(n, l, r, out, validity)) {
            if constexpr (std::is_same_v<T, int64_t>)
              report_overflow<Op>(expression, n, l, r, validity);
          }
        };
        // `validity` is this node's own scratch whenever division is true.
        auto* writable_validity = const_cast<uint8_t*>(validity);
        switch (op) {
          case ArithmeticOp::Add:
            run(loops::AddOp{});
            break;
          case ArithmeticOp::Subtract:
            run(loops::SubtractOp{});
            break;
          case ArithmeticOp::Multiply:
            run(loops::MultiplyOp{});
            break;
          case ArithmeticOp::Divide:
            if constexpr (std::is_same_v<T, double>) {
              loops::division_loop<loops::DivideOp>(n, l, r, out, writable_validity);
            } else {
              WEIR_CHECK(false && "integer division is bound as float64");
            }
            break;
          case ArithmeticOp::Modulo:
            loops::division_loop<loops::ModuloOp>(n, l, r, out, writable_validity);
            break;
        }
      });
    });
    if (!constant) {
      result = Vector::dense(out, validity);
    } else if (division && single_validity == 0) {
      result = Vector::null_constant();
    } else if constexpr (std::is_same_v<T, double>) {
      result.float_value = single_value;
    } else {
      result.int_value = single_value;
    }
  };
  if (expression.type() == DataType::Float64) {
    compute(double{});
  } else {
    compute(int64_t{});
  }
  return result;
}

Vector FilterEvaluator::evaluate_unary(Node& node) {
  const Expression& expression = *node.expression;
  const ExpressionKind kind = expression.kind();
  const Vector input = evaluate(child_ids_[node.first_child]);
  if (kind == ExpressionKind::IsNull || kind == ExpressionKind::IsNotNull) {
    const bool want_null = kind == ExpressionKind::IsNull;
    if (input.is_constant()) return Vector::bool_constant(input.is_null == want_null);
    if (input.validity == nullptr) return Vector::bool_constant(!want_null);
    uint8_t* out = scratch<uint8_t>(node.values, count_);
    const uint8_t flip = want_null ? 1 : 0;
    for (size_t i = 0; i < count_; ++i) out[i] = input.validity[i] ^ flip;
    return Vector::dense(out, nullptr);
  }
  if (input.is_null_constant()) return Vector::null_constant();
  const bool constant = input.is_constant();
  const size_t n = constant ? 1 : count_;
  Vector result = Vector::dense(nullptr, input.validity);
  auto finish = [&](auto* out, auto single) {
    if (!constant) {
      result.values = out;
      return;
    }
    result = Vector{};
    if constexpr (std::is_same_v<decltype(single), double>) result.float_value = single;
    if constexpr (std::is_same_v<decltype(single), int64_t>) result.int_value = single;
    if constexpr (std::is_same_v<decltype(single), uint8_t>) result.bool_value = single;
  };
  if (kind == ExpressionKind::Not) {
    uint8_t single = 0;
    uint8_t* out = constant ? &single : scratch<uint8_t>(node.values, count_);
    loops::with_access<uint8_t>(input, rows_, [&](auto in) { loops::not_loop(n, in, out); });
    finish(out, single);
  } else if (kind == ExpressionKind::Cast) {
    double single = 0;
    double* out = constant ? &single : scratch<double>(node.values, count_);
    loops::with_access<int64_t>(input, rows_,
                                  [&](auto in) { loops::cast_to_float_loop(n, in, out); });
    finish(out, single);
  } else if (expression.type() == DataType::Float64) {  // Negate
    double single = 0;
    double* out = constant ? &single : scratch<double>(node.values, count_);
    loops::with_access<double>(input, rows_, [&](auto in) { loops::negate_loop(n, in, out); });
    finish(out, single);
  } else {
    int64_t single = 0;
    int64_t* out = constant ? &single : scratch<int64_t>(node.values, count_);
    const uint8_t* validity = constant ? nullptr : input.validity;
    loops::with_access<int64_t>(input, rows_, [&](auto in) {
      if (!loops::negate_loop(n, in, out, validity)) return;
      for (size_t i = 0; i < n; ++i) {
        if ((validity == nullptr || validity[i] != 0) &&
            in[i] == std::numeric_limits<int64_t>::min()) {
          throw_overflow(expression, "-(" + std::to_string(in[i]) + ")");
        }
      }
    });
    finish(out, single);
  }
  return result;
}

}  // namespace weir
