#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/column.h"
#include "runtime/schema.h"
#include "runtime/selection_vector.h"

namespace weir {

// A horizontal slice of a source: one Column per schema field, all of the
// same length, plus the selection of rows still in play.
//
// `first_row_ordinal` is the position of row 0 in the source's order (the
// order that defines watermarks and lateness); `first_line` is the physical
// line of row 0 in its file (for error messages; 0 when not from a file).
//
// Contract: built by one thread (a source's load step), then processed by
// the same worker thread through the operators; never shared while written.
class Batch {
 public:
  explicit Batch(std::shared_ptr<const Schema> schema, MemoryTracker* tracker = nullptr);
  Batch(Batch&&) noexcept = default;
  Batch& operator=(Batch&&) noexcept = default;

  const Schema& schema() const { return *schema_; }
  const std::shared_ptr<const Schema>& schema_pointer() const { return schema_; }

  size_t num_rows() const { return num_rows_; }
  // Declares the row count after the columns were filled; selects every row.
  void set_num_rows(size_t rows);

  Column& column(size_t index) { return columns_[index]; }
  const Column& column(size_t index) const { return columns_[index]; }
  size_t num_columns() const { return columns_.size(); }

  SelectionVector& selection() { return selection_; }
  const SelectionVector& selection() const { return selection_; }

  uint64_t first_row_ordinal = 0;
  uint64_t first_line = 0;

  // Clears every column and the selection; keeps capacity for reuse.
  void clear();

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Column> columns_;
  SelectionVector selection_;
  size_t num_rows_ = 0;
};

}  // namespace weir
