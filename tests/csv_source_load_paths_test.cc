// CsvSource::load takes one of two paths per window of a morsel: column at a
// time from SIMD separator offsets (text without quotes) or record by record
// (any text). These tests check that the two give the same rows and the same
// errors, by reading text that takes the first path and the same text with
// its fields quoted, which takes the second.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "ingest/csv_field_parser.h"
#include "ingest/csv_source.h"
#include "runtime/errors.h"
#include "runtime/timestamp.h"

namespace weir {
namespace {

Schema make_schema(std::vector<Field> fields) { return Schema(std::move(fields)); }

// Every value of every row, NULLs and types visible: "v1|v2|..." per row.
std::vector<std::string> render_rows(const Batch& batch) {
  std::vector<std::string> rows;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::string out;
    for (size_t index = 0; index < batch.num_columns(); ++index) {
      const Column& column = batch.column(index);
      out += index > 0 ? "|" : "";
      if (!column.is_valid(row)) {
        out += "NULL";
      } else if (column.type() == DataType::String) {
        out += "[" + std::string(column.string_at(row)) + "]";
      } else if (column.type() == DataType::Float64) {
        char digits[64];
        const double value = column.float64_data()[row];
        out += std::isnan(value)
                   ? "nan"
                   : std::string(digits, std::to_chars(digits, digits + 64, value).ptr);
      } else if (column.type() == DataType::Bool) {
        out += column.bool_data()[row] != 0 ? "true" : "false";
      } else {
        out += std::to_string(column.int64_data()[row]);
      }
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

struct ReadOutcome {
  std::vector<std::string> rows;
  std::string error;  // the InputError's message, "" if none
};

ReadOutcome read_csv(const std::string& csv, const Schema& schema, size_t max_rows) {
  ReadOutcome outcome;
  try {
    auto source = CsvSource::from_bytes({"in.csv", schema, {"t"}}, csv);
    Batch batch(source->schema());
    while (auto morsel = source->next_morsel(max_rows)) {
      batch.clear();
      source->load(*morsel, batch);
      for (std::string& row : render_rows(batch)) outcome.rows.push_back(std::move(row));
    }
  } catch (const InputError& error) {
    outcome.error = error.what();
    // A record of the wrong length is quoted as it appears in the file.
    const size_t count = outcome.error.find("fields, found");
    if (count != std::string::npos) outcome.error.resize(outcome.error.find(": \"", count));
  }
  return outcome;
}

// Values of every type, mostly well formed, sometimes NULL, malformed or
// padded; none holds a quote, a comma or a newline.
std::string random_value(std::mt19937_64& random, DataType type) {
  if (random() % 25 == 0) return "";
  if (random() % 400 == 0)
    return std::string("12a\0x \t+-.e:", 13).substr(random() % 8, random() % 4);
  const auto digits = [&](size_t count) {
    std::string text;
    for (size_t i = 0; i < count; ++i) text += static_cast<char>('0' + random() % 10);
    return text;
  };
  switch (type) {
    case DataType::Int64:
      switch (random() % 6) {
        case 0:
          return "-" + digits(1 + random() % 19);
        case 1:
          return " +" + digits(1 + random() % 5) + " ";
        default:
          return digits(1 + random() % (random() % 8 == 0 ? 20 : 8));
      }
    case DataType::Float64:
      switch (random() % 8) {
        case 0:
          return "-" + digits(1 + random() % 3) + "." + digits(1 + random() % 3);
        case 1:
          return digits(1 + random() % 17) + "." + digits(random() % 10);
        case 2:
          return "." + digits(1 + random() % 3);
        case 3:
          return digits(1 + random() % 3) + "e" +
                 std::to_string(static_cast<int>(random() % 40) - 20);
        case 4:
          return random() % 2 ? "nan" : "-Infinity";
        default:
          return digits(1 + random() % 4) + "." + digits(1 + random() % 3);
      }
    case DataType::Bool:
      return std::vector<std::string>{"true", "F", "1", "0", "TRUE", "t"}[random() % 6];
    case DataType::Timestamp: {
      const int64_t millis = 1767225600000 + static_cast<int64_t>(random() % 200'000) - 100'000;
      switch (random() % 8) {
        case 0:
          return std::to_string(millis);
        case 1:
          return format_timestamp(millis).substr(0, 19) + "Z";
        case 2:
          return format_timestamp(millis).substr(0, 19) + "+01:00";
        default:
          return format_timestamp(millis);
      }
    }
    case DataType::String:
      return random() % 3 == 0 ? " spaced \r"
                               : "s" + digits(random() % (random() % 50 == 0 ? 9000 : 12));
  }
  return "";
}

// Reading is the same whether records take the column-at-a-time path
// (windows without quotes) or the record-by-record one: the same text with
// every non-empty field quoted, which only the latter reads, gives the same
// rows, or the same error. Records of the wrong length, bad values, NULLs in
// not-null columns, CRLF, undeclared columns, records longer than a window,
// and a quoted field now and then to switch paths in the middle.
TEST(CsvSourceLoadPathsTest, ColumnAtATimeLoadingMatchesRecordByRecordLoading) {
  const Schema schema = make_schema({{"t", DataType::Timestamp},
                                     {"i", DataType::Int64},
                                     {"f", DataType::Float64},
                                     {"b", DataType::Bool},
                                     {"s", DataType::String}});
  const Schema strings = make_schema({{"t", DataType::String},
                                      {"i", DataType::String},
                                      {"f", DataType::String},
                                      {"b", DataType::String},
                                      {"s", DataType::String}});
  // The file's columns and the values written in them: "skip" is not
  // declared, "s" holds numbers read as strings.
  const std::vector<std::string> names = {"t", "skip", "i", "f", "b", "s"};
  const std::vector<DataType> types = {DataType::Timestamp, DataType::String, DataType::Int64,
                                       DataType::Float64,   DataType::Bool,   DataType::Int64};
  std::mt19937_64 random(77);
  int errors = 0;
  for (int trial = 0; trial < 120; ++trial) {
    std::vector<size_t> order = {0, 1, 2, 3, 4, 5};
    std::shuffle(order.begin(), order.end(), random);
    std::string plain, quoted;
    for (size_t k = 0; k < order.size(); ++k) {
      plain += (k > 0 ? "," : "") + names[order[k]];
    }
    quoted = plain;
    const bool crlf = random() % 3 == 0;
    plain += crlf ? "\r\n" : "\n";
    quoted += crlf ? "\r\n" : "\n";
    const size_t rows = random() % 2500;
    // One error in a third of the files, in a random record: a bad value
    // (anything random_value gives), or a record of the wrong length whose
    // values would all parse ("1") if the loader missed its length.
    const size_t error_row = random() % 3 == 0 ? random() % (rows + 1) : SIZE_MAX;
    const bool error_is_length = random() % 2 == 0;
    const size_t bad_field = random() % order.size();
    for (size_t row = 0; row < rows; ++row) {
      size_t fields = order.size();
      if (row == error_row && error_is_length) fields += random() % 2 ? 1 : -1;
      for (size_t k = 0; k < fields; ++k) {
        std::string value =
            random_value(random, k < order.size() ? types[order[k]] : DataType::Int64);
        if (k < order.size() && order[k] != 1) {
          // A well-formed value.
          double real;
          int64_t integer;
          bool truth;
          const DataType type = types[order[k]];
          const bool good = value.empty() ||
                            (type == DataType::Int64 && parse_int64_field(value, integer)) ||
                            (type == DataType::Float64 && parse_float64_field(value, real)) ||
                            (type == DataType::Bool && parse_bool_field(value, truth)) ||
                            (type == DataType::Timestamp && parse_timestamp_field(value, integer));
          if (!good) value = "1";
          if (names[order[k]] == "t" && value.empty()) value = "0";  // not null
        }
        if (row == error_row && error_is_length) value = "1";
        if (row == error_row && !error_is_length && k == bad_field) {
          value = std::vector<std::string>{
              "12a", "x", " ", "1.2.3", "", "9223372036854775808"}[random() % 6];
        }
        if (value.find('\r') != std::string::npos && k + 1 >= fields) value = "r";
        const std::string in_quotes = value.empty() ? value : "\"" + value + "\"";
        // Now and then a quoted field in the plain text too: that window
        // goes record by record.
        plain += (k > 0 ? "," : "") + (random() % 3000 == 0 ? in_quotes : value);
        quoted += (k > 0 ? "," : "") + in_quotes;
      }
      const bool last = row + 1 == rows;
      if (last && random() % 3 == 0) break;
      plain += crlf ? "\r\n" : "\n";
      quoted += crlf ? "\r\n" : "\n";
    }
    const size_t max_rows = 1 + random() % 2500;
    // Read as strings too, where a record of the wrong length, if missed,
    // would shift values without any failing to parse.
    const Schema& read_as = random() % 3 == 0 ? strings : schema;
    const ReadOutcome from_plain = read_csv(plain, read_as, max_rows);
    const ReadOutcome from_quoted = read_csv(quoted, read_as, max_rows);
    ASSERT_EQ(from_plain.error, from_quoted.error) << plain;
    if (!from_plain.error.empty()) ++errors;
    ASSERT_EQ(from_plain.rows, from_quoted.rows) << plain;
  }
  EXPECT_GT(errors, 10);  // both outcomes were seen
}

}  // namespace
}  // namespace weir
