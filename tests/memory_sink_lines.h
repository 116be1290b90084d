#pragma once

#include <string>
#include <vector>

#include "ingest/memory_sink.h"

namespace weir::testing {

// One cell as text: NULL, the string itself, a float64 through
// std::to_string, or the int64-backed value.
inline std::string cell_text(const Column& column, size_t row) {
  if (!column.is_valid(row)) return "NULL";
  if (column.type() == DataType::Float64) return std::to_string(column.float64_data()[row]);
  if (column.type() == DataType::String) return std::string(column.string_at(row));
  return std::to_string(column.int64_data()[row]);
}

// Every row a MemorySink committed, cells joined by commas, in order.
inline std::vector<std::string> sink_lines(const MemorySink& sink) {
  std::vector<std::string> lines;
  for (const Batch& batch : sink.batches()) {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      std::string line;
      for (size_t c = 0; c < batch.num_columns(); ++c) line += (c > 0 ? "," : "") + cell_text(batch.column(c), r);
      lines.push_back(line);
    }
  }
  return lines;
}

}  // namespace weir::testing
