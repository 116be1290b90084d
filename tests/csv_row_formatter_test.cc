#include "ingest/csv_row_formatter.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/timestamp.h"
#include "tests/random_bytes.h"

namespace weir {
namespace {

using Style = CsvRowFormatter::TimestampStyle;

// The reference: one value at a time, appended to a std::string, each rule
// of the format spelled out on its own.
std::string reference_field(const Column& column, size_t row, Style style) {
  if (!column.is_valid(row)) return "";
  switch (column.type()) {
    case DataType::Int64:
      return std::to_string(column.int64_data()[row]);
    case DataType::Float64: {
      const double value = column.float64_data()[row];
      if (std::isnan(value)) return "NaN";
      if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
      char digits[64];
      return std::string(digits, std::to_chars(digits, digits + sizeof(digits), value).ptr);
    }
    case DataType::Bool:
      return column.bool_data()[row] != 0 ? "true" : "false";
    case DataType::Timestamp: {
      std::string text;
      if (style == Style::Iso8601) {
        format_timestamp(column.int64_data()[row], text);
      } else {
        format_timestamp_sql(column.int64_data()[row], text);
      }
      return text;
    }
    case DataType::String: {
      const std::string value(column.string_at(row));
      const bool quote = value.empty() || value.front() == ' ' || value.front() == '\t' || value.back() == ' ' ||
                         value.back() == '\t' || value.find_first_of(",\"\r\n") != std::string::npos;
      if (!quote) return value;
      std::string quoted = "\"";
      for (const char c : value) {
        if (c == '"') quoted += '"';
        quoted += c;
      }
      return quoted + "\"";
    }
  }
  return "?";
}

std::string reference_rows(const Batch& batch, Style style) {
  std::string text;
  for (size_t position = 0; position < batch.selection().size(); ++position) {
    for (size_t index = 0; index < batch.num_columns(); ++index) {
      if (index > 0) text += ',';
      text += reference_field(batch.column(index), batch.selection()[position], style);
    }
    text += '\n';
  }
  return text;
}

std::shared_ptr<const Schema> random_schema(std::mt19937_64& random) {
  const DataType types[] = {DataType::Int64, DataType::Float64, DataType::Bool, DataType::Timestamp,
                            DataType::String};
  std::vector<Field> fields;
  const size_t columns = 1 + random() % 6;
  for (size_t index = 0; index < columns; ++index) {
    fields.push_back({"c" + std::to_string(index), types[random() % 5]});
  }
  return std::make_shared<const Schema>(std::move(fields));
}

int64_t random_int64(std::mt19937_64& random) {
  switch (random() % 4) {
    case 0:
      return static_cast<int64_t>(random());
    case 1:
      return random() % 2 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    default:
      return static_cast<int64_t>(random() % 2001) - 1000;
  }
}

double random_float64(std::mt19937_64& random) {
  switch (random() % 6) {
    case 0: {
      const uint64_t bits = random();
      double value;
      std::memcpy(&value, &bits, sizeof(value));
      return value;  // any bit pattern: NaNs, infinities, denormals
    }
    case 1:
      return -std::numeric_limits<double>::denorm_min();
    case 2:
      return random() % 2 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
    default:
      return static_cast<double>(static_cast<int64_t>(random() % 200'001) - 100'000) / 100.0;
  }
}

// Timestamps in runs (as window bounds are), sometimes any int64.
int64_t random_timestamp(std::mt19937_64& random, int64_t& previous) {
  if (random() % 4 != 0) return previous;
  previous = random() % 8 == 0 ? static_cast<int64_t>(random())
                               : 1'767'225'600'000 + static_cast<int64_t>(random() % 1'000'000'000) - 500'000'000;
  return previous;
}

std::string random_text(std::mt19937_64& random) {
  const char* const pieces[] = {"a", " ", "\t", ",", "\"", "\n", "\r", "bid", "x y", ""};
  std::string text;
  const size_t count = random() % 5;
  for (size_t i = 0; i < count; ++i) text += pieces[random() % 10];
  if (random() % 16 == 0) text += testing::random_bytes(random, random() % 300);
  return text;
}

Batch random_batch(const std::shared_ptr<const Schema>& schema, std::mt19937_64& random, size_t rows) {
  Batch batch(schema);
  std::vector<int64_t> previous(schema->size(), 0);
  for (size_t row = 0; row < rows; ++row) {
    for (size_t index = 0; index < schema->size(); ++index) {
      Column& column = batch.column(index);
      if (random() % 10 == 0) {
        column.append_null();
        continue;
      }
      switch (column.type()) {
        case DataType::Int64:
          column.append_int64(random_int64(random));
          break;
        case DataType::Float64:
          column.append_float64(random_float64(random));
          break;
        case DataType::Bool:
          column.append_bool(random() % 2 == 0);
          break;
        case DataType::Timestamp:
          column.append_int64(random_timestamp(random, previous[index]));
          break;
        case DataType::String:
          column.append_string(random_text(random));
          break;
      }
    }
  }
  batch.set_num_rows(rows);
  // Some batches keep only some rows.
  if (random() % 2 == 0) {
    SelectionVector& selection = batch.selection();
    std::vector<uint32_t> kept;
    for (size_t row = 0; row < rows; ++row) {
      if (random() % 3 != 0) kept.push_back(static_cast<uint32_t>(row));
    }
    selection.resize(kept.size());
    for (size_t i = 0; i < kept.size(); ++i) selection.data()[i] = kept[i];
  }
  return batch;
}

TEST(CsvRowFormatterTest, MatchesTheReferenceOnRandomBatches) {
  std::mt19937_64 random(20261202);
  for (int trial = 0; trial < 300; ++trial) {
    const auto schema = random_schema(random);
    const Style style = trial % 3 == 0 ? Style::Sql : Style::Iso8601;
    CsvRowFormatter formatter(*schema, style);
    std::string expected;
    // Several batches through one formatter: the last timestamp of a column
    // carries from batch to batch.
    const int batches = 1 + static_cast<int>(random() % 3);
    for (int b = 0; b < batches; ++b) {
      const Batch batch = random_batch(schema, random, random() % 200);
      expected += reference_rows(batch, style);
      // In pieces of random sizes, some stopping early on a byte limit.
      size_t position = 0;
      const size_t rows = batch.selection().size();
      while (position < rows) {
        const size_t end = std::min(rows, position + 1 + random() % 50);
        const size_t limit = random() % 2 == 0 ? SIZE_MAX : formatter.size() + 1 + random() % 400;
        const size_t next = formatter.append_rows(batch, position, end, limit);
        ASSERT_GT(next, position);
        ASSERT_LE(next, end);
        if (next < end) ASSERT_GE(formatter.size(), limit);
        position = next;
      }
    }
    ASSERT_EQ(formatter.text(), expected) << "trial " << trial;
    formatter.clear();
    EXPECT_EQ(formatter.size(), 0u);
  }
}

TEST(CsvRowFormatterTest, WritesTheHeaderQuotedAsStrings) {
  const Schema schema({{"plain", DataType::Int64}, {"with,comma", DataType::String}, {" padded", DataType::Bool}});
  CsvRowFormatter formatter(schema, Style::Iso8601);
  formatter.append_header();
  EXPECT_EQ(formatter.text(), "plain,\"with,comma\",\" padded\"\n");
}

TEST(CsvRowFormatterTest, GrowsForARowLongerThanItsBuffer) {
  const auto schema = std::make_shared<const Schema>(std::vector<Field>{{"s", DataType::String}});
  Batch batch(schema);
  const std::string quotes(300'000, '"');  // doubled when written: 600,002 bytes
  batch.column(0).append_string(quotes);
  batch.column(0).append_string("after");
  batch.set_num_rows(2);
  CsvRowFormatter formatter(*schema, Style::Iso8601);
  formatter.reserve(16);
  EXPECT_EQ(formatter.append_rows(batch, 0, 2), 2u);
  EXPECT_EQ(formatter.text(), reference_rows(batch, Style::Iso8601));
  EXPECT_EQ(formatter.size(), 600'002u + 1 + 6);
}

}  // namespace
}  // namespace weir
