// Pipelines with a select list (no aggregation): on random data, with random
// filters and select lists, the output file equals a row-at-a-time reference
// written here (the kept rows, projected, in source order) under every
// trigger, micro-batch cut, thread count and morsel size, from memory and
// from a CSV file. Also unit checks of parse_select_item and the builder's
// refusals.
#include <gtest/gtest.h>

#include <charconv>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ingest/csv_sink.h"
#include "ingest/csv_source.h"
#include "ingest/memory_source.h"
#include "runtime/errors.h"
#include "runtime/pipeline_builder.h"
#include "runtime/projection.h"
#include "runtime/timestamp.h"
#include "tests/test_directory.h"

namespace weir {
namespace {

struct Row {
  int64_t ts;
  std::optional<int64_t> v;
  std::optional<double> f;  // multiples of 1/8
  std::optional<std::string> s;
};

using Cell = std::optional<std::string>;  // the CSV text of a value; nullopt = NULL

std::string format_double(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

struct SelectCase {
  const char* text;
  std::function<Cell(const Row&)> reference;
};

const std::vector<SelectCase>& select_items() {
  static const std::vector<SelectCase> items = {
      {"ts", [](const Row& r) -> Cell { return format_timestamp(r.ts); }},
      {"v", [](const Row& r) -> Cell { return r.v ? Cell(std::to_string(*r.v)) : std::nullopt; }},
      {"f", [](const Row& r) -> Cell { return r.f ? Cell(format_double(*r.f)) : std::nullopt; }},
      {"s", [](const Row& r) -> Cell { return r.s ? Cell(r.s->empty() ? "\"\"" : *r.s) : std::nullopt; }},
      {"v * 3 + 1 AS v3", [](const Row& r) -> Cell { return r.v ? Cell(std::to_string(*r.v * 3 + 1)) : std::nullopt; }},
      {"v % 7 AS m7", [](const Row& r) -> Cell { return r.v ? Cell(std::to_string(*r.v % 7)) : std::nullopt; }},
      {"0.908 * v AS euros",
       [](const Row& r) -> Cell { return r.v ? Cell(format_double(0.908 * static_cast<double>(*r.v))) : std::nullopt; }},
      {"f * v as fv",
       [](const Row& r) -> Cell {
         return r.f && r.v ? Cell(format_double(*r.f * static_cast<double>(*r.v))) : std::nullopt;
       }},
      {"v / 4 AS \"quarter v\"",
       [](const Row& r) -> Cell { return r.v ? Cell(format_double(static_cast<double>(*r.v) / 4)) : std::nullopt; }},
      {"ts + 1000 AS later", [](const Row& r) -> Cell { return format_timestamp(r.ts + 1000); }},
      {"v > 0 AS positive", [](const Row& r) -> Cell { return r.v ? Cell(*r.v > 0 ? "true" : "false") : std::nullopt; }},
      {"'a AS b' AS label", [](const Row&) -> Cell { return std::string("a AS b"); }},
      {"v % 0 AS never", [](const Row&) -> Cell { return std::nullopt; }},
      // A column selected twice as is: moved once, copied once (Projection::project_consuming).
      {"v AS v_again", [](const Row& r) -> Cell { return r.v ? Cell(std::to_string(*r.v)) : std::nullopt; }},
      {"s AS s_again",
       [](const Row& r) -> Cell { return r.s ? Cell(r.s->empty() ? "\"\"" : *r.s) : std::nullopt; }},
  };
  return items;
}

struct PredicateCase {
  const char* text;  // empty: no WHERE
  std::function<bool(const Row&)> keeps;
};

const std::vector<PredicateCase>& predicates() {
  static const std::vector<PredicateCase> cases = {
      {"", [](const Row&) { return true; }},
      {"v % 123 = 0", [](const Row& r) { return r.v && *r.v % 123 == 0; }},
      {"v >= 0 AND s <> 'b'", [](const Row& r) { return r.v && *r.v >= 0 && r.s && *r.s != "b"; }},
      {"f IS NULL OR v < -50", [](const Row& r) { return !r.f || (r.v && *r.v < -50); }},
  };
  return cases;
}

std::shared_ptr<const Schema> input_schema() {
  return std::make_shared<const Schema>(std::vector<Field>{{"ts", DataType::Timestamp},
                                                           {"v", DataType::Int64},
                                                           {"f", DataType::Float64},
                                                           {"s", DataType::String}});
}

TEST(ProjectionProperty, EveryTriggerCutThreadCountAndMorselSizeGivesTheReferenceRowsInOrder) {
  std::mt19937_64 random(20261130);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(random); };
  const std::vector<std::string> s_values = {"x", "y1", "", "zz", "b"};
#ifdef WEIR_EXTENDED_PROPERTY_TESTS
  constexpr int kCases = 1000;
#else
  constexpr int kCases = 120;
#endif
  for (int case_index = 0; case_index < kCases; ++case_index) {
    const size_t n = static_cast<size_t>(uniform(0, 3000));
    std::vector<Row> rows;
    const int64_t base = 1767225600000 + uniform(-100000, 100000);
    for (size_t i = 0; i < n; ++i) {
      Row row;
      row.ts = base + static_cast<int64_t>(i) * uniform(0, 50) - uniform(0, 2000);  // out of order
      if (uniform(0, 9) > 1) row.v = uniform(-1000, 1000);
      if (uniform(0, 9) > 1) row.f = static_cast<double>(uniform(-80000, 80000)) / 8.0;
      if (uniform(0, 9) > 1) row.s = s_values[uniform(0, 4)];
      rows.push_back(std::move(row));
    }
    std::vector<size_t> items;
    const size_t item_count = static_cast<size_t>(uniform(1, 5));
    std::vector<bool> used(select_items().size());
    while (items.size() < item_count) {
      const auto item = static_cast<size_t>(uniform(0, static_cast<int64_t>(select_items().size()) - 1));
      if (used[item]) continue;
      used[item] = true;
      items.push_back(item);
    }
    const PredicateCase& predicate = predicates()[uniform(0, static_cast<int64_t>(predicates().size()) - 1)];

    // The reference: kept rows, projected, in source order.
    std::string expected;
    std::string csv_input = "ts,v,f,s\n";
    auto table = std::make_shared<Batch>(input_schema());
    for (size_t i = 0; i < items.size(); ++i) {
      const SelectItem parsed = parse_select_item(select_items()[items[i]].text, *input_schema());
      expected += (i == 0 ? "" : ",") + parsed.output_name;
    }
    expected += "\n";
    for (const Row& r : rows) {
      table->column(0).append_int64(r.ts);
      r.v ? table->column(1).append_int64(*r.v) : table->column(1).append_null();
      r.f ? table->column(2).append_float64(*r.f) : table->column(2).append_null();
      r.s ? table->column(3).append_string(*r.s) : table->column(3).append_null();
      csv_input += std::to_string(r.ts) + "," + (r.v ? std::to_string(*r.v) : "") + "," +
                   (r.f ? format_double(*r.f) : "") + "," + (r.s ? (r.s->empty() ? "\"\"" : *r.s) : "") + "\n";
      if (!predicate.keeps(r)) continue;
      for (size_t i = 0; i < items.size(); ++i) {
        const Cell cell = select_items()[items[i]].reference(r);
        expected += (i == 0 ? "" : ",") + cell.value_or("");
      }
      expected += "\n";
    }
    table->set_num_rows(rows.size());

    testing::TestDirectory directory;
    for (int run = 0; run < 5; ++run) {
      RunOptions options;
      options.threads = static_cast<size_t>(uniform(1, 4));
      options.morsel_rows = static_cast<size_t>(std::vector<int64_t>{1, 7, 64, 100, 1000, 32768}[uniform(0, 5)]);
      if (run == 1) options.trigger = {TriggerKind::Once, 0};
      if (run >= 2) {
        options.trigger = {run == 3 ? TriggerKind::AvailableNow : TriggerKind::ProcessingTime, 0};
        options.max_rows_per_trigger = static_cast<uint64_t>(uniform(1, static_cast<int64_t>(n) + 100));
      }
      PipelineBuilder builder;
      if (run == 4) {
        CsvSourceOptions source_options{"input.csv", *input_schema(), {}, false};
        builder.source(CsvSource::from_bytes(source_options, csv_input));
      } else {
        builder.source(std::make_unique<MemorySource>(table, "table"));
      }
      if (run % 2 == 0) builder.event_time("ts", uniform(0, 3000));  // no effect without a window
      if (*predicate.text != '\0') builder.where(predicate.text);
      for (size_t item : items) builder.select(select_items()[item].text);
      const std::string output = directory.file("out-" + std::to_string(run) + ".csv");
      builder.sink(std::make_unique<CsvSink>(CsvSinkOptions{output}));
      const RunSummary summary = builder.build()->run(options);
      ASSERT_EQ(testing::read_file_text(output), expected)
          << "case " << case_index << " run " << run << " threads " << options.threads << " morsel "
          << options.morsel_rows << " max rows " << options.max_rows_per_trigger.value_or(0) << " where '"
          << predicate.text << "'";
      ASSERT_EQ(summary.rows_read, n);
      ASSERT_EQ(summary.rows_late, 0u);
    }
  }
}

TEST(Projection, ParsesItemsAndNamesThem) {
  const Schema schema = *input_schema();
  EXPECT_EQ(parse_select_item("  v ", schema).output_name, "v");
  EXPECT_EQ(parse_select_item("v*2", schema).output_name, "v*2");
  EXPECT_EQ(parse_select_item("(v + 1) aS \"v plus one\"", schema).output_name, "v plus one");
  const SelectItem euros = parse_select_item("price_is_v * 0.908 AS price", Schema({{"price_is_v", DataType::Int64}}));
  EXPECT_EQ(euros.output_name, "price");
  EXPECT_EQ(euros.expression->type(), DataType::Float64);
  EXPECT_EQ(parse_select_item("'x AS y'", schema).expression->type(), DataType::String);
  EXPECT_THROW(parse_select_item("v AS 1x", schema), ConfigError);
  EXPECT_THROW(parse_select_item("nope", schema), ConfigError);
  EXPECT_THROW(parse_select_item("NULL AS n", schema), ConfigError);
  EXPECT_THROW(parse_select_item("", schema), ConfigError);
}

TEST(Projection, TheBuilderRefusesSelectWithAggregationOrWindows) {
  auto table = std::make_shared<Batch>(input_schema());
  table->set_num_rows(0);
  auto build = [&](const std::function<void(PipelineBuilder&)>& edit) {
    PipelineBuilder builder;
    builder.source(std::make_unique<MemorySource>(table, "t")).select("v");
    edit(builder);
    builder.sink(std::make_unique<CsvSink>(CsvSinkOptions{"/nonexistent/never.csv"}));
    try {
      builder.build();
    } catch (const ConfigError& error) {
      return std::string(error.what());
    }
    return std::string("built");
  };
  EXPECT_EQ(build([](PipelineBuilder&) {}), "built");
  EXPECT_NE(build([](PipelineBuilder& b) { b.aggregate("count(*)"); }).find("select: "), std::string::npos);
  EXPECT_NE(build([](PipelineBuilder& b) { b.group_by({"v"}); }).find("select: "), std::string::npos);
  EXPECT_NE(build([](PipelineBuilder& b) { b.event_time("ts", 0).tumbling_window(1000); }).find("select: "),
            std::string::npos);
  EXPECT_NE(build([](PipelineBuilder& b) { b.select("f AS v"); }).find("select[1]: duplicate output column 'v'"),
            std::string::npos);
  EXPECT_EQ(build([](PipelineBuilder& b) { b.output_mode(OutputMode::Update); }),
            "output_mode: a select list supports append output only (each row is written once)");
  EXPECT_EQ(build([](PipelineBuilder& b) { b.output_mode(OutputMode::Complete); }),
            "output_mode: complete output needs an aggregation; a select list supports append output only (each "
            "row is written once)");
}

}  // namespace
}  // namespace weir
