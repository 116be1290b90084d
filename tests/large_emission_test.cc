// Results with more rows than one emission chunk (256K rows, built in
// cache-sized pieces of 2K, on several workers): a group-by with int64 keys
// (direct indexing; dense ones emitted by walking the direct array), with
// string keys (hash table), and session windows,
// each equal to a row-at-a-time reference on 1 and 2 threads, whole or in
// micro-batches.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "ingest/csv_sink.h"
#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/pipeline_builder.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

struct Event {
  int64_t ts;
  int64_t key;
  int64_t value;
};

std::vector<Event> random_events(size_t count, int64_t keys, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<Event> events(count);
  int64_t ts = 1767225600000;
  for (Event& e : events) {
    ts += static_cast<int64_t>(random() % 3);
    e.ts = ts;
    e.key = static_cast<int64_t>(random() % static_cast<uint64_t>(keys)) * 7 - 1000;
    e.value = static_cast<int64_t>(random() % 2001) - 1000;
  }
  return events;
}

std::shared_ptr<const Batch> table_of(const std::vector<Event>& events) {
  auto table = std::make_shared<Batch>(std::make_shared<const Schema>(std::vector<Field>{
      {"ts", DataType::Timestamp}, {"k", DataType::Int64}, {"ks", DataType::String}, {"v", DataType::Int64}}));
  for (const Event& e : events) {
    table->column(0).append_int64(e.ts);
    table->column(1).append_int64(e.key);
    table->column(2).append_string("key-" + std::to_string(e.key));
    table->column(3).append_int64(e.value);
  }
  table->set_num_rows(events.size());
  return table;
}

std::string cell(const Column& column, size_t row) {
  if (column.type() == DataType::String) return std::string(column.string_at(row));
  return std::to_string(column.int64_data()[row]);
}

std::vector<std::string> run(const std::shared_ptr<const Batch>& table, PipelineBuilder& builder, size_t threads,
                             uint64_t rows_per_trigger) {
  auto sink = std::make_unique<MemorySink>();
  MemorySink* sink_view = sink.get();
  builder.source(std::make_unique<MemorySource>(table, "events")).sink(std::move(sink));
  const auto pipeline = builder.build();
  RunOptions options;
  options.threads = threads;
  if (rows_per_trigger != 0) {
    options.trigger = {TriggerKind::ProcessingTime, 0};
    options.max_rows_per_trigger = rows_per_trigger;
  }
  const RunSummary summary = pipeline->run(options);
  EXPECT_EQ(summary.rows_late, 0u);
  std::vector<std::string> lines;
  for (const Batch& batch : sink_view->batches()) {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      std::string line;
      for (size_t c = 0; c < batch.num_columns(); ++c) line += (c > 0 ? "," : "") + cell(batch.column(c), r);
      lines.push_back(line);
    }
  }
  return lines;
}

struct Totals {
  int64_t count = 0;
  int64_t sum = 0;
  int64_t max = 0;
  void add(int64_t v) {
    max = count == 0 ? v : std::max(max, v);
    ++count;
    sum += v;
  }
  std::string text() const { return std::to_string(count) + "," + std::to_string(sum) + "," + std::to_string(max); }
};

TEST(LargeEmission, GroupByWithManyInt64AndStringKeysEqualsTheReference) {
  const std::vector<Event> events = random_events(400'000, 150'000, 11);
  const auto table = table_of(events);
  std::map<int64_t, Totals> by_key;
  std::map<std::string, Totals> by_string;
  for (const Event& e : events) {
    by_key[e.key].add(e.value);
    by_string["key-" + std::to_string(e.key)].add(e.value);
  }
  std::vector<std::string> expected_int, expected_string;
  for (const auto& [key, totals] : by_key) expected_int.push_back(std::to_string(key) + "," + totals.text());
  for (const auto& [key, totals] : by_string) expected_string.push_back(key + "," + totals.text());
  ASSERT_GT(expected_int.size(), 100'000u);

  for (size_t threads : {1, 2}) {
    for (const char* key : {"k", "ks"}) {
      PipelineBuilder builder;
      builder.group_by({key}).aggregate("count(*) AS n").aggregate("sum(v) AS total").aggregate("max(v) AS high");
      const std::vector<std::string> lines = run(table, builder, threads, 0);
      EXPECT_EQ(lines, std::string(key) == "k" ? expected_int : expected_string) << key << ", threads " << threads;
    }
  }
}

TEST(LargeEmission, CsvOutputFormattedOnTheWorkersEqualsTheReference) {
  // Chunks built on the workers are formatted there too (Sink::encode) and
  // written in order: the file holds the reference's rows, in key order.
  const std::vector<Event> events = random_events(600'000, 500'000, 12);
  const auto table = table_of(events);
  std::map<int64_t, Totals> by_key;
  for (const Event& e : events) by_key[e.key].add(e.value);
  ASSERT_GT(by_key.size(), 300'000u);  // more than one chunk of 256K rows
  std::string expected = "k,n,total,high\n";
  for (const auto& [key, totals] : by_key) expected += std::to_string(key) + "," + totals.text() + "\n";
  testing::TestDirectory directory;
  for (size_t threads : {1, 2}) {
    const std::string path = directory.file("out-" + std::to_string(threads) + ".csv");
    PipelineBuilder builder;
    builder.group_by({"k"}).aggregate("count(*) AS n").aggregate("sum(v) AS total").aggregate("max(v) AS high");
    builder.source(std::make_unique<MemorySource>(table, "events")).sink(std::make_unique<CsvSink>(CsvSinkOptions{path}));
    RunOptions options;
    options.threads = threads;
    builder.build()->run(options);
    const std::string text = testing::read_file_text(path);
    // The first difference, not a diff of megabytes.
    const auto [mismatch, unused] = std::mismatch(text.begin(), text.end(), expected.begin(), expected.end());
    const size_t at = static_cast<size_t>(mismatch - text.begin());
    EXPECT_TRUE(text == expected) << "threads " << threads << ": " << text.size() << " bytes, expected "
                                  << expected.size() << "; first difference at byte " << at << ": '"
                                  << text.substr(at, 40) << "' instead of '" << expected.substr(at, 40) << "'";
  }
}

TEST(LargeEmission, DenseInt64KeysWithAndWithoutANullKeyEqualTheReference) {
  // 300,000 dense keys (more than one emission chunk of 256K rows, and
  // dense enough to be emitted by walking the direct array), with or
  // without rows of a NULL key (emitted last). (A key column with NULLs is
  // direct-indexed only after the 2-thread combine.)
  constexpr int64_t kKeys = 300'000;
  for (const bool with_nulls : {false, true}) {
    std::mt19937_64 random(13);
    auto table = std::make_shared<Batch>(
        std::make_shared<const Schema>(std::vector<Field>{{"k", DataType::Int64}, {"v", DataType::Int64}}));
    std::map<int64_t, Totals> by_key;
    Totals null_key;
    for (size_t i = 0; i < 900'000; ++i) {
      const int64_t value = static_cast<int64_t>(random() % 2001) - 1000;
      if (with_nulls && random() % 97 == 0) {
        table->column(0).append_null();
        null_key.add(value);
      } else {
        const int64_t key = static_cast<int64_t>(random() % kKeys) - 5'000;
        table->column(0).append_int64(key);
        by_key[key].add(value);
      }
      table->column(1).append_int64(value);
    }
    table->set_num_rows(900'000);
    std::vector<std::string> expected;
    for (const auto& [key, totals] : by_key) expected.push_back(std::to_string(key) + "," + totals.text());
    if (with_nulls) expected.push_back("NULL," + null_key.text());
    ASSERT_GT(expected.size(), 280'000u);

    for (size_t threads : {1, 2}) {
      PipelineBuilder builder;
      builder.group_by({"k"}).aggregate("count(*) AS n").aggregate("sum(v) AS total").aggregate("max(v) AS high");
      auto sink = std::make_unique<MemorySink>();
      MemorySink* sink_view = sink.get();
      builder.source(std::make_unique<MemorySource>(table, "events")).sink(std::move(sink));
      RunOptions options;
      options.threads = threads;
      const auto pipeline = builder.build();  // owns the sink
      pipeline->run(options);
      std::vector<std::string> lines;
      for (const Batch& batch : sink_view->batches()) {
        for (size_t r = 0; r < batch.num_rows(); ++r) {
          std::string line = batch.column(0).is_valid(r) ? std::to_string(batch.column(0).int64_data()[r]) : "NULL";
          for (size_t c = 1; c < batch.num_columns(); ++c) line += "," + cell(batch.column(c), r);
          lines.push_back(line);
        }
      }
      ASSERT_EQ(lines.size(), expected.size()) << "threads " << threads << ", NULLs " << with_nulls;
      for (size_t i = 0; i < lines.size(); ++i) {
        ASSERT_EQ(lines[i], expected[i]) << "row " << i << ", threads " << threads << ", NULLs " << with_nulls;
      }
    }
  }
}

TEST(LargeEmission, ManySessionsEqualTheReference) {
  // 300,000 events over 90,000 keys in about 300 s of event time, gap 1 s:
  // most sessions hold one or two rows, so there are far more than 64K.
  const std::vector<Event> events = random_events(300'000, 90'000, 12);
  const auto table = table_of(events);
  constexpr int64_t kGap = 1'000;
  // Reference: each key's rows in time order, split where the next row is
  // at least a gap after the previous one.
  std::map<int64_t, std::vector<const Event*>> rows_of_key;
  for (const Event& e : events) rows_of_key[e.key].push_back(&e);
  std::vector<std::tuple<int64_t, int64_t, int64_t, std::string>> sessions;  // end, start, key, totals
  for (auto& [key, rows] : rows_of_key) {
    std::stable_sort(rows.begin(), rows.end(), [](const Event* a, const Event* b) { return a->ts < b->ts; });
    size_t first = 0;
    while (first < rows.size()) {
      Totals totals;
      size_t last = first;
      totals.add(rows[first]->value);
      while (last + 1 < rows.size() && rows[last + 1]->ts < rows[last]->ts + kGap) totals.add(rows[++last]->value);
      sessions.emplace_back(rows[last]->ts + kGap, rows[first]->ts, key, totals.text());
      first = last + 1;
    }
  }
  std::sort(sessions.begin(), sessions.end());  // emission order: end, start, key
  std::vector<std::string> expected;
  for (const auto& [end, start, key, totals] : sessions) {
    expected.push_back(std::to_string(start) + "," + std::to_string(end) + "," + std::to_string(key) + "," + totals);
  }
  ASSERT_GT(expected.size(), 100'000u);

  for (size_t threads : {1, 2}) {
    for (uint64_t rows_per_trigger : {uint64_t{0}, uint64_t{70'000}}) {
      PipelineBuilder builder;
      builder.event_time("ts", 0).session_window(kGap).group_by({"k"}).aggregate("count(*) AS n").aggregate(
          "sum(v) AS total").aggregate("max(v) AS high");
      EXPECT_EQ(run(table, builder, threads, rows_per_trigger), expected)
          << "threads " << threads << ", rows per trigger " << rows_per_trigger;
    }
  }
}

}  // namespace
}  // namespace weir
