// StreamJoin against a nested-loop reference on random streams: every pair
// of rows with equal non-NULL keys, ordered by (later ordinal, earlier
// ordinal, left first), whatever the epoch cuts, morsel sizes, number of
// workers and the order in which the workers consume morsels.
#include "runtime/stream_join.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/pipeline_builder.h"
#include "tests/memory_sink_lines.h"
#include "runtime/errors.h"

namespace weir {
namespace {

// kind: 0 left input, 1 right, 2 both, 3 neither.
struct Row {
  int64_t kind;
  std::optional<int64_t> key;
  std::string name;
  int64_t value;
  std::optional<int64_t> ts;  // event time, for window joins
};

std::shared_ptr<const Schema> input_schema() {
  static const auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"kind", DataType::Int64}, {"key", DataType::Int64}, {"name", DataType::String},
                         {"value", DataType::Int64}, {"ts", DataType::Timestamp}});
  return schema;
}

// Window joins and distinct inputs (none by default).
struct JoinOptions {
  std::optional<int64_t> window;
  bool left_distinct = false;
  bool right_distinct = false;
};

StreamJoinSpec join_spec(const JoinOptions& options = {}) {
  StreamJoinSpec spec;
  spec.window_millis = options.window;
  spec.left_time_column = 4;
  spec.right_time_column = 4;
  spec.left_distinct = options.left_distinct;
  spec.right_distinct = options.right_distinct;
  spec.left_key_column = 1;
  spec.right_key_column = 1;
  spec.left_columns = {1, 2};
  spec.left_names = {"left_key", "left_name"};
  spec.right_columns = {3, 2, 0};
  spec.right_names = {"right_value", "right_name", "right_kind"};
  return spec;
}

Batch batch_of(const std::vector<Row>& rows, size_t begin, size_t end) {
  Batch batch(input_schema());
  for (size_t i = begin; i < end; ++i) {
    batch.column(0).append_int64(rows[i].kind);
    rows[i].key ? batch.column(1).append_int64(*rows[i].key) : batch.column(1).append_null();
    batch.column(2).append_string(rows[i].name);
    batch.column(3).append_int64(rows[i].value);
    rows[i].ts ? batch.column(4).append_int64(*rows[i].ts) : batch.column(4).append_null();
  }
  batch.set_num_rows(end - begin);
  batch.first_row_ordinal = begin;
  return batch;
}

std::string left_text(const Row& row) { return (row.key ? std::to_string(*row.key) : "NULL") + "," + row.name; }
std::string right_text(const Row& row) {
  return std::to_string(row.value) + "," + row.name + "," + std::to_string(row.kind);
}

// floor(t / size) * size.
int64_t window_of(int64_t t, int64_t size) { return t - ((t % size) + size) % size; }

std::vector<std::string> reference(const std::vector<Row>& rows, const JoinOptions& options = {}) {
  // Each input's rows (in stream order) with their key and window; a
  // distinct input keeps the first row of each.
  auto input = [&](bool left) {
    std::vector<std::tuple<size_t, int64_t, int64_t>> kept;  // row, key, window
    std::set<std::pair<int64_t, int64_t>> seen;
    for (size_t i = 0; i < rows.size(); ++i) {
      const int64_t kind = rows[i].kind;
      if (left ? (kind != 0 && kind != 2) : (kind != 1 && kind != 2)) continue;
      if (!rows[i].key || (options.window && !rows[i].ts)) continue;
      const int64_t window = options.window ? window_of(*rows[i].ts, *options.window) : 0;
      if ((left ? options.left_distinct : options.right_distinct) && !seen.insert({*rows[i].key, window}).second) {
        continue;
      }
      kept.emplace_back(i, *rows[i].key, window);
    }
    return kept;
  };
  std::vector<std::tuple<size_t, size_t, int, std::string>> pairs;
  for (const auto& [l, left_key, left_window] : input(true)) {
    for (const auto& [r, right_key, right_window] : input(false)) {
      if (left_key != right_key || left_window != right_window) continue;
      const int later_side = l > r ? 0 : 1;  // a row paired with itself: as the right input
      std::string text;
      if (options.window) {
        text = std::to_string(left_window) + "," + std::to_string(left_window + *options.window) + ",";
      }
      pairs.emplace_back(std::max(l, r), std::min(l, r), later_side,
                         text + left_text(rows[l]) + "," + right_text(rows[r]));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<std::string> lines;
  for (const auto& pair : pairs) lines.push_back(std::get<3>(pair));
  return lines;
}

std::vector<std::string> lines_of(const MemorySink& sink) { return testing::sink_lines(sink); }

// Runs body(0..count-1) on two threads, each taking every other index.
void two_thread_parallel_for(size_t count, const std::function<void(size_t)>& body) {
  std::thread other([&] {
    for (size_t i = 1; i < count; i += 2) body(i);
  });
  for (size_t i = 0; i < count; i += 2) body(i);
  other.join();
}

// Feeds `rows` through the join in random epochs and morsels, consumed by
// `workers` local states in a random order; returns the output lines.
std::vector<std::string> run_join(const std::vector<Row>& rows, size_t workers, std::mt19937_64& random,
                                  uint64_t* state_rows, const JoinOptions& options = {}) {
  const StreamJoin join(input_schema(), join_spec(options));
  auto global = join.make_global_state(nullptr);
  std::vector<std::unique_ptr<StreamJoin::LocalState>> locals;
  std::vector<StreamJoin::LocalState*> local_views;
  for (size_t w = 0; w < workers; ++w) {
    locals.push_back(join.make_local_state(nullptr));
    local_views.push_back(locals.back().get());
  }
  MemorySink sink;
  sink.open(join.output_schema());
  size_t begin = 0;
  uint64_t epoch = 0;
  uint64_t written = 0;
  while (begin < rows.size() || epoch == 0) {
    const size_t end = std::min(rows.size(), begin + static_cast<size_t>(random() % 120));
    // Cut the epoch into morsels, consumed in a random order by random workers.
    std::vector<std::pair<size_t, size_t>> morsels;
    for (size_t m = begin; m < end;) {
      const size_t m_end = std::min(end, m + 1 + static_cast<size_t>(random() % 40));
      morsels.emplace_back(m, m_end);
      m = m_end;
    }
    std::shuffle(morsels.begin(), morsels.end(), random);
    for (const auto& [m_begin, m_end] : morsels) {
      const Batch batch = batch_of(rows, m_begin, m_end);
      std::vector<uint32_t> left, right;
      for (size_t i = m_begin; i < m_end; ++i) {
        const auto row = static_cast<uint32_t>(i - m_begin);
        if (rows[i].kind == 0 || rows[i].kind == 2) left.push_back(row);
        if (rows[i].kind == 1 || rows[i].kind == 2) right.push_back(row);
      }
      join.consume(batch, left.data(), left.size(), right.data(), right.size(), *locals[random() % workers]);
    }
    join.combine(local_views, *global, random() % 2 == 0 ? ParallelFor() : ParallelFor(two_thread_parallel_for));
    written += join.emit(*global, sink, nullptr);
    sink.commit_epoch(epoch++);
    begin = end;
  }
  sink.finish();
  EXPECT_EQ(written, sink.num_rows());
  *state_rows = StreamJoin::state_rows(*global);
  return lines_of(sink);
}

TEST(StreamJoin, EqualsTheNestedLoopReferenceUnderEveryCutAndWorkerCount) {
  std::mt19937_64 random(2026);
  for (int trial = 0; trial < 150; ++trial) {
    const size_t n = random() % 400;
    const int64_t key_domain = 1 + static_cast<int64_t>(random() % 30);
    std::vector<Row> rows(n);
    uint64_t keyed_rows = 0;  // rows kept as state: in an input, with a key
    for (size_t i = 0; i < n; ++i) {
      rows[i].kind = static_cast<int64_t>(random() % 4);
      if (random() % 10 != 0) rows[i].key = static_cast<int64_t>(random() % key_domain) - 3;
      rows[i].name = std::string(random() % 4, static_cast<char>('a' + random() % 26));
      rows[i].value = static_cast<int64_t>(random() % 1000);
      if (rows[i].key && rows[i].kind != 3) keyed_rows += rows[i].kind == 2 ? 2 : 1;
    }
    const std::vector<std::string> expected = reference(rows);
    for (size_t workers : {1, 3}) {
      uint64_t state_rows = 0;
      EXPECT_EQ(run_join(rows, workers, random, &state_rows), expected) << "trial " << trial << ", workers " << workers;
      EXPECT_EQ(state_rows, keyed_rows);
    }
  }
}

TEST(StreamJoin, WindowJoinsAndDistinctInputsEqualTheReference) {
  std::mt19937_64 random(2027);
  for (int trial = 0; trial < 150; ++trial) {
    const size_t n = random() % 300;
    const int64_t key_domain = 1 + static_cast<int64_t>(random() % 12);
    JoinOptions options;
    if (random() % 4 != 0) options.window = 1 + static_cast<int64_t>(random() % 40);
    options.left_distinct = random() % 2 == 0;
    options.right_distinct = random() % 2 == 0;
    std::vector<Row> rows(n);
    for (Row& row : rows) {
      row.kind = static_cast<int64_t>(random() % 4);
      if (random() % 10 != 0) row.key = static_cast<int64_t>(random() % key_domain);
      row.name = std::string(random() % 3, static_cast<char>('a' + random() % 26));
      row.value = static_cast<int64_t>(random() % 1000);
      if (random() % 12 != 0) row.ts = static_cast<int64_t>(random() % 200) - 60;  // negative times too
    }
    const std::vector<std::string> expected = reference(rows, options);
    for (size_t workers : {1, 2}) {
      uint64_t state_rows = 0;
      EXPECT_EQ(run_join(rows, workers, random, &state_rows, options), expected)
          << "trial " << trial << ", workers " << workers << ", window " << options.window.value_or(0)
          << ", distinct " << options.left_distinct << options.right_distinct;
    }
  }
}

TEST(StreamJoin, ARowInBothInputsJoinsItself) {
  std::vector<Row> rows = {{2, 7, "x", 1}, {0, 7, "l", 2}, {1, 7, "r", 3}};
  std::mt19937_64 random(1);
  uint64_t state_rows = 0;
  // x with itself; l (later) with x as right; r (later) with x and l as left.
  const std::vector<std::string> expected = {"7,x,1,x,2", "7,l,1,x,2", "7,x,3,r,1", "7,l,3,r,1"};
  EXPECT_EQ(reference(rows), expected);
  EXPECT_EQ(run_join(rows, 2, random, &state_rows), expected);
}

TEST(StreamJoin, RefusesNonIntegerKeysAndDuplicateOutputNames) {
  StreamJoinSpec spec = join_spec();
  spec.left_key_column = 2;  // a string
  EXPECT_THROW(StreamJoin(input_schema(), spec), ConfigError);
  spec = join_spec();
  spec.right_names[1] = "left_name";
  EXPECT_THROW(StreamJoin(input_schema(), spec), ConfigError);
  spec = join_spec();
  spec.left_columns.clear();
  spec.left_names.clear();
  spec.right_columns.clear();
  spec.right_names.clear();
  EXPECT_THROW(StreamJoin(input_schema(), spec), ConfigError);
}

std::string build_error(const std::function<void(PipelineBuilder&)>& define) {
  PipelineBuilder builder;
  builder.source(std::make_unique<MemorySource>(std::make_shared<Batch>(input_schema()), "rows"))
      .sink(std::make_unique<MemorySink>());
  define(builder);
  try {
    builder.build();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(StreamJoin, TheBuilderNamesTheFieldAtFault) {
  const JoinInput left{"kind = 0", "key", {"name AS left_name"}};
  const JoinInput right{"kind = 1", "key", {"value"}};
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.join(left, right); }), "");
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.join(left, {"kind = 1", "missing", {"value"}}); }),
            "join.right.key: unknown column 'missing' (columns: kind, key, name, value, ts)");
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.join(left, {"kind = 1", "key", {"value + 1 AS v"}}); }),
            "join.right.columns[0]: expected a column of the source (\"column\" or \"column AS name\")");
  EXPECT_NE(build_error([&](PipelineBuilder& b) { b.join({"kind = ", "key", {"name"}}, right); }).find("join.left.where: "),
            std::string::npos);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.join({"", "name", {"name"}}, right); }),
            "join: left join key name: expected an int64 or timestamp column, got string");
  EXPECT_NE(build_error([&](PipelineBuilder& b) { b.join(left, right).aggregate("count(*)"); }).find("join: "),
            std::string::npos);
  EXPECT_NE(build_error([&](PipelineBuilder& b) { b.join(left, right).select("name"); }).find("join: "),
            std::string::npos);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.join(left, right).output_mode(OutputMode::Complete); }),
            "output_mode: complete output needs an aggregation; a join supports append output only (each pair is "
            "written once)");
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.join(left, right).output_mode(OutputMode::Update); }),
            "output_mode: a join supports append output only (each pair is written once)");
  // A top-N in the join's own stage would be ignored: refused (it belongs in the next stage).
  EXPECT_NE(build_error([&](PipelineBuilder& b) { b.join(left, right).top_rows({{}, {"value DESC"}, 1, true, {"value"}}); })
                .find("join: "),
            std::string::npos);
}

TEST(StreamJoin, APipelineJoinsTheSameUnderEveryTriggerAndThreadCount) {
  std::mt19937_64 random(7);
  std::vector<Row> rows(3'000);
  for (Row& row : rows) {
    row.kind = static_cast<int64_t>(random() % 4);
    if (random() % 10 != 0) row.key = static_cast<int64_t>(random() % 200);
    row.name = std::string(1 + random() % 3, static_cast<char>('a' + random() % 26));
    row.value = static_cast<int64_t>(random() % 1000);
  }
  const std::vector<std::string> expected = reference(rows);
  auto table = std::make_shared<Batch>(batch_of(rows, 0, rows.size()));
  for (size_t threads : {1, 2}) {
    for (uint64_t rows_per_trigger : {uint64_t{0}, uint64_t{1'000}, uint64_t{250}}) {
      auto sink = std::make_unique<MemorySink>();
      const MemorySink* view = sink.get();
      PipelineBuilder builder;
      builder.source(std::make_unique<MemorySource>(table, "rows"))
          .join({"kind = 0 OR kind = 2", "key", {"key AS left_key", "name AS left_name"}},
                {"kind = 1 OR kind = 2", "key", {"value AS right_value", "name AS right_name", "kind AS right_kind"}})
          .sink(std::move(sink));
      RunOptions options;
      options.threads = threads;
      options.morsel_rows = 97;
      if (rows_per_trigger != 0) {
        options.trigger = {TriggerKind::ProcessingTime, 0};
        options.max_rows_per_trigger = rows_per_trigger;
      }
      const auto pipeline = builder.build();  // owns the sink
      const RunSummary summary = pipeline->run(options);
      EXPECT_EQ(lines_of(*view), expected) << "threads " << threads << ", rows per trigger " << rows_per_trigger;
      EXPECT_EQ(summary.rows_out, expected.size());
    }
  }
}

}  // namespace
}  // namespace weir

namespace weir {
namespace {

// Interval joins: kind 0 left, 1 right, 2 both, 3 neither; the left input
// spans [ts, until], the right [ts, ts]; event time ts, watermark delay
// `delay`. A row is late for its input when its ts is below the watermark
// of the rows before it (their greatest ts - delay).
struct TimedRow {
  int64_t kind;
  std::optional<int64_t> key;
  int64_t ts;
  std::optional<int64_t> until;
};

std::shared_ptr<Batch> timed_table(const std::vector<TimedRow>& rows) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"kind", DataType::Int64},
                                                                  {"key", DataType::Int64},
                                                                  {"ts", DataType::Timestamp},
                                                                  {"until", DataType::Timestamp},
                                                                  {"id", DataType::Int64}});
  auto batch = std::make_shared<Batch>(schema);
  for (size_t i = 0; i < rows.size(); ++i) {
    batch->column(0).append_int64(rows[i].kind);
    rows[i].key ? batch->column(1).append_int64(*rows[i].key) : batch->column(1).append_null();
    batch->column(2).append_int64(rows[i].ts);
    rows[i].until ? batch->column(3).append_int64(*rows[i].until) : batch->column(3).append_null();
    batch->column(4).append_int64(static_cast<int64_t>(i));
  }
  batch->set_num_rows(rows.size());
  return batch;
}

std::vector<std::string> interval_reference(const std::vector<TimedRow>& rows, int64_t delay, uint64_t* late) {
  std::map<int64_t, std::vector<size_t>> left, right;  // key -> on-time rows
  int64_t max_before = std::numeric_limits<int64_t>::min();
  *late = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const TimedRow& row = rows[i];
    const bool is_late = max_before != std::numeric_limits<int64_t>::min() && row.ts < max_before - delay;
    max_before = std::max(max_before, row.ts);
    const bool in_left = row.kind == 0 || row.kind == 2;
    const bool in_right = row.kind == 1 || row.kind == 2;
    if (is_late && (in_left || in_right)) ++*late;
    if (is_late || !row.key) continue;
    if (in_left && row.until) left[*row.key].push_back(i);
    if (in_right) right[*row.key].push_back(i);
  }
  std::vector<std::tuple<size_t, size_t, int, std::string>> pairs;
  for (const auto& [key, lefts] : left) {
    const auto found = right.find(key);
    if (found == right.end()) continue;
    for (const size_t l : lefts) {
      for (const size_t r : found->second) {
        if (rows[r].ts < rows[l].ts || rows[r].ts > *rows[l].until) continue;
        pairs.emplace_back(std::max(l, r), std::min(l, r), l > r ? 0 : 1,
                           std::to_string(l) + "," + std::to_string(r));
      }
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<std::string> lines;
  for (const auto& pair : pairs) lines.push_back(std::get<3>(pair));
  return lines;
}

TEST(StreamJoin, IntervalJoinsEqualTheReferenceAndForgetExpiredRows) {
  std::mt19937_64 random(3);
  for (int n = 0; n < 12; ++n) {
    // Two large cases, so that every partition's state is compacted.
    const size_t count = n < 2 ? 60'000 : 200 + random() % 3'000;
    const int64_t delay = static_cast<int64_t>(random() % 40);
    std::vector<TimedRow> rows(count);
    for (size_t i = 0; i < count; ++i) {
      TimedRow& row = rows[i];
      row.kind = static_cast<int64_t>(random() % 4);
      if (random() % 20 != 0) row.key = static_cast<int64_t>(random() % (count / 20 + 5));
      row.ts = static_cast<int64_t>(i) + static_cast<int64_t>(random() % 60) - 30;
      if (random() % 20 != 0) row.until = row.ts + static_cast<int64_t>(random() % 200) - 20;
    }
    uint64_t expected_late = 0;
    const std::vector<std::string> expected = interval_reference(rows, delay, &expected_late);
    const auto table = timed_table(rows);
    for (const uint64_t rows_per_trigger : {uint64_t{0}, uint64_t{1 + random() % 5'000}}) {
      auto sink = std::make_unique<MemorySink>();
      const MemorySink* view = sink.get();
      PipelineBuilder builder;
      builder.source(std::make_unique<MemorySource>(table, "rows"))
          .event_time("ts", delay)
          .join({"kind = 0 OR kind = 2", "key", {"id AS left_id"}, "ts", false, "until"},
                {"kind = 1 OR kind = 2", "key", {"id AS right_id"}, "ts"})
          .sink(std::move(sink));
      RunOptions options;
      options.threads = 1 + random() % 2;
      options.morsel_rows = 1 + random() % 500;
      if (rows_per_trigger != 0) {
        options.trigger = {TriggerKind::ProcessingTime, 0};
        options.max_rows_per_trigger = rows_per_trigger;
      }
      const auto pipeline = builder.build();  // owns the sink
      const RunSummary summary = pipeline->run(options);
      ASSERT_EQ(lines_of(*view), expected) << "case " << n << " rows/trigger " << rows_per_trigger;
      EXPECT_EQ(summary.rows_late, expected_late) << "case " << n;
    }
  }
}

TEST(StreamJoin, ExpireForgetsRowsWhoseIntervalEndedBelowTheWatermark) {
  StreamJoinSpec spec = join_spec();
  spec.interval = true;
  spec.left_time_column = 4;
  spec.right_time_column = 4;
  const StreamJoin join(input_schema(), spec);
  auto global = join.make_global_state(nullptr);
  auto local = join.make_local_state(nullptr);
  std::vector<Row> rows(80'000);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i] = {static_cast<int64_t>(i % 2), static_cast<int64_t>(i % 5'000), "n", 1, static_cast<int64_t>(i)};
  }
  const Batch batch = batch_of(rows, 0, rows.size());
  std::vector<uint32_t> left, right;
  for (uint32_t i = 0; i < rows.size(); ++i) (i % 2 == 0 ? left : right).push_back(i);
  join.consume(batch, left.data(), left.size(), right.data(), right.size(), *local);
  join.combine({local.get()}, *global, nullptr);
  EXPECT_EQ(StreamJoin::state_rows(*global), rows.size());
  join.expire(*global, 60'000, nullptr);  // rows with ts < 60,000 ended
  EXPECT_EQ(StreamJoin::state_rows(*global), 20'000u);
  // A point interval [t, t] matches only equal times: no pairs here (the
  // left rows have even times, the right odd).
  MemorySink sink;
  sink.open(join.output_schema());
  EXPECT_EQ(join.emit(*global, sink, nullptr), 0u);
}

}  // namespace
}  // namespace weir
