#include "runtime/late_rows.h"

#include <string>

#include "runtime/saturating.h"
#include "runtime/timestamp.h"

namespace weir {
namespace {

void append_late_row(const Batch& batch, size_t row, const std::string& reason, Batch& late) {
  const size_t columns = batch.num_columns();
  for (size_t c = 0; c < columns; ++c) late.column(c).append_rows(batch.column(c), row, 1);
  late.column(columns).append_string(reason);
}

}  // namespace

std::unique_ptr<Batch> window_late_rows(const Batch& batch, const std::shared_ptr<const Schema>& schema,
                                        const TimeWindow& window, const int64_t* window_starts,
                                        const int64_t* max_before, int64_t delay, int64_t lateness,
                                        MemoryTracker* tracker) {
  auto late = std::make_unique<Batch>(schema, tracker);
  std::string reason;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    const int64_t watermark = saturating_subtract(max_before[row], delay);
    const int64_t start = window_starts[row];
    const int64_t end = window.end_of_window_starting(start);
    if (end > saturating_subtract(watermark, lateness)) continue;
    reason = window.tumbling() ? "window " : "newest window ";
    format_timestamp(start, reason);
    reason += "..";
    format_timestamp(end, reason);
    reason += " closed at watermark ";
    format_timestamp(watermark, reason);
    if (lateness > 0) reason += " (allowed lateness " + std::to_string(lateness) + " ms)";
    append_late_row(batch, row, reason, *late);
  }
  late->set_num_rows(late->column(batch.num_columns()).size());
  return late;
}

std::unique_ptr<Batch> session_late_rows(const Batch& batch, const std::shared_ptr<const Schema>& schema,
                                         const int64_t* times, const int64_t* max_before, int64_t delay,
                                         int64_t lateness, MemoryTracker* tracker) {
  auto late = std::make_unique<Batch>(schema, tracker);
  std::string reason;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    const int64_t watermark = saturating_subtract(max_before[row], delay);
    if (times[row] >= saturating_subtract(watermark, lateness)) continue;
    reason = "session: event time";
    if (lateness > 0) reason += " + allowed lateness " + std::to_string(lateness) + " ms";
    reason += " below watermark ";
    format_timestamp(watermark, reason);
    append_late_row(batch, row, reason, *late);
  }
  late->set_num_rows(late->column(batch.num_columns()).size());
  return late;
}

uint64_t drop_late_join_rows(const Batch& batch, const std::array<size_t, 2>& time_columns, const int64_t* max_before,
                             int64_t delay, std::array<SelectionVector, 2>& rows, std::vector<uint8_t>& flags) {
  flags.assign(batch.num_rows(), 0);
  for (size_t side = 0; side < 2; ++side) {
    const Column& time = batch.column(time_columns[side]);
    SelectionVector& selection = rows[side];
    size_t on_time = 0;
    for (size_t i = 0; i < selection.size(); ++i) {
      const uint32_t row = selection[i];
      const bool late = time.is_valid(row) && time.int64_data()[row] < saturating_subtract(max_before[row], delay);
      selection.data()[on_time] = row;
      on_time += late ? 0 : 1;
      flags[row] |= late ? 1 : 0;
    }
    selection.resize(on_time);
  }
  uint64_t late = 0;
  for (const uint8_t flag : flags) late += flag;
  return late;
}

}  // namespace weir
