// TopRows (runtime/top_rows.h) and chained stages (PipelineBuilder::then)
// against scalar references on random data, under random triggers, morsel
// sizes and thread counts.

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/errors.h"
#include "runtime/pipeline_builder.h"
#include "tests/memory_sink_lines.h"

namespace weir {
namespace {

struct Row {
  int64_t ts = 0;
  std::optional<int64_t> part;
  std::optional<int64_t> value;
  std::optional<double> real;
  int64_t id = 0;  // the row's position
};

std::shared_ptr<Batch> table_of(const std::vector<Row>& rows) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"ts", DataType::Timestamp},
                                                                  {"part", DataType::Int64},
                                                                  {"value", DataType::Int64},
                                                                  {"real", DataType::Float64},
                                                                  {"id", DataType::Int64}});
  auto batch = std::make_shared<Batch>(schema);
  for (const Row& row : rows) {
    batch->column(0).append_int64(row.ts);
    row.part ? batch->column(1).append_int64(*row.part) : batch->column(1).append_null();
    row.value ? batch->column(2).append_int64(*row.value) : batch->column(2).append_null();
    row.real ? batch->column(3).append_float64(*row.real) : batch->column(3).append_null();
    batch->column(4).append_int64(row.id);
  }
  batch->set_num_rows(rows.size());
  return batch;
}

std::vector<std::string> lines_of(const MemorySink& sink) { return testing::sink_lines(sink); }

struct Case {
  std::optional<int64_t> size;  // none: no window
  int64_t slide = 0;
  int64_t delay = 0;
  bool by_part = false;
  bool real_first = false;  // order by real, then value; else value, then real
  bool descending = false;
  size_t limit = 1;
  bool with_ties = true;
};

// NULL last, then the value in the order's direction.
template <typename T>
std::pair<int, T> order_value(const std::optional<T>& value, bool descending) {
  if (!value) return {1, T{}};
  return {0, descending ? -*value : *value};
}

// The windows of t (tumbling or hopping), and whether the rows before it
// already closed each one (end <= running max - delay).
std::vector<std::string> reference(const std::vector<Row>& rows, const Case& c) {
  using Rank = std::tuple<std::pair<int, double>, std::pair<int, double>, int64_t>;
  // window start -> partition (NULL last) -> ranked rows
  std::map<int64_t, std::map<std::pair<int, int64_t>, std::vector<std::pair<Rank, const Row*>>>> windows;
  int64_t max_before = std::numeric_limits<int64_t>::min();
  for (const Row& row : rows) {
    std::vector<int64_t> starts;
    if (!c.size) {
      starts.push_back(std::numeric_limits<int64_t>::min());
    } else {
      const int64_t newest = row.ts - (((row.ts % c.slide) + c.slide) % c.slide);
      for (int64_t start = newest; start + *c.size > row.ts; start -= c.slide) {
        const bool closed = max_before != std::numeric_limits<int64_t>::min() && start + *c.size <= max_before - c.delay;
        if (!closed) starts.push_back(start);
      }
      max_before = std::max(max_before, row.ts);
    }
    const std::optional<double> value = row.value ? std::optional<double>(static_cast<double>(*row.value)) : std::nullopt;
    const auto first = c.real_first ? order_value(row.real, c.descending) : order_value(value, c.descending);
    const auto second = c.real_first ? order_value(value, c.descending) : order_value(row.real, c.descending);
    const std::pair<int, int64_t> part = !c.by_part ? std::pair<int, int64_t>{0, 0}
                                         : row.part    ? std::pair<int, int64_t>{0, *row.part}
                                                       : std::pair<int, int64_t>{1, 0};
    for (const int64_t start : starts) windows[start][part].push_back({{first, second, row.id}, &row});
  }
  std::vector<std::string> lines;
  for (auto& [start, partitions] : windows) {
    for (auto& [part, ranked] : partitions) {
      std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t i = 0; i < ranked.size(); ++i) {
        size_t rank = i + 1;
        if (c.with_ties) {
          rank = 1;
          while (rank - 1 < i && (std::get<0>(ranked[rank - 1].first) != std::get<0>(ranked[i].first) ||
                                  std::get<1>(ranked[rank - 1].first) != std::get<1>(ranked[i].first))) {
            ++rank;
          }
        }
        if (rank > c.limit) break;
        const Row& row = *ranked[i].second;
        std::string line = c.size ? std::to_string(start) + "," + std::to_string(start + *c.size) + "," : "";
        line += std::to_string(row.id) + "," + (row.value ? std::to_string(*row.value) : "NULL");
        lines.push_back(line);
      }
    }
  }
  return lines;
}

std::vector<Row> random_rows(std::mt19937_64& random, size_t count) {
  std::vector<Row> rows(count);
  for (size_t i = 0; i < count; ++i) {
    Row& row = rows[i];
    row.ts = static_cast<int64_t>(i) * 3 + static_cast<int64_t>(random() % 81) - 40 - 300;  // negative times too
    if (random() % 8 != 0) row.part = static_cast<int64_t>(random() % 5);
    if (random() % 10 != 0) row.value = static_cast<int64_t>(random() % 25);
    if (random() % 10 != 0) row.real = static_cast<double>(random() % 7) - 3.0;
    row.id = static_cast<int64_t>(i);
  }
  return rows;
}

TEST(TopRows, EqualsTheReferenceUnderEveryTriggerCutAndThreadCount) {
  std::mt19937_64 random(11);
#ifdef WEIR_EXTENDED_PROPERTY_TESTS
  const int cases = 400;
#else
  const int cases = 80;
#endif
  for (int n = 0; n < cases; ++n) {
    Case c;
    const int window = static_cast<int>(random() % 3);
    if (window == 1) {
      c.size = 50 + static_cast<int64_t>(random() % 100);
      c.slide = *c.size;
    } else if (window == 2) {
      c.size = 50 + static_cast<int64_t>(random() % 100);
      c.slide = 10 + static_cast<int64_t>(random() % static_cast<uint64_t>(*c.size - 9));
    }
    c.delay = static_cast<int64_t>(random() % 60);
    c.by_part = random() % 2 == 0;
    c.real_first = random() % 2 == 0;
    c.descending = random() % 2 == 0;
    c.limit = 1 + random() % 3;
    c.with_ties = random() % 2 == 0;
    const std::vector<Row> rows = random_rows(random, 200 + random() % 1500);
    const std::vector<std::string> expected = reference(rows, c);
    const auto table = table_of(rows);
    const size_t threads = 1 + random() % 3;
    const uint64_t rows_per_trigger = random() % 2 == 0 ? 0 : 1 + random() % 400;
    auto sink = std::make_unique<MemorySink>();
    const MemorySink* view = sink.get();
    PipelineBuilder builder;
    builder.source(std::make_unique<MemorySource>(table, "rows"));
    if (c.size) builder.event_time("ts", c.delay).hopping_window(*c.size, c.slide);
    const std::string direction = c.descending ? " DESC" : " ASC";
    std::vector<std::string> order = {"value" + direction, "real" + direction};
    if (c.real_first) std::swap(order[0], order[1]);
    builder.top_rows({c.by_part ? std::vector<std::string>{"part"} : std::vector<std::string>{}, order, c.limit,
                      c.with_ties, {"id", "value"}});
    builder.sink(std::move(sink));
    RunOptions options;
    options.threads = threads;
    options.morsel_rows = 1 + random() % 200;
    if (rows_per_trigger != 0) {
      options.trigger = {TriggerKind::ProcessingTime, 0};
      options.max_rows_per_trigger = rows_per_trigger;
    }
    const auto pipeline = builder.build();
    const RunSummary summary = pipeline->run(options);
    ASSERT_EQ(lines_of(*view), expected)
        << "case " << n << ": window " << window << " size " << c.size.value_or(0) << " slide " << c.slide
        << " delay " << c.delay << " by_part " << c.by_part << " real_first " << c.real_first << " desc "
        << c.descending << " limit " << c.limit << " ties " << c.with_ties << " threads " << threads
        << " rows/trigger " << rows_per_trigger << " morsel " << options.morsel_rows;
    EXPECT_EQ(summary.rows_out, expected.size());
  }
}

// Nexmark q5's shape: counts per key and hopping window, then per window the
// keys with the highest count, then a projection: three chained stages.
TEST(ChainedStages, WindowCountsThenTheirMaximumEqualTheReference) {
  std::mt19937_64 random(5);
  for (int n = 0; n < 30; ++n) {
    const int64_t size = 60 + static_cast<int64_t>(random() % 60);
    const int64_t slide = 20;
    const int64_t delay = static_cast<int64_t>(random() % 50);
    const std::vector<Row> rows = random_rows(random, 500 + random() % 1500);
    // Reference: on-time rows per window (as in reference()), counted per part.
    std::map<int64_t, std::map<std::pair<int, int64_t>, int64_t>> counts;
    int64_t max_before = std::numeric_limits<int64_t>::min();
    for (const Row& row : rows) {
      const int64_t newest = row.ts - (((row.ts % slide) + slide) % slide);
      for (int64_t start = newest; start + size > row.ts; start -= slide) {
        if (max_before != std::numeric_limits<int64_t>::min() && start + size <= max_before - delay) continue;
        counts[start][row.part ? std::pair<int, int64_t>{0, *row.part} : std::pair<int, int64_t>{1, 0}] += 1;
      }
      max_before = std::max(max_before, row.ts);
    }
    std::vector<std::string> expected;
    for (const auto& [start, per_part] : counts) {
      int64_t most = 0;
      for (const auto& [part, count] : per_part) most = std::max(most, count);
      for (const auto& [part, count] : per_part) {
        if (count == most) expected.push_back((part.first ? "NULL" : std::to_string(part.second)) + "," + std::to_string(count));
      }
    }
    const auto table = table_of(rows);
    for (const uint64_t rows_per_trigger : {uint64_t{0}, uint64_t{1 + random() % 300}}) {
      auto sink = std::make_unique<MemorySink>();
      const MemorySink* view = sink.get();
      PipelineBuilder builder;
      builder.source(std::make_unique<MemorySource>(table, "rows"))
          .event_time("ts", delay)
          .hopping_window(size, slide)
          .group_by({"part"})
          .aggregate("count(*) AS num")
          .then()
          .event_time("window_start", 0)
          .tumbling_window(slide)
          .top_rows({{}, {"num DESC"}, 1, true, {"part", "num"}})
          .then()
          .select("part")
          .select("num")
          .sink(std::move(sink));
      RunOptions options;
      options.threads = 1 + random() % 3;
      options.morsel_rows = 1 + random() % 100;
      if (rows_per_trigger != 0) {
        options.trigger = {TriggerKind::ProcessingTime, 0};
        options.max_rows_per_trigger = rows_per_trigger;
      }
      const auto pipeline = builder.build();
      const RunSummary summary = pipeline->run(options);
      // Within a window the top rows come in part order, NULL last, as the
      // reference's map orders them.
      ASSERT_EQ(lines_of(*view), expected) << "case " << n << " rows/trigger " << rows_per_trigger;
      EXPECT_EQ(summary.rows_read, rows.size());
      EXPECT_EQ(summary.rows_out, expected.size());
    }
  }
}

// Rows arriving in ascending order ranked DESC: every row ranks first for a
// while, so the worker's state must drop ranked-out rows as it goes (not
// only at the combine) for its memory to stay bounded; the result is the
// top `limit`.
TEST(TopRows, AscendingInputRankedDescendingKeepsOnlyTheTop) {
  std::vector<Row> rows(50'000);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].ts = static_cast<int64_t>(i);
    rows[i].part = static_cast<int64_t>(i % 3);
    rows[i].value = static_cast<int64_t>(i);
    rows[i].id = static_cast<int64_t>(i);
  }
  auto sink = std::make_unique<MemorySink>();
  const MemorySink* view = sink.get();
  PipelineBuilder builder;
  builder.source(std::make_unique<MemorySource>(table_of(rows), "rows"))
      .top_rows({{"part"}, {"value DESC"}, 2, false, {"part", "id"}})
      .sink(std::move(sink));
  RunOptions options;
  options.threads = 2;
  options.trigger = {TriggerKind::Once, 0};
  const auto pipeline = builder.build();
  pipeline->run(options);
  EXPECT_EQ(lines_of(*view), (std::vector<std::string>{"0,49998", "0,49995", "1,49999", "1,49996", "2,49997",
                                                       "2,49994"}));
}

std::string build_error(const std::function<void(PipelineBuilder&)>& define) {
  std::vector<Row> rows(1);
  PipelineBuilder builder;
  builder.source(std::make_unique<MemorySource>(table_of(rows), "rows"));
  define(builder);
  builder.sink(std::make_unique<MemorySink>());
  try {
    builder.build();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(TopRows, TheBuilderNamesTheFieldAtFault) {
  const TopRowsClause good{{"part"}, {"value DESC"}, 1, true, {"id"}};
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows(good); }), "");
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows({{}, {"nope"}, 1, true, {"id"}}); }).rfind("top.order_by[0]: unknown column 'nope'", 0), 0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows({{}, {"value SIDEWAYS"}, 1, true, {"id"}}); }).rfind("top.order_by[0]: expected", 0), 0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows({{"real"}, {"value"}, 1, true, {"id"}}); }).rfind("top: partition_by: 'real' is float64", 0), 0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows({{}, {"value"}, 0, true, {"id"}}); }).rfind("top: limit", 0), 0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows({{}, {"value"}, 1, true, {"id", "id"}}); }).rfind("top: columns: duplicate", 0), 0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows(good).aggregate("count(*)"); }).rfind("top: ", 0), 0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows(good).output_mode(OutputMode::Complete); }),
            "output_mode: complete output needs an aggregation; a top-N supports append output only (each "
            "window's rows are written once)");
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows({{}, {"value"}, 1, true, {"missing"}}); }).rfind("top.columns[0]: ", 0), 0u);
  // An earlier stage's error names its stage; a later stage sees the
  // earlier one's output columns.
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows({{}, {"nope"}, 1, true, {"id"}}).then().select("id"); })
                .rfind("stages[0]: top.order_by[0]: unknown column", 0),
            0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows(good).then().select("value"); }).rfind("select[0]: ", 0), 0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) { b.top_rows(good).then().select("id"); }), "");
  // An earlier stage writes append output; a stage after a select list or a
  // join cannot set event time (its input's order depends on the cut).
  EXPECT_EQ(build_error([&](PipelineBuilder& b) {
              b.output_mode(OutputMode::Update).group_by({"part"}).aggregate("count(*) AS n").then().select("n");
            }).rfind("stages[0].output_mode: ", 0),
            0u);
  EXPECT_EQ(build_error([&](PipelineBuilder& b) {
              b.select("ts").select("id").then().event_time("ts", 0).tumbling_window(10).aggregate("count(*)");
            }).rfind("event_time: a stage after a select list", 0),
            0u);
}

}  // namespace
}  // namespace weir
