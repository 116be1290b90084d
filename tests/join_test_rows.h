#pragma once

// Random two-input streams for the join tests: rows of a left (kind 0) and
// a right (kind 1) input, their table, and every pair the join must make.

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ingest/memory_sink.h"
#include "runtime/batch.h"
#include "runtime/stream_join.h"
#include "tests/memory_sink_lines.h"

namespace weir::testing {

struct JoinTestRow {
  int64_t kind = 0;  // 0: left input, 1: right input
  std::optional<int64_t> key;
  std::optional<int64_t> value;
  std::optional<double> real;
  std::string text;
  int64_t id = 0;  // the row's position
};

inline std::shared_ptr<Batch> join_rows_table(const std::vector<JoinTestRow>& rows) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"kind", DataType::Int64},
                                                                  {"key", DataType::Int64},
                                                                  {"value", DataType::Int64},
                                                                  {"real", DataType::Float64},
                                                                  {"text", DataType::String},
                                                                  {"id", DataType::Int64}});
  auto batch = std::make_shared<Batch>(schema);
  for (const JoinTestRow& row : rows) {
    batch->column(0).append_int64(row.kind);
    row.key ? batch->column(1).append_int64(*row.key) : batch->column(1).append_null();
    row.value ? batch->column(2).append_int64(*row.value) : batch->column(2).append_null();
    row.real ? batch->column(3).append_float64(*row.real) : batch->column(3).append_null();
    batch->column(4).append_string(row.text);
    batch->column(5).append_int64(row.id);
  }
  batch->set_num_rows(rows.size());
  return batch;
}

inline std::vector<JoinTestRow> random_join_rows(std::mt19937_64& random, size_t count) {
  std::vector<JoinTestRow> rows(count);
  for (size_t i = 0; i < count; ++i) {
    JoinTestRow& row = rows[i];
    row.kind = random() % 4 == 0 ? 0 : 1;
    if (random() % 12 != 0) row.key = static_cast<int64_t>(random() % 9);
    if (random() % 10 != 0) row.value = static_cast<int64_t>(random() % 15);
    if (random() % 10 != 0) row.real = static_cast<double>(random() % 5) - 2.0;
    row.text = std::string(random() % 40, static_cast<char>('a' + random() % 26));
    row.id = static_cast<int64_t>(i);
  }
  return rows;
}

// One joined row: the left row's key and id, the right row's id, value,
// real and text.
struct JoinTestPair {
  const JoinTestRow* left;
  const JoinTestRow* right;
};

// Every pair of a left and a right row with equal non-NULL keys, in the
// join's output order: by the later row's position, then the earlier's.
inline std::vector<JoinTestPair> reference_join_pairs(const std::vector<JoinTestRow>& rows) {
  std::vector<JoinTestPair> pairs;
  for (size_t later = 0; later < rows.size(); ++later) {
    for (size_t earlier = 0; earlier < later; ++earlier) {
      const JoinTestRow& a = rows[later];
      const JoinTestRow& b = rows[earlier];
      if (!a.key || !b.key || *a.key != *b.key || a.kind == b.kind) continue;
      pairs.push_back(a.kind == 0 ? JoinTestPair{&a, &b} : JoinTestPair{&b, &a});
    }
  }
  return pairs;
}

// One consume, combine and emit of `join` over every row of `table` (kind
// 0: left input, else right): the emitted rows, each as its cells (see
// sink_lines), and the count emit() returned.
struct EmittedPairs {
  std::vector<std::vector<std::string>> rows;
  uint64_t written = 0;
};
inline EmittedPairs emit_once(const StreamJoin& join, const std::vector<JoinTestRow>& rows, const Batch& table) {
  std::vector<uint32_t> left_rows;
  std::vector<uint32_t> right_rows;
  for (size_t r = 0; r < rows.size(); ++r) {
    (rows[r].kind == 0 ? left_rows : right_rows).push_back(static_cast<uint32_t>(r));
  }
  auto local = join.make_local_state(nullptr);
  auto global = join.make_global_state(nullptr);
  join.consume(table, left_rows.data(), left_rows.size(), right_rows.data(), right_rows.size(), *local);
  join.combine({local.get()}, *global, nullptr);
  MemorySink sink;
  sink.open(join.output_schema());
  EmittedPairs emitted;
  emitted.written = join.emit(*global, sink, nullptr);
  sink.commit_epoch(0);
  for (const std::string& line : sink_lines(sink)) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (size_t comma = line.find(','); comma != std::string::npos; comma = line.find(',', start)) {
      cells.push_back(line.substr(start, comma - start));
      start = comma + 1;
    }
    cells.push_back(line.substr(start));
    emitted.rows.push_back(std::move(cells));
  }
  return emitted;
}

}  // namespace weir::testing
