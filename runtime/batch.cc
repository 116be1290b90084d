#include "runtime/batch.h"

#include <utility>

#include "runtime/errors.h"

namespace weir {

Batch::Batch(std::shared_ptr<const Schema> schema, MemoryTracker* tracker)
    : schema_(std::move(schema)), selection_(tracker) {
  columns_.reserve(schema_->size());
  for (const Field& field : schema_->fields()) columns_.emplace_back(field.type, tracker);
}

void Batch::set_num_rows(size_t rows) {
  for (const Column& column : columns_) WEIR_CHECK(column.size() == rows);
  num_rows_ = rows;
  selection_.select_all(rows);
}

void Batch::clear() {
  for (Column& column : columns_) column.clear();
  selection_.resize(0);
  num_rows_ = 0;
  first_row_ordinal = 0;
  first_line = 0;
}

}  // namespace weir
