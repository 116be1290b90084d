#include "ingest/memory_source.h"

#include <algorithm>

#include "runtime/errors.h"

namespace weir {

namespace {
constexpr size_t kViewAlignmentRows = 64;  // one validity word

struct MemoryMorsel final : SourceMorsel {
  size_t first_row = 0;  // in the partition's table
};

}  // namespace

MemorySource::MemorySource(std::shared_ptr<const Batch> table, std::string name)
    : MemorySource(std::vector<std::shared_ptr<const Batch>>{std::move(table)}, std::move(name)) {}

MemorySource::MemorySource(std::vector<std::shared_ptr<const Batch>> partitions, std::string name)
    : name_(std::move(name)) {
  WEIR_CHECK(!partitions.empty());
  for (std::shared_ptr<const Batch>& table : partitions) {
    WEIR_CHECK(table != nullptr);
    WEIR_CHECK(partitions_.empty() || table->schema() == partitions_.front().table->schema());
    for (size_t c = 0; c < table->num_columns(); ++c) WEIR_CHECK(table->column(c).size() == table->num_rows());
    partitions_.push_back({std::move(table), 0});
  }
}

std::shared_ptr<const Schema> MemorySource::schema() const { return partitions_.front().table->schema_pointer(); }

bool MemorySource::exhausted() const {
  for (size_t p = 0; p < partitions_.size(); ++p) {
    if (!partition_finished(p)) return false;
  }
  return true;
}

bool MemorySource::partition_finished(size_t partition) const {
  const Partition& part = partitions_.at(partition);
  return part.next_row == part.table->num_rows();
}

std::unique_ptr<SourceMorsel> MemorySource::next_morsel(size_t max_rows) {
  if (max_rows == 0) return nullptr;
  for (size_t tried = 0; tried < partitions_.size(); ++tried) {
    const size_t index = turn_;
    turn_ = (turn_ + 1) % partitions_.size();
    Partition& part = partitions_[index];
    const size_t remaining = part.table->num_rows() - part.next_row;
    if (remaining == 0) continue;
    size_t rows = std::min(remaining, max_rows);
    // Keep the next morsel's first row on a 64-row boundary (zero-copy views)
    // unless this morsel takes the rest of the table.
    if (rows < remaining && rows >= kViewAlignmentRows && part.next_row % kViewAlignmentRows == 0) {
      rows -= rows % kViewAlignmentRows;
    }
    auto morsel = std::make_unique<MemoryMorsel>();
    morsel->first_row_ordinal = next_ordinal_;
    morsel->num_rows = rows;
    morsel->partition = static_cast<uint32_t>(index);
    morsel->first_row = part.next_row;
    part.next_row += rows;
    next_ordinal_ += rows;
    return morsel;
  }
  return nullptr;
}

void MemorySource::load(SourceMorsel& morsel, Batch& batch) const {
  const auto& memory_morsel = static_cast<const MemoryMorsel&>(morsel);
  const Batch& table = *partitions_.at(morsel.partition).table;
  const size_t first = memory_morsel.first_row;
  for (size_t c = 0; c < table.num_columns(); ++c) {
    const Column& source = table.column(c);
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
