#include "runtime/expression_evaluator.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "kernels/compare_filter.h"
#include "runtime/errors.h"
#include "runtime/expression_kernels.h"

namespace weir {

using expression_internal::Shape;
using expression_internal::Vector;
namespace loops = expression_internal;
using expression_internal::scratch;

namespace {

const void* column_values(const Column& column) {
  switch (column.type()) {
    case DataType::Int64:
    case DataType::Timestamp:
      return column.int64_data();
    case DataType::Float64:
      return column.float64_data();
    case DataType::Bool:
      return column.bool_data();
    case DataType::String:
      return nullptr;
  }
  return nullptr;
}

Vector literal_vector(const Expression& literal) {
  Vector vector;
  const LiteralValue& value = literal.literal_value();
  if (std::holds_alternative<std::monostate>(value)) {
    vector.is_null = true;
  } else if (const auto* integer = std::get_if<int64_t>(&value)) {
    vector.int_value = *integer;
  } else if (const auto* real = std::get_if<double>(&value)) {
    vector.float_value = *real;
  } else if (const auto* boolean = std::get_if<bool>(&value)) {
    vector.bool_value = *boolean ? 1 : 0;
  } else {
    vector.string_value = std::get<std::string>(value);
  }
  return vector;
}

// A subtree that reads no column evaluates to a constant (or throws the
// same overflow error for every batch).
bool is_constant_subtree(const Expression& expression) {
  if (expression.kind() == ExpressionKind::ColumnRef) return false;
  for (const auto& child : expression.children()) {
    if (!is_constant_subtree(*child)) return false;
  }
  return true;
}

kernels::CompareOp simd_compare_op(CompareOp op) {
  switch (op) {
    case CompareOp::Equal:
      return kernels::CompareOp::Equal;
    case CompareOp::NotEqual:
      return kernels::CompareOp::NotEqual;
    case CompareOp::Less:
      return kernels::CompareOp::Less;
    case CompareOp::LessEqual:
      return kernels::CompareOp::LessEqual;
    case CompareOp::Greater:
      return kernels::CompareOp::Greater;
    case CompareOp::GreaterEqual:
      return kernels::CompareOp::GreaterEqual;
  }
  WEIR_CHECK(false && "unknown comparison");
  return kernels::CompareOp::Equal;
}

const uint64_t* validity_or_null(const Column& column) {
  return column.has_nulls() ? column.validity_words() : nullptr;
}

}  // namespace

FilterEvaluator::FilterEvaluator(const Expression& predicate, MemoryTracker* tracker)
    : ones_(tracker) {
  WEIR_CHECK(predicate.has_type());
  add_node(predicate, tracker);
}

FilterEvaluator::~FilterEvaluator() = default;
FilterEvaluator::FilterEvaluator(FilterEvaluator&&) noexcept = default;
FilterEvaluator& FilterEvaluator::operator=(FilterEvaluator&&) noexcept = default;

size_t FilterEvaluator::add_node(const Expression& expression, MemoryTracker* tracker) {
  WEIR_CHECK(expression.has_type());
  const size_t id = nodes_.size();
  nodes_.push_back(Node{&expression, 0, 0, AlignedBuffer(tracker), AlignedBuffer(tracker)});
  const size_t first_child = child_ids_.size();
  const size_t child_count = expression.children().size();
  nodes_[id].first_child = first_child;
  nodes_[id].child_count = child_count;
  child_ids_.resize(first_child + child_count);
  for (size_t i = 0; i < child_count; ++i) {
    const size_t child = add_node(expression.child(i), tracker);
    child_ids_[first_child + i] = child;
  }
  if (expression.kind() == ExpressionKind::Compare) {
    const DataType left = expression.child(0).type();
    const DataType right = expression.child(1).type();
    WEIR_CHECK(left == right || (is_int64_backed(left) && is_int64_backed(right)));
    const bool numeric = (is_int64_backed(left) && is_int64_backed(right)) ||
                         (left == DataType::Float64 && right == DataType::Float64);
    const bool left_column = expression.child(0).kind() == ExpressionKind::ColumnRef;
    const bool right_column = expression.child(1).kind() == ExpressionKind::ColumnRef;
    if (numeric && left_column && right_column) {
      nodes_[id].direct_compare = DirectCompare::ColumnColumn;
    } else if (numeric && left_column && is_constant_subtree(expression.child(1))) {
      nodes_[id].direct_compare = DirectCompare::ColumnConstant;
    } else if (numeric && right_column && is_constant_subtree(expression.child(0))) {
      nodes_[id].direct_compare = DirectCompare::ConstantColumn;
    }
  }
  return id;
}

void FilterEvaluator::check_columns(const Batch& batch) const {
  for (const Node& node : nodes_) {
    const Expression& expression = *node.expression;
    if (expression.kind() != ExpressionKind::ColumnRef) continue;
    WEIR_CHECK(expression.column_index() < batch.num_columns());
    WEIR_CHECK(batch.column(expression.column_index()).type() == expression.type());
  }
}

void FilterEvaluator::filter(const Batch& batch, SelectionVector& selection) {
  WEIR_CHECK(nodes_.front().expression->type() == DataType::Bool);
  check_columns(batch);
  const size_t count = selection.size();
  if (count == 0) return;
  WEIR_CHECK(count <= batch.num_rows() && selection[count - 1] < batch.num_rows());
  batch_ = &batch;
  const size_t kept = filter_rows(0, selection.data(), count);
  selection.resize(kept);
  batch_ = nullptr;
  rows_ = nullptr;
}

void FilterEvaluator::evaluate_into(const Batch& batch, const SelectionVector& selection, Column& out) {
  const Expression& root = *nodes_.front().expression;
  WEIR_CHECK(out.type() == root.type());
  check_columns(batch);
  const size_t count = selection.size();
  if (count == 0) return;
  WEIR_CHECK(count <= batch.num_rows() && selection[count - 1] < batch.num_rows());
  batch_ = &batch;
  rows_ = selection.data();
  count_ = count;
  rows_are_identity_ = count == batch.num_rows();
  if (root.kind() == ExpressionKind::ColumnRef && rows_are_identity_) {
    // Every row of a plain column: one bulk copy.
    out.append_rows(batch.column(root.column_index()), 0, count);
  } else {
    append_vector(evaluate(0), root.type(), out);
  }
  batch_ = nullptr;
  rows_ = nullptr;
}

void FilterEvaluator::append_vector(const Vector& result, DataType type, Column& out) {
  const size_t count = count_;
  if (result.is_null_constant()) {
    for (size_t i = 0; i < count; ++i) out.append_null();
    return;
  }
  const uint8_t* validity = result.is_constant() ? nullptr : result.validity;
  if (type == DataType::String) {
    loops::with_access<std::string_view>(result, rows_, [&](auto values) {
      for (size_t i = 0; i < count; ++i) {
        if (validity != nullptr && validity[i] == 0) {
          out.append_null();
        } else {
          out.append_string(values[i]);
        }
      }
    });
    return;
  }
  const size_t first = out.size();
  out.resize_fixed(first + count);
  loops::with_physical_type(type, [&](auto type_tag) {
    using T = decltype(type_tag);
    if constexpr (!std::is_same_v<T, std::string_view>) {
      T* target = nullptr;
      if constexpr (std::is_same_v<T, int64_t>) target = out.int64_data() + first;
      if constexpr (std::is_same_v<T, double>) target = out.float64_data() + first;
      if constexpr (std::is_same_v<T, uint8_t>) target = out.bool_data() + first;
      loops::with_access<T>(result, rows_, [&](auto values) {
        for (size_t i = 0; i < count; ++i) target[i] = values[i];
      });
    }
  });
  if (validity != nullptr) {
    for (size_t i = 0; i < count; ++i) {
      if (validity[i] == 0) out.set_null(first + i);
    }
  }
}

size_t FilterEvaluator::filter_rows(size_t id, uint32_t* rows, size_t count) {
  if (count == 0) return 0;
  Node& node = nodes_[id];
  switch (node.expression->kind()) {
    case ExpressionKind::And:
      for (size_t i = 0; i < node.child_count && count > 0; ++i) {
        count = filter_rows(child_ids_[node.first_child + i], rows, count);
      }
      return count;
    case ExpressionKind::Compare:
      if (node.direct_compare != DirectCompare::None) return filter_compare(id, rows, count);
      break;
    default:
      break;
  }
  rows_ = rows;
  count_ = count;
  // Ascending distinct rows below num_rows() are the identity iff all are there.
  rows_are_identity_ = count == batch_->num_rows();
  const Vector result = evaluate(id);
  if (result.is_constant()) return !result.is_null && result.bool_value != 0 ? count : 0;
  if (result.shape == Shape::Dense) {
    return kernels::SelectByByteMask(static_cast<const uint8_t*>(result.values), result.validity,
                                     rows, count, rows);
  }
  size_t kept = 0;
  loops::with_access<uint8_t>(result, rows, [&](auto values) {
    kept = loops::compact_selected(values, result.validity, rows, count);
  });
  return kept;
}

size_t FilterEvaluator::filter_compare(size_t id, uint32_t* rows, size_t count) {
  const Node& node = nodes_[id];
  const Expression& expression = *node.expression;
  // Over every row the dense kernels write row ids 0..count-1 themselves;
  // otherwise the selected kernels narrow `rows` in place.
  const bool every_row = count == batch_->num_rows();
  const bool is_float = expression.child(0).type() == DataType::Float64;
  kernels::CompareOp op = simd_compare_op(expression.compare_op());

  if (node.direct_compare == DirectCompare::ColumnColumn) {
    const Column& left = batch_->column(expression.child(0).column_index());
    const Column& right = batch_->column(expression.child(1).column_index());
    if (is_float) {
      return every_row ? kernels::FilterFloat64Columns(
                             op, left.float64_data(), validity_or_null(left), right.float64_data(),
                             validity_or_null(right), count, rows)
                       : kernels::FilterFloat64ColumnsSelected(
                             op, left.float64_data(), validity_or_null(left), right.float64_data(),
                             validity_or_null(right), rows, count, rows);
    }
    return every_row ? kernels::FilterInt64Columns(op, left.int64_data(), validity_or_null(left),
                                                   right.int64_data(), validity_or_null(right),
                                                   count, rows)
                     : kernels::FilterInt64ColumnsSelected(
                           op, left.int64_data(), validity_or_null(left), right.int64_data(),
                           validity_or_null(right), rows, count, rows);
  }

  const bool column_first = node.direct_compare == DirectCompare::ColumnConstant;
  rows_ = rows;
  count_ = count;
  rows_are_identity_ = every_row;
  const Vector constant = evaluate(child_ids_[node.first_child + (column_first ? 1 : 0)]);
  WEIR_CHECK(constant.is_constant());
  if (constant.is_null) return 0;  // a comparison with NULL is never TRUE
  if (!column_first) op = kernels::SwapOperands(op);
  const Column& column = batch_->column(expression.child(column_first ? 0 : 1).column_index());
  const uint64_t* validity = validity_or_null(column);
  if (is_float) {
    return every_row ? kernels::FilterFloat64Constant(op, column.float64_data(), validity,
                                                      constant.float_value, count, rows)
                     : kernels::FilterFloat64ConstantSelected(op, column.float64_data(), validity,
                                                              constant.float_value, rows, count,
                                                              rows);
  }
  return every_row ? kernels::FilterInt64Constant(op, column.int64_data(), validity,
                                                  constant.int_value, count, rows)
                   : kernels::FilterInt64ConstantSelected(op, column.int64_data(), validity,
                                                          constant.int_value, rows, count, rows);
}

const uint8_t* FilterEvaluator::all_valid() {
  if (ones_.size() < count_) {
    std::memset(scratch<uint8_t>(ones_, count_), 1, count_);
  }
  return ones_.as<uint8_t>();
}

const uint8_t* FilterEvaluator::combine_validity(Node& node, const Vector& left,
                                                 const Vector& right, bool force) {
  const uint8_t* a = left.is_constant() ? nullptr : left.validity;
  const uint8_t* b = right.is_constant() ? nullptr : right.validity;
  if (!force && (a == nullptr || b == nullptr)) return a != nullptr ? a : b;
  uint8_t* out = scratch<uint8_t>(node.validity, count_);
  if (a != nullptr && b != nullptr) {
    for (size_t i = 0; i < count_; ++i) out[i] = a[i] & b[i];
  } else if (a != nullptr || b != nullptr) {
    std::memcpy(out, a != nullptr ? a : b, count_);
  } else {
    std::memset(out, 1, count_);
  }
  return out;
}

Vector FilterEvaluator::evaluate(size_t id) {
  Node& node = nodes_[id];
  switch (node.expression->kind()) {
    case ExpressionKind::ColumnRef:
      return evaluate_column(node);
    case ExpressionKind::Literal:
      return literal_vector(*node.expression);
    case ExpressionKind::Compare:
      return evaluate_compare(node);
    case ExpressionKind::Arithmetic:
      return evaluate_arithmetic(node);
    case ExpressionKind::Negate:
    case ExpressionKind::Not:
    case ExpressionKind::IsNull:
    case ExpressionKind::IsNotNull:
    case ExpressionKind::Cast:
      return evaluate_unary(node);
    case ExpressionKind::And:
    case ExpressionKind::Or:
      return evaluate_logical(node);
  }
  WEIR_CHECK(false && "unknown expression kind");
  return Vector{};
}

Vector FilterEvaluator::evaluate_column(Node& node) {
  const Column& column = batch_->column(node.expression->column_index());
  Vector vector;
  vector.column = &column;
  vector.values = column_values(column);
  // Over every row, fixed-width storage is already a dense vector.
  const bool dense = rows_are_identity_ && column.type() != DataType::String;
  vector.shape = dense ? Shape::Dense : Shape::Column;
  if (column.has_nulls()) {
    uint8_t* validity = scratch<uint8_t>(node.validity, count_);
    loops::gather_validity(column.validity_words(), rows_, count_, validity);
    vector.validity = validity;
  }
  return vector;
}

Vector FilterEvaluator::evaluate_compare(Node& node) {
  const Vector left = evaluate(child_ids_[node.first_child]);
  const Vector right = evaluate(child_ids_[node.first_child + 1]);
  if (left.is_null_constant() || right.is_null_constant()) return Vector::null_constant();
  // Two constants are compared once, as a vector of one position.
  const bool constant = left.is_constant() && right.is_constant();
  uint8_t single = 0;
  uint8_t* out = constant ? &single : scratch<uint8_t>(node.values, count_);
  const size_t n = constant ? 1 : count_;
  const CompareOp op = node.expression->compare_op();
  loops::with_physical_type(node.expression->child(0).type(), [&](auto type_tag) {
    using T = decltype(type_tag);
    loops::with_compare_op(op, [&](auto op_tag) {
      using Op = decltype(op_tag);
      loops::with_access<T>(left, rows_, [&](auto l) {
        loops::with_access<T>(right, rows_,
                                [&](auto r) { loops::compare_loop<Op>(n, l, r, out); });
      });
    });
  });
  if (constant) return Vector::bool_constant(single != 0);
  return Vector::dense(out, combine_validity(node, left, right, /*force=*/false));
}

// OR, and AND below the top level (under OR, NOT, IS NULL or a comparison):
// every operand is evaluated over all rows in play and combined with Kleene
// logic. (Narrowing per OR operand would need sorted merges of row lists,
// which cost more than evaluating cheap operands over every row.)
Vector FilterEvaluator::evaluate_logical(Node& node) {
  const bool is_and = node.expression->kind() == ExpressionKind::And;
  bool saw_null_constant = false;
  bool have_accumulator = false;
  Vector accumulator;
  uint8_t* out = nullptr;
  uint8_t* out_validity = nullptr;
  auto ensure_output = [&] {
    if (out != nullptr) return;
    out = scratch<uint8_t>(node.values, count_);
    out_validity = scratch<uint8_t>(node.validity, count_);
  };
  for (size_t i = 0; i < node.child_count; ++i) {
    const Vector operand = evaluate(child_ids_[node.first_child + i]);
    if (operand.is_constant()) {
      if (operand.is_null) {
        saw_null_constant = true;
      } else if ((operand.bool_value != 0) != is_and) {
        return Vector::bool_constant(!is_and);  // FALSE decides AND, TRUE decides OR
      }
      continue;  // TRUE in AND and FALSE in OR change nothing
    }
    if (!have_accumulator) {
      accumulator = operand;
      have_accumulator = true;
      continue;
    }
    ensure_output();
    const bool no_nulls = accumulator.validity == nullptr && operand.validity == nullptr;
    const uint8_t* left_validity = no_nulls ? nullptr : accumulator.validity;
    if (!no_nulls && left_validity == nullptr) left_validity = all_valid();
    const uint8_t* right_validity = operand.validity != nullptr ? operand.validity : all_valid();
    loops::with_access<uint8_t>(accumulator, rows_, [&](auto l) {
      loops::with_access<uint8_t>(operand, rows_, [&](auto r) {
        if (no_nulls) {
          if (is_and) loops::logic_loop_without_nulls<true>(count_, l, r, out);
          if (!is_and) loops::logic_loop_without_nulls<false>(count_, l, r, out);
        } else if (is_and) {
          loops::logic_loop<true>(count_, l, left_validity, r, right_validity, out, out_validity);
        } else {
          loops::logic_loop<false>(count_, l, left_validity, r, right_validity, out,
                                     out_validity);
        }
      });
    });
    accumulator = Vector::dense(out, no_nulls ? nullptr : out_validity);
  }
  if (!have_accumulator) {
    return saw_null_constant ? Vector::null_constant() : Vector::bool_constant(is_and);
  }
  if (!saw_null_constant) return accumulator;
  // x AND NULL is FALSE where x is FALSE, else NULL; x OR NULL is TRUE where
  // x is TRUE, else NULL.
  ensure_output();
  const uint8_t* validity = accumulator.validity != nullptr ? accumulator.validity : all_valid();
  loops::with_access<uint8_t>(accumulator, rows_, [&](auto x) {
    for (size_t i = 0; i < count_; ++i) {
      const uint8_t decided = is_and ? (x[i] ^ 1) : x[i];
      out_validity[i] = validity[i] & decided;
      out[i] = is_and ? 0 : 1;
    }
  });
  return Vector::dense(out, out_validity);
}

}  // namespace weir
