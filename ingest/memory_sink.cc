#include "ingest/memory_sink.h"

#include "runtime/errors.h"

namespace weir {

void MemorySink::open(std::shared_ptr<const Schema> schema) {
  schema_ = std::move(schema);
  committed_.clear();
  pending_.clear();
}

void MemorySink::write(const Batch& batch) {
  WEIR_CHECK(schema_ != nullptr);
  Batch copy(schema_);
  const SelectionVector& selection = batch.selection();
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    const Column& source = batch.column(c);
    Column& target = copy.column(c);
    if (selection.size() == batch.num_rows()) {
      target.append_rows(source, 0, batch.num_rows());
    } else {
      for (size_t i = 0; i < selection.size(); ++i) target.append_rows(source, selection[i], 1);
    }
  }
  copy.set_num_rows(selection.size());
  pending_.push_back(std::move(copy));
}

void MemorySink::write_owned(Batch&& batch) {
  WEIR_CHECK(schema_ != nullptr);
  if (batch.selection().size() != batch.num_rows()) {
    write(batch);
    return;
  }
  pending_.push_back(std::move(batch));
}

void MemorySink::commit_epoch(uint64_t /*epoch*/) {
  for (Batch& batch : pending_) committed_.push_back(std::move(batch));
  pending_.clear();
}

void MemorySink::finish() { pending_.clear(); }

void MemorySink::abort() noexcept {
  committed_.clear();
  pending_.clear();
}

uint64_t MemorySink::num_rows() const {
  uint64_t rows = 0;
  for (const Batch& batch : committed_) rows += batch.num_rows();
  return rows;
}

}  // namespace weir
