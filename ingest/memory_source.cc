#include "ingest/memory_source.h"

#include <algorithm>

#include "runtime/errors.h"

namespace weir {

namespace {
constexpr size_t kViewAlignmentRows = 64;  // one validity word
}  // namespace

MemorySource::MemorySource(std::shared_ptr<const Batch> table, std::string name)
    : table_(std::move(table)), name_(std::move(name)) {
  WEIR_CHECK(table_ != nullptr);
  for (size_t c = 0; c < table_->num_columns(); ++c) WEIR_CHECK(table_->column(c).size() == table_->num_rows());
}

std::shared_ptr<const Schema> MemorySource::schema() const { return table_->schema_pointer(); }

std::unique_ptr<SourceMorsel> MemorySource::next_morsel(size_t max_rows) {
  const size_t remaining = table_->num_rows() - next_row_;
  if (remaining == 0 || max_rows == 0) return nullptr;
  size_t rows = std::min(remaining, max_rows);
  // Keep the next morsel's first row on a 64-row boundary (zero-copy views)
  // unless this morsel takes the rest of the table.
  if (rows < remaining && rows >= kViewAlignmentRows && next_row_ % kViewAlignmentRows == 0) {
    rows -= rows % kViewAlignmentRows;
  }
  auto morsel = std::make_unique<SourceMorsel>();
  morsel->first_row_ordinal = next_row_;
  morsel->num_rows = rows;
  next_row_ += rows;
  return morsel;
}

void MemorySource::load(SourceMorsel& morsel, Batch& batch) const {
  const size_t first = static_cast<size_t>(morsel.first_row_ordinal);
  for (size_t c = 0; c < table_->num_columns(); ++c) {
    const Column& source = table_->column(c);
    Column& target = batch.column(c);
    if (source.type() != DataType::String && first % kViewAlignmentRows == 0) {
      target.view_rows(source, first, morsel.num_rows);
    } else {
      target.append_rows(source, first, morsel.num_rows);
    }
  }
  batch.set_num_rows(morsel.num_rows);
  batch.first_row_ordinal = morsel.first_row_ordinal;
  batch.first_line = 0;
}

}  // namespace weir
