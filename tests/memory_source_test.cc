// MemorySource / MemorySink and the zero-copy column views under them
// (AlignedBuffer::view, Column::view_rows).
#include "ingest/memory_source.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ingest/memory_sink.h"
#include "runtime/errors.h"
#include "runtime/pipeline_builder.h"

namespace weir {
namespace {

std::shared_ptr<const Batch> random_table(std::mt19937_64& random, size_t rows) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"i", DataType::Int64}, {"f", DataType::Float64}, {"b", DataType::Bool}, {"s", DataType::String}});
  auto table = std::make_shared<Batch>(schema);
  for (size_t r = 0; r < rows; ++r) {
    random() % 5 == 0 ? table->column(0).append_null() : table->column(0).append_int64(static_cast<int64_t>(random()));
    random() % 7 == 0 ? table->column(1).append_null() : table->column(1).append_float64(static_cast<double>(r) / 3);
    random() % 3 == 0 ? table->column(2).append_null() : table->column(2).append_bool(random() % 2 == 0);
    random() % 4 == 0 ? table->column(3).append_null() : table->column(3).append_string("s" + std::to_string(r));
  }
  table->set_num_rows(rows);
  return table;
}

void expect_same_rows(const Batch& table, size_t first, const Batch& batch) {
  for (size_t c = 0; c < table.num_columns(); ++c) {
    const Column& expected = table.column(c);
    const Column& actual = batch.column(c);
    ASSERT_EQ(actual.size(), batch.num_rows());
    size_t nulls = 0;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      const size_t t = first + r;
      ASSERT_EQ(actual.is_valid(r), expected.is_valid(t)) << "column " << c << " row " << t;
      nulls += actual.is_valid(r) ? 0 : 1;
      if (!expected.is_valid(t)) continue;
      switch (expected.type()) {
        case DataType::Int64: ASSERT_EQ(actual.int64_data()[r], expected.int64_data()[t]); break;
        case DataType::Float64: ASSERT_EQ(actual.float64_data()[r], expected.float64_data()[t]); break;
        case DataType::Bool: ASSERT_EQ(actual.bool_data()[r], expected.bool_data()[t]); break;
        default: ASSERT_EQ(actual.string_at(r), expected.string_at(t)); break;
      }
    }
    ASSERT_EQ(actual.null_count(), nulls) << "column " << c;
  }
}

TEST(MemorySource, MorselsCoverTheTableInOrderAsViewsOrCopies) {
  std::mt19937_64 random(5);
  for (size_t rows : {0, 1, 63, 64, 65, 1000, 4099}) {
    const auto table = random_table(random, rows);
    for (size_t max_rows : {1, 7, 64, 100, 128, 5000}) {
      MemorySource source(table, "t");
      EXPECT_EQ(source.exhausted(), rows == 0);
      size_t next = 0;
      Batch batch(table->schema_pointer());
      while (auto morsel = source.next_morsel(max_rows)) {
        ASSERT_EQ(morsel->first_row_ordinal, next);
        ASSERT_GT(morsel->num_rows, 0u);
        ASSERT_LE(morsel->num_rows, max_rows);
        batch.clear();
        source.load(*morsel, batch);
        ASSERT_EQ(batch.first_row_ordinal, next);
        expect_same_rows(*table, next, batch);
        next += morsel->num_rows;
      }
      EXPECT_EQ(next, rows);
      EXPECT_TRUE(source.exhausted());
    }
  }
}

TEST(ColumnView, WritingToAViewCopiesItAndLeavesTheSourceUnchanged) {
  Column source(DataType::Int64);
  for (int64_t v = 0; v < 200; ++v) v % 9 == 0 ? source.append_null() : source.append_int64(v);
  Column view(DataType::Int64);
  view.view_rows(source, 64, 100);
  EXPECT_EQ(view.size(), 100u);
  EXPECT_EQ(std::as_const(view).int64_data(), source.int64_data() + 64);  // zero copy
  EXPECT_EQ(view.null_count(), 11u);                                      // 72, 81, ..., 162
  view.append_int64(-1);                                                  // copy on write
  EXPECT_NE(std::as_const(view).int64_data(), source.int64_data() + 64);
  EXPECT_EQ(view.int64_data()[0], 64);
  EXPECT_FALSE(view.is_valid(8));  // row 72
  EXPECT_EQ(view.int64_data()[100], -1);
  view.set_null(1);
  EXPECT_TRUE(source.is_valid(65));
  EXPECT_EQ(source.int64_data()[65], 65);
  view.clear();
  EXPECT_EQ(view.size(), 0u);
  view.append_int64(7);
  EXPECT_EQ(view.int64_data()[0], 7);
  EXPECT_EQ(source.int64_data()[0], 0);
}

TEST(MemorySink, CollectsCommittedSelectedRowsAndDropsThemOnAbort) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"i", DataType::Int64}, {"s", DataType::String}});
  Batch batch(schema);
  for (int64_t v = 0; v < 10; ++v) {
    batch.column(0).append_int64(v);
    batch.column(1).append_string(std::to_string(v));
  }
  batch.set_num_rows(10);
  batch.selection().resize(3);
  batch.selection().data()[0] = 1;
  batch.selection().data()[1] = 4;
  batch.selection().data()[2] = 9;
  MemorySink sink;
  sink.open(schema);
  sink.write(batch);
  sink.commit_epoch(0);
  sink.write(batch);  // never committed
  sink.finish();
  ASSERT_EQ(sink.batches().size(), 1u);
  EXPECT_EQ(sink.num_rows(), 3u);
  EXPECT_EQ(sink.batches()[0].column(0).int64_data()[2], 9);
  EXPECT_EQ(sink.batches()[0].column(1).string_at(1), "4");
  sink.abort();
  EXPECT_EQ(sink.num_rows(), 0u);
}

// An aggregation without a window over an empty input still gives SQL's one
// row (count 0, sum NULL); with a GROUP BY it gives no rows.
TEST(MemorySource, UngroupedAggregateOfNoRowsIsOneRow) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"k", DataType::Int64}, {"v", DataType::Int64}});
  auto empty = std::make_shared<Batch>(schema);
  for (bool grouped : {false, true}) {
    auto sink = std::make_unique<MemorySink>();
    MemorySink* result = sink.get();
    PipelineBuilder builder;
    builder.source(std::make_unique<MemorySource>(empty, "empty")).aggregate("count(*) AS n").aggregate(
        "sum(v) AS total").sink(std::move(sink));
    if (grouped) builder.group_by({"k"});
    const auto pipeline = builder.build();  // owns the sink: keep it alive while reading
    pipeline->run(RunOptions{});
    if (grouped) {
      EXPECT_EQ(result->num_rows(), 0u);
      continue;
    }
    ASSERT_EQ(result->num_rows(), 1u);
    EXPECT_EQ(result->batches()[0].column(0).int64_data()[0], 0);
    EXPECT_FALSE(result->batches()[0].column(1).is_valid(0));
  }
}

TEST(PipelineBuilderWindow, AWindowNeedsAnEventTimeColumn) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"ts", DataType::Timestamp}});
  PipelineBuilder builder;
  builder.source(std::make_unique<MemorySource>(std::make_shared<Batch>(schema), "t"))
      .tumbling_window(1000)
      .aggregate("count(*)")
      .sink(std::make_unique<MemorySink>());
  try {
    builder.build();
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("window: a window needs event_time"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace weir

namespace weir {
namespace {

// A window with more groups than one output batch is emitted in parallel
// chunks; the rows must still come out complete and in key order.
TEST(MemorySource, LargeGroupCountsAreEmittedCompleteAndInKeyOrder) {
  constexpr int64_t kKeys = 150'000;
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"k", DataType::Int64}, {"v", DataType::Int64}});
  auto table = std::make_shared<Batch>(schema);
  for (int64_t i = 0; i < 2 * kKeys; ++i) {
    table->column(0).append_int64((i * 7919) % kKeys * 3 - 1000);  // sparse enough for either table path
    table->column(1).append_int64(i);
  }
  table->set_num_rows(2 * kKeys);
  std::vector<int64_t> row_of_slot(kKeys);  // the i < kKeys whose key slot is (i * 7919) % kKeys
  for (int64_t i = 0; i < kKeys; ++i) row_of_slot[static_cast<size_t>((i * 7919) % kKeys)] = i;
  for (size_t threads : {1, 2, 3}) {
    auto sink = std::make_unique<MemorySink>();
    MemorySink* result = sink.get();
    PipelineBuilder builder;
    builder.source(std::make_unique<MemorySource>(table, "t")).group_by({"k"}).aggregate("count(*) AS n").aggregate(
        "sum(v) AS total").sink(std::move(sink));
    const auto pipeline = builder.build();
    RunOptions options;
    options.threads = threads;
    options.morsel_rows = 4096;
    pipeline->run(options);
    ASSERT_EQ(result->num_rows(), static_cast<uint64_t>(kKeys));
    int64_t expected_key = -1000;
    for (const Batch& batch : result->batches()) {
      for (size_t r = 0; r < batch.num_rows(); ++r) {
        ASSERT_EQ(batch.column(0).int64_data()[r], expected_key);
        ASSERT_EQ(batch.column(1).int64_data()[r], 2);
        // Rows i and i + kKeys share a key: sum = 2i + kKeys.
        const int64_t i = row_of_slot[static_cast<size_t>((expected_key + 1000) / 3)];
        ASSERT_EQ(batch.column(2).int64_data()[r], 2 * i + kKeys);
        expected_key += 3;
      }
    }
  }
}

}  // namespace
}  // namespace weir
