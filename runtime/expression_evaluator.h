#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "memory/aligned_buffer.h"
#include "runtime/batch.h"
#include "runtime/expression.h"
#include "runtime/selection_vector.h"

namespace weir {

namespace expression_internal {
struct Vector;
}

// Vectorized evaluation of a bound filter predicate (see
// runtime/expression_parser.h for the language and its semantics), or of a
// value expression into a column (evaluate_into: a SELECT list item).
//
// Who calls it, on which thread: the filter operator creates one
// FilterEvaluator per worker thread and calls filter() for every batch that
// thread processes. An evaluator is not thread-safe and must not be shared;
// the Expression it reads is immutable and may be shared by all of them. The
// Expression must outlive the evaluator.
//
// How it works: each node is evaluated column-at-a-time over the rows in
// play into scratch vectors (values plus per-position validity bytes) that
// the evaluator owns and reuses across batches, so the steady state performs
// no allocation. Kernels are templates over the operator and over the shape
// of each input (a column read through the selection, a dense scratch
// vector, or a constant); inputs without NULLs skip validity work; when the
// selection is every row, columns are read directly as dense arrays. At the
// top level, an AND narrows the selection operand by operand (compacting it
// in place), so later operands only see rows still undecided; everything
// else (including OR) is evaluated over all rows in play with SQL's
// three-valued logic, then the selection keeps the TRUE rows.
//
// Comparisons that are the predicate or a top-level AND operand, between an
// int64/timestamp or float64 column and either a constant (a subtree
// without columns: a literal, a promoted literal, constant arithmetic) or
// another column of the same physical type, skip the vectors altogether: the
// SIMD comparison filters (kernels/compare_filter.h) read the column and its
// validity bitmap and narrow the selection directly. Their semantics are the
// scalar ones (NULL drops the row; IEEE comparison for float64). A float64
// column compared with a promoted int64 column (`f > i`) takes the general
// path.
//
// Errors: int64 overflow in + - * or unary minus at a row that is evaluated
// throws InputError("integer overflow in expression '...' ..."). Rows outside
// the selection, and rows dropped by an earlier operand of a top-level AND,
// are not evaluated and cannot raise it.
class FilterEvaluator {
 public:
  // `predicate` must have type Bool (as parse_expression() returns) for
  // filter(); any type for evaluate_into().
  // Scratch memory is counted in `tracker` (nullptr: the process default).
  explicit FilterEvaluator(const Expression& predicate, MemoryTracker* tracker = nullptr);
  ~FilterEvaluator();
  FilterEvaluator(FilterEvaluator&&) noexcept;
  FilterEvaluator& operator=(FilterEvaluator&&) noexcept;
  FilterEvaluator(const FilterEvaluator&) = delete;
  FilterEvaluator& operator=(const FilterEvaluator&) = delete;

  // Narrows `selection` in place to the rows where the predicate is TRUE
  // (NULL and FALSE drop the row). `selection` holds ascending, distinct row
  // indices below batch.num_rows() (it may be batch.selection() itself), and
  // `batch` must have the schema the predicate was bound to.
  void filter(const Batch& batch, SelectionVector& selection);

  // Projection: appends the expression's value at each row of `selection`
  // (ascending, distinct, below batch.num_rows()) to `out`, whose type must
  // be the expression's; NULL results are appended as NULL. Any expression
  // type (the constructor takes non-Bool expressions for this use). A plain
  // column over every row is copied in bulk.
  void evaluate_into(const Batch& batch, const SelectionVector& selection, Column& out);

 private:
  // Per-node state, in pre-order (the root is node 0). A node's children
  // are child_ids_[first_child, first_child + child_count).
  // How a Compare node runs when it is a filter conjunct (decided once, from
  // the operand shapes and types; see the class comment).
  enum class DirectCompare : uint8_t {
    None,            // evaluated into vectors like any node
    ColumnConstant,  // column op constant subtree
    ConstantColumn,  // constant subtree op column
    ColumnColumn,    // column op column
  };

  struct Node {
    const Expression* expression;
    size_t first_child = 0;
    size_t child_count = 0;
    AlignedBuffer values;    // result values by position
    AlignedBuffer validity;  // result validity by position (uint8_t 0/1)
    DirectCompare direct_compare = DirectCompare::None;
  };

  size_t add_node(const Expression& expression, MemoryTracker* tracker);
  void check_columns(const Batch& batch) const;
  // Appends a root result over count_ positions to `out`.
  void append_vector(const expression_internal::Vector& result, DataType type, Column& out);
  // Narrows rows[0, count) to the rows where node `id` is TRUE; returns the
  // new count.
  size_t filter_rows(size_t id, uint32_t* rows, size_t count);
  // filter_rows for a Compare node with a DirectCompare shape.
  size_t filter_compare(size_t id, uint32_t* rows, size_t count);

  // Evaluates node `id` over the rows in `rows_` / `count_`.
  expression_internal::Vector evaluate(size_t id);
  expression_internal::Vector evaluate_column(Node& node);
  expression_internal::Vector evaluate_compare(Node& node);
  expression_internal::Vector evaluate_arithmetic(Node& node);
  expression_internal::Vector evaluate_unary(Node& node);
  expression_internal::Vector evaluate_logical(Node& node);
  // Validity of a binary result: nullptr when both inputs have none; with
  // `force`, always materialized into node.validity.
  const uint8_t* combine_validity(Node& node, const expression_internal::Vector& left,
                                  const expression_internal::Vector& right, bool force);
  const uint8_t* all_valid();

  std::vector<Node> nodes_;
  std::vector<size_t> child_ids_;
  AlignedBuffer ones_;  // count_ bytes of 1, a validity vector with no NULLs

  // The batch and rows being evaluated (set per filter_rows evaluation).
  const Batch* batch_ = nullptr;
  const uint32_t* rows_ = nullptr;
  size_t count_ = 0;
  bool rows_are_identity_ = false;  // rows_[i] == i for every i
};

}  // namespace weir
