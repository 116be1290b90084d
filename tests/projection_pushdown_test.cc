// Projection pushdown: which source columns a pipeline reads
// (source_columns_read, handed to Source::skip_unread_columns by the
// builder), the CSV source skipping the others on both of its load paths,
// and Column::append_nulls.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ingest/csv_source.h"
#include "ingest/memory_sink.h"
#include "ingest/memory_source.h"
#include "runtime/errors.h"
#include "runtime/pipeline.h"
#include "runtime/pipeline_builder.h"

namespace weir {
namespace {

// A MemorySource that remembers what skip_unread_columns was told.
class RecordingSource final : public Source {
 public:
  RecordingSource(std::shared_ptr<const Batch> table, std::vector<bool>* read)
      : inner_(std::move(table), "recorded"), read_(read) {}
  std::shared_ptr<const Schema> schema() const override { return inner_.schema(); }
  void discover() override {}
  void seal() override {}
  bool bounded() const override { return true; }
  bool exhausted() const override { return inner_.exhausted(); }
  std::unique_ptr<SourceMorsel> next_morsel(size_t max_rows) override { return inner_.next_morsel(max_rows); }
  void load(SourceMorsel& morsel, Batch& batch) const override { inner_.load(morsel, batch); }
  void skip_unread_columns(const std::vector<bool>& read) override { *read_ = read; }
  std::string describe() const override { return "recording"; }

 private:
  MemorySource inner_;
  std::vector<bool>* read_;
};

// Columns: 0 ts, 1 event_type, 2 id, 3 seller, 4 price, 5 expires, 6 extra, 7 note.
std::shared_ptr<const Batch> events_table() {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"ts", DataType::Timestamp},
                                                                  {"event_type", DataType::Int64},
                                                                  {"id", DataType::Int64},
                                                                  {"seller", DataType::Int64},
                                                                  {"price", DataType::Int64},
                                                                  {"expires", DataType::Timestamp},
                                                                  {"extra", DataType::String},
                                                                  {"note", DataType::String}});
  auto batch = std::make_shared<Batch>(schema);
  for (int64_t row = 0; row < 4; ++row) {
    batch->column(0).append_int64(1000 * row);
    batch->column(1).append_int64(1 + row % 2);
    batch->column(2).append_int64(row / 2);
    batch->column(3).append_int64(7);
    batch->column(4).append_int64(10 * row);
    batch->column(5).append_int64(1000 * row + 5000);
    batch->column(6).append_string("x");
    batch->column(7).append_string("y");
  }
  batch->set_num_rows(4);
  return batch;
}

// The read mask the builder hands the source of the pipeline `define` builds.
template <typename Define>
std::vector<bool> columns_read_by(Define define) {
  std::vector<bool> read;
  PipelineBuilder builder;
  builder.source(std::make_unique<RecordingSource>(events_table(), &read));
  define(builder);
  builder.sink(std::make_unique<MemorySink>());
  builder.build();
  return read;
}

using Mask = std::vector<bool>;

TEST(ProjectionPushdown, AnAggregationReadsItsTimeFilterKeysAndInputs) {
  const Mask read = columns_read_by([](PipelineBuilder& b) {
    b.event_time("ts", 0).tumbling_window(10'000).where("event_type = 2").group_by({"seller"}).aggregate(
        "sum(price) AS volume").aggregate("count(*) AS n");
  });
  EXPECT_EQ(read, (Mask{true, true, false, true, true, false, false, false}));
}

TEST(ProjectionPushdown, ASelectListReadsTheColumnsOfItsExpressions) {
  const Mask read = columns_read_by([](PipelineBuilder& b) { b.select("price * 2 + id AS w").select("note"); });
  EXPECT_EQ(read, (Mask{false, false, true, false, true, false, false, true}));
}

TEST(ProjectionPushdown, AnIntervalJoinReadsPredicatesKeysTimesBoundsAndCarriedColumns) {
  const Mask read = columns_read_by([](PipelineBuilder& b) {
    b.event_time("ts", 0).join({"event_type = 1", "id", {"id", "seller AS s"}, "ts", false, "expires"},
                               {"event_type = 2", "id", {"price"}, "ts"});
  });
  EXPECT_EQ(read, (Mask{true, true, true, true, true, true, false, false}));
}

TEST(ProjectionPushdown, ATopNReadsItsPartitionOrderAndColumns) {
  const Mask read = columns_read_by([](PipelineBuilder& b) {
    b.top_rows({{"seller"}, {"price DESC"}, 1, false, {"id"}});
  });
  EXPECT_EQ(read, (Mask{false, false, true, true, true, false, false, false}));
}

TEST(ProjectionPushdown, ALateSinkReadsEveryColumn) {
  const Mask read = columns_read_by([](PipelineBuilder& b) {
    b.event_time("ts", 0).tumbling_window(10'000).group_by({"seller"}).aggregate("count(*) AS n");
    b.late_sink(std::make_unique<MemorySink>());
  });
  EXPECT_EQ(read, Mask(8, true));
}

// One row as "v1|v2|...", NULL for nulls.
std::vector<std::string> load_csv(std::string_view csv, const std::vector<bool>& read,
                                  std::vector<std::string> not_null = {}) {
  const Schema schema({{"i", DataType::Int64}, {"f", DataType::Float64}, {"s", DataType::String},
                       {"t", DataType::Timestamp}});
  auto source = CsvSource::from_bytes({"in.csv", schema, std::move(not_null)}, csv);
  source->skip_unread_columns(read);
  std::vector<std::string> rows;
  Batch batch(source->schema());
  while (std::unique_ptr<SourceMorsel> morsel = source->next_morsel(2)) {
    batch.clear();
    source->load(*morsel, batch);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      std::string text;
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        const Column& column = batch.column(c);
        EXPECT_EQ(column.size(), batch.num_rows());
        if (c > 0) text += '|';
        if (!column.is_valid(row)) {
          text += "NULL";
        } else if (column.type() == DataType::String) {
          text += std::string(column.string_at(row));
        } else if (column.type() == DataType::Float64) {
          text += std::to_string(column.float64_data()[row]);
        } else {
          text += std::to_string(column.int64_data()[row]);
        }
      }
      rows.push_back(text);
    }
  }
  return rows;
}

TEST(ProjectionPushdown, TheCsvSourceLeavesUnreadColumnsNullOnBothLoadPaths) {
  // Unquoted (column-at-a-time path), then with quotes (record-by-record path).
  for (const std::string csv : {std::string("i,f,s,t\n1,1.5,a,1000\n2,2.5,b,2000\n3,3.5,c,3000\n"),
                                std::string("i,f,s,t\n1,1.5,\"a\",1000\n2,2.5,\"b,\",2000\n3,3.5,c,3000\n")}) {
    SCOPED_TRACE(csv);
    EXPECT_EQ(load_csv(csv, {true, false, false, true}),
              (std::vector<std::string>{"1|NULL|NULL|1000", "2|NULL|NULL|2000", "3|NULL|NULL|3000"}));
    EXPECT_EQ(load_csv(csv, {false, true, true, false}).at(1), csv.find('"') == std::string::npos
                                                                   ? "NULL|2.500000|b|NULL"
                                                                   : "NULL|2.500000|b,|NULL");
  }
}

TEST(ProjectionPushdown, AnUnreadColumnIsNotParsedButTheRecordShapeIsStillChecked) {
  // A value that does not parse in an unread column is not an error (as in
  // DuckDB); in a read column it still is; so is a missing field.
  const std::string bad_float = "i,f,s,t\n1,oops,a,1000\n2,2.5,b,2000\n";
  EXPECT_EQ(load_csv(bad_float, {true, false, true, true}),
            (std::vector<std::string>{"1|NULL|a|1000", "2|NULL|b|2000"}));
  EXPECT_THROW(load_csv(bad_float, {true, true, true, true}), InputError);
  try {
    load_csv("i,f,s,t\n1,1.5,a,1000\n2,2.5,2000\n", {true, false, false, true});
    FAIL() << "a record with a missing field was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("in.csv:3"), std::string::npos) << error.what();
  }
}

TEST(ProjectionPushdown, ANotNullColumnIsCheckedEvenWhenUnread) {
  const std::string csv = "i,f,s,t\n1,1.5,a,1000\n2,2.5,b,\n";
  EXPECT_EQ(load_csv(csv, {true, false, false, false}).size(), 2u);
  EXPECT_THROW(load_csv(csv, {true, false, false, false}, {"t"}), InputError);
}

TEST(ProjectionPushdown, AppendNullsExtendsEveryColumnType) {
  for (const DataType type : {DataType::Int64, DataType::Float64, DataType::Bool, DataType::Timestamp,
                              DataType::String}) {
    Column column(type);
    for (int row = 0; row < 3; ++row) {
      if (type == DataType::String) {
        column.append_string("v");
      } else if (type == DataType::Float64) {
        column.append_float64(1.0);
      } else if (type == DataType::Bool) {
        column.append_bool(true);
      } else {
        column.append_int64(1);
      }
    }
    column.append_nulls(130);  // across two word boundaries
    ASSERT_EQ(column.size(), 133u);
    EXPECT_EQ(column.null_count(), 130u);
    for (size_t row = 0; row < column.size(); ++row) EXPECT_EQ(column.is_valid(row), row < 3) << row;
    if (type == DataType::String) {
      EXPECT_EQ(column.string_at(2), "v");
      EXPECT_EQ(column.string_at(132), "");
    }
  }
}

}  // namespace
}  // namespace weir
