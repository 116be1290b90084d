#include "ingest/csv_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/errors.h"
#include "tests/test_directory.h"
#include "runtime/timestamp.h"

namespace weir {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed at the end.
using TemporaryDirectory = testing::TestDirectory;

void write_file(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

Schema make_schema(std::vector<Field> fields) { return Schema(std::move(fields)); }

Schema bids_schema() {
  return make_schema({{"ts", DataType::Timestamp},
                      {"auction", DataType::Int64},
                      {"price", DataType::Float64},
                      {"channel", DataType::String}});
}

// One row as "v1|v2|...": NULL for nulls, strings in [brackets].
std::string render_row(const Batch& batch, size_t row) {
  std::string out;
  for (size_t index = 0; index < batch.num_columns(); ++index) {
    if (index > 0) out += '|';
    const Column& column = batch.column(index);
    if (!column.is_valid(row)) {
      out += "NULL";
      continue;
    }
    switch (column.type()) {
      case DataType::Int64:
        out += std::to_string(column.int64_data()[row]);
        break;
      case DataType::Timestamp:
        out += format_timestamp(column.int64_data()[row]);
        break;
      case DataType::Float64: {
        const double value = column.float64_data()[row];
        if (std::isnan(value)) {
          out += "nan";
        } else {
          char digits[64];
          out.append(digits, std::to_chars(digits, digits + sizeof(digits), value).ptr);
        }
        break;
      }
      case DataType::Bool:
        out += column.bool_data()[row] != 0 ? "true" : "false";
        break;
      case DataType::String:
        out += "[" + std::string(column.string_at(row)) + "]";
        break;
    }
  }
  return out;
}

struct ReadResult {
  std::vector<std::string> rows;
  std::vector<uint64_t> morsel_first_ordinals;
  std::vector<uint64_t> morsel_first_lines;
};

ReadResult read_all(Source& source, size_t max_rows) {
  ReadResult result;
  Batch batch(source.schema());
  std::optional<uint64_t> expected_ordinal;
  while (std::unique_ptr<SourceMorsel> morsel = source.next_morsel(max_rows)) {
    if (!expected_ordinal) expected_ordinal = morsel->first_row_ordinal;
    EXPECT_GT(morsel->num_rows, 0u);
    EXPECT_LE(morsel->num_rows, max_rows);
    EXPECT_EQ(morsel->first_row_ordinal, *expected_ordinal);
    *expected_ordinal += morsel->num_rows;
    batch.clear();
    source.load(*morsel, batch);
    EXPECT_EQ(batch.num_rows(), morsel->num_rows);
    EXPECT_EQ(batch.first_row_ordinal, morsel->first_row_ordinal);
    result.morsel_first_ordinals.push_back(batch.first_row_ordinal);
    result.morsel_first_lines.push_back(batch.first_line);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      result.rows.push_back(render_row(batch, row));
    }
  }
  return result;
}

// Read sizes that make records straddle reads and chunks (0: the default).
constexpr size_t kReadBlockSizes[] = {0, 1, 2, 3, 7, 64};

std::vector<std::string> read_bytes_in_blocks(std::string_view csv, const Schema& schema,
                                              const std::vector<std::string>& not_null, size_t max_rows,
                                              size_t read_block_bytes) {
  CsvSourceOptions options{"in.csv", schema, not_null};
  options.read_block_bytes = read_block_bytes;
  auto source = CsvSource::from_bytes(std::move(options), csv);
  return read_all(*source, max_rows).rows;
}

// The rows, the same whatever the size of the reads (checked).
std::vector<std::string> read_bytes(std::string_view csv, Schema schema,
                                    std::vector<std::string> not_null = {},
                                    size_t max_rows = 1000) {
  const std::vector<std::string> rows = read_bytes_in_blocks(csv, schema, not_null, max_rows, 0);
  for (const size_t block : kReadBlockSizes) {
    EXPECT_EQ(read_bytes_in_blocks(csv, schema, not_null, max_rows, block), rows)
        << "read blocks of " << block << " bytes";
  }
  return rows;
}

// The message of the InputError that reading `csv` throws ("" if none), the
// same whatever the size of the reads (checked).
std::string read_error(std::string_view csv, Schema schema, std::vector<std::string> not_null = {},
                       size_t max_rows = 1000) {
  std::vector<std::string> messages;
  for (const size_t block : kReadBlockSizes) {
    try {
      read_bytes_in_blocks(csv, schema, not_null, max_rows, block);
      messages.emplace_back();
    } catch (const InputError& error) {
      messages.emplace_back(error.what());
    }
    EXPECT_EQ(messages.back(), messages.front()) << "read blocks of " << block << " bytes";
  }
  return messages.front();
}

using Rows = std::vector<std::string>;

TEST(CsvSourceTest, ParsesEveryType) {
  const Schema schema = make_schema({{"i", DataType::Int64},
                                     {"f", DataType::Float64},
                                     {"b", DataType::Bool},
                                     {"t", DataType::Timestamp},
                                     {"s", DataType::String}});
  const std::string csv =
      "i,f,b,t,s\n"
      "1,1.5,true,2026-01-01T00:00:10Z,abc\n"
      " -42 ,-2e-3,F,1767225600000,hello world\n"
      "+7,.5,1,2026-01-01 00:00:00.123+01:00, padded \n"
      "9223372036854775807,nan,0,2026-01-01,x\n"
      "-9223372036854775808,-Infinity,TRUE,2026-01-01T00:00:00.5z,y\n"
      "0,inf,False,1969-12-31T23:59:59.999Z,z\n";
  EXPECT_EQ(read_bytes(csv, schema),
            (Rows{"1|1.5|true|2026-01-01T00:00:10.000Z|[abc]",
                  "-42|-0.002|false|2026-01-01T00:00:00.000Z|[hello world]",
                  "7|0.5|true|2025-12-31T23:00:00.123Z|[ padded ]",
                  "9223372036854775807|nan|false|2026-01-01T00:00:00.000Z|[x]",
                  "-9223372036854775808|-inf|true|2026-01-01T00:00:00.500Z|[y]",
                  "0|inf|false|1969-12-31T23:59:59.999Z|[z]"}));
}

TEST(CsvSourceTest, RejectsBadValuesWithFileLineColumnAndText) {
  const Schema schema = make_schema({{"i", DataType::Int64},
                                     {"f", DataType::Float64},
                                     {"b", DataType::Bool},
                                     {"t", DataType::Timestamp}});
  const std::string good = "1,1.5,true,5\n";
  EXPECT_EQ(read_error("i,f,b,t\n" + good + "12a,1,t,5\n", schema),
            "in.csv:3: column 1 (i): cannot parse \"12a\" as int64");
  EXPECT_EQ(read_error("i,f,b,t\n" + good + "9223372036854775808,1,t,5\n", schema),
            "in.csv:3: column 1 (i): cannot parse \"9223372036854775808\" as int64");
  EXPECT_EQ(read_error("i,f,b,t\n1,1.5.2,t,5\n", schema),
            "in.csv:2: column 2 (f): cannot parse \"1.5.2\" as float64");
  EXPECT_EQ(read_error("i,f,b,t\n1,1e,t,5\n", schema),
            "in.csv:2: column 2 (f): cannot parse \"1e\" as float64");
  EXPECT_EQ(read_error("i,f,b,t\n1,1,yes,5\n", schema),
            "in.csv:2: column 3 (b): cannot parse \"yes\" as bool");
  EXPECT_EQ(read_error("i,f,b,t\n1,1,t,2026-02-30\n", schema),
            "in.csv:2: column 4 (t): cannot parse \"2026-02-30\" as timestamp");
  EXPECT_EQ(read_error("i,f,b,t\n1,1,t,\"a\"\"b\"\n", schema),
            "in.csv:2: column 4 (t): cannot parse \"a\\\"b\" as timestamp");
  // Whitespace only is not empty, so not NULL.
  EXPECT_EQ(read_error("i,f,b,t\n  ,1,t,5\n", schema),
            "in.csv:2: column 1 (i): cannot parse \"  \" as int64");
}

TEST(CsvSourceTest, TruncatesLongOffendingText) {
  const std::string long_text(300, 'x');
  const std::string message =
      read_error("n\n" + long_text + "\n", make_schema({{"n", DataType::Int64}}));
  EXPECT_EQ(message,
            "in.csv:2: column 1 (n): cannot parse \"" + std::string(100, 'x') + "...\" as int64");
  EXPECT_EQ(read_error("n\n\"a\tb\x01\"\n", make_schema({{"n", DataType::Int64}})),
            "in.csv:2: column 1 (n): cannot parse \"a\\tb\\x01\" as int64");
}

TEST(CsvSourceTest, QuotedFieldsHoldCommasQuotesAndNewlines) {
  const Schema schema = make_schema({{"id", DataType::Int64}, {"s", DataType::String}});
  EXPECT_EQ(
      read_bytes("id,s\n"
                 "1,\"a,b\"\n"
                 "2,\"say \"\"hi\"\"\"\n"
                 "3,\"line1\nline2\r\nline3\"\n"
                 "\"4\",\"\"\"\"\n"
                 "5,5'10\"\n",
                 schema),
      (Rows{"1|[a,b]", "2|[say \"hi\"]", "3|[line1\nline2\r\nline3]", "4|[\"]", "5|[5'10\"]"}));
}

TEST(CsvSourceTest, NewlinesInsideQuotesAdvanceLineNumbers) {
  const Schema schema = make_schema({{"id", DataType::Int64}, {"s", DataType::String}});
  // Line 1 header, record 1 on lines 2-4, record 2 on line 5, record 3 on 6.
  const std::string csv = "id,s\n1,\"a\nb\nc\"\n2,x\nbad,y\n";
  EXPECT_EQ(read_error(csv, schema), "in.csv:6: column 1 (id): cannot parse \"bad\" as int64");
  for (size_t max_rows : {1, 2, 100}) {
    EXPECT_EQ(read_error(csv, schema, {}, max_rows),
              "in.csv:6: column 1 (id): cannot parse \"bad\" as int64");
  }
  // A field after a multi-line field of the same record reports its own line.
  EXPECT_EQ(read_error("s,id\n\"a\nb\",oops\n", make_schema({{"id", DataType::Int64}})),
            "in.csv:3: column 2 (id): cannot parse \"oops\" as int64");
  auto source = CsvSource::from_bytes({"in.csv", schema, {}}, "id,s\n1,\"a\nb\nc\"\n2,x\n3,y\n");
  const ReadResult result = read_all(*source, 1);
  EXPECT_EQ(result.morsel_first_lines, (std::vector<uint64_t>{2, 5, 6}));
}

TEST(CsvSourceTest, HandlesCrlfAndFinalLines) {
  const Schema schema = make_schema({{"a", DataType::Int64}, {"s", DataType::String}});
  const Rows expected{"1|[x]", "2|[y]"};
  EXPECT_EQ(read_bytes("a,s\r\n1,x\r\n2,y\r\n", schema), expected);
  EXPECT_EQ(read_bytes("a,s\r\n1,\"x\"\r\n2,\"y\"\r\n", schema), expected);
  EXPECT_EQ(read_bytes("a,s\n1,x\n2,y", schema), expected);    // no final newline
  EXPECT_EQ(read_bytes("a,s\n1,x\n2,y\r", schema), expected);  // final CR only
  EXPECT_EQ(read_bytes("a,s\n1,x\n2,\"y\"", schema), expected);
  EXPECT_EQ(read_bytes("a,s\r\n1,x\r\n2,y\r\n", schema, {}, 1), expected);
  EXPECT_EQ(read_bytes("a,s\n", schema), Rows{});  // header only
  EXPECT_EQ(read_bytes("a,s", schema), Rows{});
  // A blank line before the end is a record with one field.
  EXPECT_EQ(read_error("a,s\n1,x\n\n2,y\n", schema), "in.csv:3: expected 2 fields, found 1: \"\"");
  EXPECT_EQ(read_error("a,s\n1,x\n\n", schema), "in.csv:3: expected 2 fields, found 1: \"\"");
  // With one column, an empty line is a NULL row; the empty text after the
  // last newline is not a row.
  const Schema single = make_schema({{"a", DataType::Int64}});
  EXPECT_EQ(read_bytes("a\n1\n\n3\n\n", single), (Rows{"1", "NULL", "3", "NULL"}));
  EXPECT_EQ(read_bytes("a\r\n1\r\n\r\n", single), (Rows{"1", "NULL"}));
}

TEST(CsvSourceTest, EmptyUnquotedIsNullQuotedEmptyIsEmptyString) {
  const Schema schema = make_schema({{"s", DataType::String},
                                     {"i", DataType::Int64},
                                     {"f", DataType::Float64},
                                     {"b", DataType::Bool},
                                     {"t", DataType::Timestamp}});
  EXPECT_EQ(read_bytes("s,i,f,b,t\n,,,,\n\"\",\"\",\"\",\"\",\"\"\n\"x\",\"1\",\"2\",\"t\",\"3\"\n",
                       schema),
            (Rows{"NULL|NULL|NULL|NULL|NULL", "[]|NULL|NULL|NULL|NULL",
                  "[x]|1|2|true|1970-01-01T00:00:00.003Z"}));
}

TEST(CsvSourceTest, MatchesColumnsByNameIgnoringExtraOnes) {
  const Schema schema = make_schema({{"price", DataType::Float64}, {"id", DataType::Int64}});
  EXPECT_EQ(read_bytes("extra,id,\"price\",more\nq,1,2.5,r\n\"s,s\",2,3,\n", schema),
            (Rows{"2.5|1", "3|2"}));
  // Unquoted header names are trimmed.
  EXPECT_EQ(read_bytes("id , price\n1,2\n", schema), Rows{"2|1"});
  // A UTF-8 byte-order mark before the header is skipped.
  EXPECT_EQ(read_bytes("\xEF\xBB\xBFid,price\n1,2\n", schema), Rows{"2|1"});
}

TEST(CsvSourceTest, HeaderErrors) {
  const Schema schema = make_schema({{"ts", DataType::Int64}, {"price", DataType::Float64}});
  EXPECT_EQ(read_error("ts,auction,fee\n1,2,3\n", schema),
            "in.csv:1: missing column \"price\" in the header (the header has \"ts\", "
            "\"auction\", \"fee\")");
  EXPECT_EQ(read_error("ts,price,ts\n", schema),
            "in.csv:1: column \"ts\" appears twice in the header (fields 1 and 3)");
  EXPECT_EQ(read_error("", schema),
            "in.csv:1: empty file; expected a header row naming the columns");
  EXPECT_EQ(read_error("\xEF\xBB\xBF", schema),
            "in.csv:1: empty file; expected a header row naming the columns");
  EXPECT_EQ(read_error("ts,\"price\nx,1\n", schema),
            "in.csv:1: column 2: unterminated quoted field (no closing '\"' before the end of "
            "the file)");
}

TEST(CsvSourceTest, RejectsWrongFieldCount) {
  const Schema schema = make_schema({{"a", DataType::Int64}, {"b", DataType::Int64}});
  EXPECT_EQ(read_error("a,b\n1,2\n3\n", schema), "in.csv:3: expected 2 fields, found 1: \"3\"");
  EXPECT_EQ(read_error("a,b\n1,2\n3,4,5\n", schema), "in.csv:3: expected 2 fields, found 3: \"3,4,5\"");
  EXPECT_EQ(read_error("a,b\n1,2\n3,4,\n", schema), "in.csv:3: expected 2 fields, found 3: \"3,4,\"");
  // The count is reported before a value error it explains (a stray comma).
  EXPECT_EQ(read_error("a,b\n1,x,2\n", schema), "in.csv:2: expected 2 fields, found 3: \"1,x,2\"");
  // Records of one field where two are expected, in pairs: every second
  // separator is a '\n' (the column-at-a-time path must still see it).
  const Schema strings = make_schema({{"a", DataType::String}, {"b", DataType::String}});
  EXPECT_EQ(read_error("a,b\n1\n2\n", strings), "in.csv:2: expected 2 fields, found 1: \"1\"");
  EXPECT_EQ(read_error("a,b\n1,2\n3\n4", strings), "in.csv:3: expected 2 fields, found 1: \"3\"");
  // The record's first line, for a record spanning lines.
  EXPECT_EQ(read_error("a,b\n1,2\n\"3\n\",4,5\n", schema), "in.csv:3: expected 2 fields, found 3: \"\\\"3\"");
}

TEST(CsvSourceTest, RejectsUnterminatedQuoteAtItsStartingLine) {
  const Schema schema = make_schema({{"a", DataType::Int64}, {"s", DataType::String}});
  EXPECT_EQ(read_error("a,s\n1,x\n2,\"abc\n\ndef\n", schema),
            "in.csv:3: column 2 (s): unterminated quoted field (no closing '\"' before the end "
            "of the file)");
  EXPECT_EQ(read_error("a,s\n1,\"x\"\n\"2", schema),
            "in.csv:3: column 1 (a): unterminated quoted field (no closing '\"' before the end "
            "of the file)");
  EXPECT_EQ(read_error("a,s\n1,\"x\"\"", schema, {}, 1),
            "in.csv:2: column 2 (s): unterminated quoted field (no closing '\"' before the end "
            "of the file)");
}

TEST(CsvSourceTest, RejectsTextAfterClosingQuote) {
  const Schema schema = make_schema({{"a", DataType::Int64}, {"s", DataType::String}});
  EXPECT_EQ(read_error("a,s\n1,\"x\"y\n", schema),
            "in.csv:2: column 2 (s): unexpected text after the closing quote");
  EXPECT_EQ(read_error("a,s,extra\n1,x,\"e\" \n", schema),
            "in.csv:2: column 3 (extra): unexpected text after the closing quote");
}

TEST(CsvSourceTest, RejectsNullInNotNullColumn) {
  const Schema schema = make_schema({{"ts", DataType::Timestamp}, {"s", DataType::String}});
  EXPECT_EQ(read_error("s,ts\nx,5\ny,\n", schema, {"ts"}),
            "in.csv:3: column 2 (ts): NULL (empty) value in a not-null column");
  EXPECT_EQ(read_error("s,ts\nx,\"\"\n", schema, {"ts"}),
            "in.csv:2: column 2 (ts): NULL (empty) value in a not-null column");
  EXPECT_EQ(read_error("s,ts\n,5\n", schema, {"s"}),
            "in.csv:2: column 1 (s): NULL (empty) value in a not-null column");
  EXPECT_EQ(read_bytes("s,ts\n\"\",5\n", schema, {"s", "ts"}), Rows{"1970-01-01T00:00:00.005Z|[]"});
}

TEST(CsvSourceTest, ConfigErrors) {
  TemporaryDirectory directory;
  EXPECT_THROW(CsvSource({directory.file("missing.csv"), bids_schema(), {}}), ConfigError);
  EXPECT_THROW(CsvSource({"/dev/null", bids_schema(), {}}), ConfigError);
  write_file(directory.file("a.csv"), "ts\n");
  EXPECT_THROW(CsvSource({directory.file("a.csv"), bids_schema(), {"nope"}}), ConfigError);
  try {
    CsvSource source({directory.file("missing.csv"), bids_schema(), {}});
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("missing.csv\" does not exist"), std::string::npos);
  }
}

// Random CSV text with every structural feature the scanner must handle.
std::string random_csv(std::mt19937_64& random, size_t rows) {
  static const char* const kStrings[] = {
      "plain",    "",       "\"\"",   "\"a,b\"",  "\"x\ny\"",         "\"q\"\"q\"",
      "\"\r\n\"", "sp ace", "5'10\"", "\"\"\"\"", "\"multi\n\nline\""};
  std::string csv = random() % 2 ? "id,s,f\n" : "s,f,id\r\n";
  const bool id_first = csv[0] == 'i';
  for (size_t row = 0; row < rows; ++row) {
    const std::string id = std::to_string(row);
    const std::string s = kStrings[random() % std::size(kStrings)];
    const std::string f = random() % 5 == 0 ? "" : std::to_string(static_cast<int>(random() % 100));
    csv += id_first ? id + "," + s + "," + f : s + "," + f + "," + id;
    const bool last = row + 1 == rows;
    if (last && random() % 3 == 0) break;  // no final newline
    csv += random() % 2 ? "\n" : "\r\n";
  }
  return csv;
}

TEST(CsvSourceTest, AnyMorselSizeGivesTheSameRowsAndConsecutiveOrdinals) {
  const Schema schema =
      make_schema({{"id", DataType::Int64}, {"s", DataType::String}, {"f", DataType::Float64}});
  std::mt19937_64 random(42);
  for (int trial = 0; trial < 40; ++trial) {
    const std::string csv = random_csv(random, 1 + random() % 200);
    const Rows whole = read_bytes(csv, schema, {}, 1'000'000);
    for (int attempt = 0; attempt < 5; ++attempt) {
      const size_t max_rows = 1 + random() % 40;
      CsvSourceOptions options{"in.csv", schema, {}};
      options.read_block_bytes = random() % 2 ? 1 + random() % 100 : 0;
      auto source = CsvSource::from_bytes(std::move(options), csv);
      const ReadResult pieces = read_all(*source, max_rows);
      ASSERT_EQ(pieces.rows, whole) << "max_rows " << max_rows << "\n" << csv;
      EXPECT_TRUE(source->exhausted());
    }
    for (size_t row = 0; row < whole.size(); ++row) {
      EXPECT_EQ(whole[row].substr(0, whole[row].find('|')), std::to_string(row));
    }
  }
}

TEST(CsvSourceTest, SingleFileIsBoundedAndDescribed) {
  TemporaryDirectory directory;
  const std::string path = directory.file("bids.csv");
  write_file(path, "ts,auction,price,channel\n1,2,3,a\n4,5,6,b\n7,8,9,c\n");
  CsvSource source({path, bids_schema(), {"ts"}});
  EXPECT_EQ(source.describe(), "csv " + path);
  EXPECT_EQ(*source.schema(), bids_schema());
  EXPECT_FALSE(source.exhausted());
  auto first = source.next_morsel(2);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->num_rows, 2u);
  EXPECT_FALSE(source.exhausted());
  auto second = source.next_morsel(2);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->num_rows, 1u);
  EXPECT_EQ(second->first_row_ordinal, 2u);
  EXPECT_TRUE(source.exhausted());
  EXPECT_EQ(source.next_morsel(2), nullptr);
  source.discover();  // a no-op for a file
  EXPECT_EQ(source.next_morsel(2), nullptr);
  // Morsels stay loadable after the source moved on (they hold their chunk).
  Batch batch(source.schema());
  source.load(*first, batch);
  EXPECT_EQ(render_row(batch, 1), "1970-01-01T00:00:00.004Z|5|6|[b]");
  EXPECT_EQ(batch.first_line, 2u);
  const auto& csv_morsel = dynamic_cast<const CsvMorsel&>(*second);
  EXPECT_EQ(csv_morsel.first_line, 4u);
  EXPECT_EQ(csv_morsel.file->path, path);
}

TEST(CsvSourceTest, DirectoryReadsCsvFilesInNameOrderAndDiscoversNewOnes) {
  TemporaryDirectory directory;
  const Schema schema = make_schema({{"id", DataType::Int64}});
  write_file(directory.file("b.csv"), "id\n3\n4\n");
  write_file(directory.file("a.csv"), "x,id\n9,1\n9,2\n");
  write_file(directory.file("c.txt"), "id\n100\n");
  write_file(directory.file(".hidden.csv"), "id\n101\n");
  write_file(directory.file("d.CSV"), "id\n5\n");
  write_file(directory.file("empty_rows.csv"), "id\n");
  fs::create_directory(directory.path() / "sub.csv");

  CsvSource source({directory.path().string(), schema, {}});
  EXPECT_EQ(source.describe(), "csv " + directory.path().string());
  ReadResult first = read_all(source, 10);
  EXPECT_EQ(first.rows, (Rows{"1", "2", "3", "4", "5"}));
  // One morsel per file: a morsel never spans two files.
  EXPECT_EQ(first.morsel_first_ordinals, (std::vector<uint64_t>{0, 2, 4}));
  EXPECT_EQ(first.morsel_first_lines, (std::vector<uint64_t>{2, 2, 2}));
  EXPECT_FALSE(source.exhausted());  // a directory is unbounded until sealed

  // A file appears (written elsewhere, renamed in); an old one is rewritten.
  write_file(directory.file(".f.tmp"), "id\n6\n7\n");
  fs::rename(directory.file(".f.tmp"), directory.file("f.csv"));
  write_file(directory.file("0-early.csv"), "id\n0\n");
  write_file(directory.file("a.csv"), "x,id\n9,1000\n");
  EXPECT_EQ(source.next_morsel(10), nullptr);  // not discovered yet
  source.discover();
  ReadResult second = read_all(source, 1);
  // New files come after the old ones, in name order among themselves; the
  // ordinals continue.
  EXPECT_EQ(second.rows, (Rows{"0", "6", "7"}));
  EXPECT_EQ(second.morsel_first_ordinals, (std::vector<uint64_t>{5, 6, 7}));
  source.discover();
  EXPECT_EQ(source.next_morsel(10), nullptr);
  EXPECT_FALSE(source.exhausted());
  source.seal();
  EXPECT_TRUE(source.exhausted());
  write_file(directory.file("g.csv"), "id\n8\n");
  source.discover();  // sealed: no more looking
  EXPECT_EQ(source.next_morsel(10), nullptr);
}

TEST(CsvSourceTest, OrdinalsContinueAcrossFilesAndSealedDirectoryDrains) {
  TemporaryDirectory directory;
  const Schema schema = make_schema({{"id", DataType::Int64}});
  write_file(directory.file("1.csv"), "id\n1\n2\n3\n");
  write_file(directory.file("2.csv"), "id\n4\n5\n");
  CsvSource source({directory.path().string(), schema, {}});
  source.seal();
  EXPECT_FALSE(source.exhausted());
  std::vector<uint64_t> ordinals;
  while (auto morsel = source.next_morsel(2)) ordinals.push_back(morsel->first_row_ordinal);
  EXPECT_EQ(ordinals, (std::vector<uint64_t>{0, 2, 3}));
  EXPECT_TRUE(source.exhausted());
}

TEST(CsvSourceTest, ErrorsNameTheFileInsideADirectory) {
  TemporaryDirectory directory;
  write_file(directory.file("a.csv"), "id\n1\n");
  write_file(directory.file("b.csv"), "id\n2\nx\n");
  CsvSource source({directory.path().string(), make_schema({{"id", DataType::Int64}}), {}});
  try {
    read_all(source, 100);
    FAIL();
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              directory.file("b.csv") + ":3: column 1 (id): cannot parse \"x\" as int64");
  }
}

TEST(CsvSourceTest, LoadsMorselsConcurrently) {
  std::string csv = "id,s\n";
  for (int row = 0; row < 20000; ++row) {
    csv +=
        std::to_string(row) + (row % 3 == 0 ? ",\"q,\"\"" + std::to_string(row) + "\"\n" : ",x\n");
  }
  const Schema schema = make_schema({{"id", DataType::Int64}, {"s", DataType::String}});
  auto source = CsvSource::from_bytes({"in.csv", schema, {}}, csv);
  std::vector<std::unique_ptr<SourceMorsel>> morsels;
  while (auto morsel = source->next_morsel(1000)) morsels.push_back(std::move(morsel));
  ASSERT_EQ(morsels.size(), 20u);
  std::vector<int64_t> sums(4, 0);
  std::vector<std::thread> workers;
  for (size_t worker = 0; worker < sums.size(); ++worker) {
    workers.emplace_back([&, worker] {
      Batch batch(source->schema());
      for (size_t index = worker; index < morsels.size(); index += sums.size()) {
        batch.clear();
        source->load(*morsels[index], batch);
        for (size_t row = 0; row < batch.num_rows(); ++row) {
          sums[worker] += batch.column(0).int64_data()[row];
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  int64_t total = 0;
  for (int64_t sum : sums) total += sum;
  EXPECT_EQ(total, int64_t{20000} * 19999 / 2);
}

}  // namespace
}  // namespace weir
