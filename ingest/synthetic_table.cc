#include "ingest/synthetic_table.h"

#include <oneapi/tbb/parallel_for.h>

#include <string>
#include <vector>

#include "runtime/errors.h"

namespace weir {

std::shared_ptr<const Batch> make_synthetic_table(const SyntheticTableOptions& options) {
  if (options.rows > (uint64_t{1} << 31)) {
    throw ConfigError("rows: at most 2147483648 (the formulas would overflow int64)");
  }
  if (options.keys == 0 || options.keys > (uint64_t{1} << 40)) {
    throw ConfigError("keys: must be between 1 and 2^40");
  }
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"ts", DataType::Timestamp}, {"k", DataType::Int64}, {"v", DataType::Int64}});
  auto table = std::make_shared<Batch>(schema);
  const size_t rows = static_cast<size_t>(options.rows);
  for (size_t c = 0; c < 3; ++c) table->column(c).resize_fixed(rows);
  int64_t* ts = table->column(0).int64_data();
  int64_t* k = table->column(1).int64_data();
  int64_t* v = table->column(2).int64_data();
  const int64_t keys = static_cast<int64_t>(options.keys);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, rows, 1 << 16), [&](const tbb::blocked_range<size_t>& range) {
    for (size_t row = range.begin(); row < range.end(); ++row) {
      const int64_t i = static_cast<int64_t>(row);
      ts[row] = 1767225600000 + i / 100 - (i * 7919) % 4000;
      k[row] = (i * 2654435761) % keys;
      v[row] = (i * 1103515245 + 12345) % 1000000007 - 500000000;
    }
  });
  table->set_num_rows(rows);
  return table;
}

}  // namespace weir
