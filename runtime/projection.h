#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memory/memory_tracker.h"
#include "runtime/batch.h"
#include "runtime/expression.h"
#include "runtime/expression_evaluator.h"
#include "runtime/schema.h"

namespace weir {

// One item of a SELECT list: "price * 0.908 AS price", "auction".
struct SelectItem {
  std::unique_ptr<Expression> expression;
  std::string output_name;
};

// Parses "expression [AS name]" against `schema` (name: an identifier or a
// "double quoted" name; AS is case-insensitive). Without AS, a plain column
// keeps its name and any other expression is named by its text, as DuckDB
// does. Throws ConfigError.
SelectItem parse_select_item(std::string_view text, const Schema& schema);

// The SELECT list of a pipeline without aggregation: each row the filter
// keeps becomes one output row of the items' values, in the input's order.
//
// Contract: immutable once built, shared by every worker; each worker owns a
// LocalState (one evaluator per item) and projects its morsels into its own
// output batches. Evaluation errors (int64 overflow) throw InputError, only
// for rows that are projected.
class Projection {
 public:
  explicit Projection(std::vector<SelectItem> items);

  const std::shared_ptr<const Schema>& output_schema() const { return output_schema_; }

  struct LocalState {
    std::vector<FilterEvaluator> evaluators;
  };
  std::unique_ptr<LocalState> make_local_state(MemoryTracker* tracker) const;

  // Appends the values of the items at the rows of `selection` to `out`
  // (cleared by the caller, with output_schema()) and sets its row count.
  void project(const Batch& batch, const SelectionVector& selection, LocalState& local, Batch& out) const;

  // The same for a batch whose rows are not needed afterwards (the
  // executor's morsels): when `selection` is every row, a column selected
  // as is moves into `out` instead of being copied, and `batch` receives
  // out's previous (cleared) column, keeping its capacity for the next
  // morsel. `batch` is then left with those columns exchanged.
  void project_consuming(Batch& batch, const SelectionVector& selection, LocalState& local, Batch& out) const;

  const std::vector<SelectItem>& items() const { return items_; }

 private:
  std::vector<SelectItem> items_;
  // moves_from_[i]: the input column item i moves from when it is a plain
  // column reference and the first item that names that column; -1 otherwise
  // (copied). A column referenced again is copied by its later items, which
  // are evaluated before any move.
  std::vector<std::ptrdiff_t> moves_from_;
  std::shared_ptr<const Schema> output_schema_;
};

}  // namespace weir
