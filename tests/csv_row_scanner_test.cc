#include "ingest/csv_row_scanner.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "runtime/errors.h"

namespace weir {
namespace {

// The word-at-a-time search against a plain loop, at every alignment and
// length, with bytes that stress the bit tricks (0x80+, neighbours of ','
// and '\n').
TEST(CsvRowScannerTest, WordSearchMatchesByteLoop) {
  std::mt19937_64 random(3);
  const std::string alphabet = std::string(",\n\r\"a\x2b\x2d\x0b\x09\x00", 10) + "\x80\xAC\x8A\xFF";
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text(random() % 40, 'x');
    for (char& c : text) {
      if (random() % 3 == 0) c = alphabet[random() % alphabet.size()];
    }
    const char* begin = text.data() + (text.empty() ? 0 : random() % (text.size() + 1));
    const char* end = text.data() + text.size();
    const char* expected_separator = begin;
    while (expected_separator < end && *expected_separator != ',' && *expected_separator != '\n') {
      ++expected_separator;
    }
    ASSERT_EQ(csv_text::find_comma_or_newline(begin, end), expected_separator);
  }
}

std::vector<std::string> field_texts(std::string_view record) {
  std::vector<std::string> texts;
  CsvField field;
  const char* cursor = record.data();
  do {
    cursor = read_csv_field(cursor, record.data() + record.size(), field);
    std::string text(field.begin, field.end);
    if (field.has_escaped_quotes) {
      text.clear();
      unescape_csv_quotes(std::string_view(field.begin, field.end - field.begin), text);
    }
    texts.push_back((field.quoted ? "q:" : "u:") + text);
  } while (!field.ends_record);
  return texts;
}

TEST(CsvRowScannerTest, ReadsFields) {
  using Texts = std::vector<std::string>;
  EXPECT_EQ(field_texts("a,b\n"), (Texts{"u:a", "u:b"}));
  EXPECT_EQ(field_texts("a,\"b,\"\"c\"\"\"\r\n"), (Texts{"u:a", "q:b,\"c\""}));
  EXPECT_EQ(field_texts(",\r\n"), (Texts{"u:", "u:"}));
  EXPECT_EQ(field_texts("\"\""), (Texts{"q:"}));
  EXPECT_EQ(field_texts("x\r"), (Texts{"u:x"}));
  EXPECT_EQ(field_texts("a\rb,c\r\n"), (Texts{"u:a\rb", "u:c"}));
  CsvField field;
  const std::string_view bad = "\"a\"b,c";
  read_csv_field(bad.data(), bad.data() + bad.size(), field);
  EXPECT_TRUE(field.has_text_after_quote);
}

TEST(CsvRowScannerTest, CutsRecordsAndCountsLines) {
  const std::string text = "h\n1\n\"a\nb\"\n\"c\"\"\",x\n\nlast";
  CsvRowScanner scanner(text, 0, "f.csv");
  const CsvRowScanner::Cut header = scanner.cut(1);
  EXPECT_EQ(header.rows, 1u);
  EXPECT_EQ(header.end, 2u);
  const CsvRowScanner::Cut first = scanner.cut(2);
  EXPECT_EQ(first.rows, 2u);
  EXPECT_EQ(first.first_line, 2u);
  EXPECT_EQ(text.substr(first.begin, first.end - first.begin), "1\n\"a\nb\"\n");
  const CsvRowScanner::Cut rest = scanner.cut(100);
  EXPECT_EQ(rest.rows, 3u);
  EXPECT_EQ(rest.first_line, 5u);
  EXPECT_EQ(rest.end, text.size());
  EXPECT_TRUE(scanner.done());
  EXPECT_EQ(scanner.cut(10).rows, 0u);
}

// Records much longer than the chunks the scanner looks at.
TEST(CsvRowScannerTest, CutsRecordsLongerThanAScanChunk) {
  const std::string long_plain(3 << 20, 'p');
  const std::string text = "h\n" + long_plain + "\n" + long_plain + ",\"q\nq\"\nshort\n" + long_plain;
  CsvRowScanner scanner(text, 0, "f.csv");
  scanner.cut(1);
  std::vector<uint64_t> lines;
  std::vector<size_t> sizes;
  while (!scanner.done()) {
    const CsvRowScanner::Cut cut = scanner.cut(1);
    lines.push_back(cut.first_line);
    sizes.push_back(cut.end - cut.begin);
  }
  EXPECT_EQ(lines, (std::vector<uint64_t>{2, 3, 5, 6}));
  EXPECT_EQ(sizes, (std::vector<size_t>{long_plain.size() + 1, long_plain.size() + 7, 6,
                                        long_plain.size()}));
}

TEST(CsvRowScannerTest, ThrowsForUnterminatedQuote) {
  const std::string text = "a,b\n1,\"x\n\n";
  CsvRowScanner scanner(text, 0, "f.csv");
  scanner.set_field_names({"a", "b"});
  scanner.cut(1);
  try {
    scanner.cut(10);
    FAIL();
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "f.csv:2: column 2 (b): unterminated quoted field (no closing '\"' before the end "
              "of the file)");
  }
}

// Random CSV text rich in what the scan must honour: quoted fields with
// doubled quotes, commas and newlines inside, quotes inside unquoted fields
// and after closing quotes, CRLF, empty lines, a last line without newline,
// sometimes an unterminated quote; short and long records so that record
// ends fall anywhere in the 64-byte blocks and 4 KiB chunks.
std::string random_csv(std::mt19937_64& random) {
  std::string text;
  const size_t records = random() % 200;
  const uint64_t long_fields = random() % 4;  // 0: none
  for (size_t record = 0; record < records; ++record) {
    const size_t fields = 1 + random() % 4;
    for (size_t field = 0; field < fields; ++field) {
      if (field > 0) text += ',';
      switch (random() % 8) {
        case 0:
          text += '"' + std::string(random() % 5, 'q') + "\"\"x,\n\"";
          break;
        case 1:
          text += "\"a\nb\r\n\"";
          break;
        case 2:
          text += "5'10\"";  // a quote inside an unquoted field
          break;
        case 3:
          text += "\"c\"d\"e";  // text after the closing quote, holding a quote
          break;
        case 4:
          break;  // empty
        default:
          text += std::string(
              long_fields != 0 && random() % 8 == 0 ? random() % 5000 : random() % 12, 'v');
      }
    }
    text += random() % 3 == 0 ? "\r\n" : "\n";
  }
  switch (random() % 6) {
    case 0:
      text += "last";  // a final line without newline
      break;
    case 1:
      text += "\r";
      break;
    case 2:
      text += "x,\"never closed\n\n";
      break;
    default:
      break;
  }
  return text;
}

struct ExpectedCuts {
  std::vector<std::string> records;
  std::vector<uint64_t> lines;  // the first line of each record
  std::optional<std::string> error;
};

// The byte-by-byte walk with read_csv_field: records, their first lines and
// the unterminated-quote message.
ExpectedCuts walk_records(const std::string& text, const std::vector<std::string>& names) {
  ExpectedCuts expected;
  const char* cursor = text.data();
  const char* const end = text.data() + text.size();
  uint64_t line = 1;
  while (cursor < end && !(end - cursor == 1 && *cursor == '\r')) {
    const char* record_start = cursor;
    uint64_t field_line = line;
    size_t field_index = 0;
    CsvField field;
    do {
      cursor = read_csv_field(cursor, end, field);
      if (field.unterminated) {
        expected.error = "f.csv:" + std::to_string(field_line) + ": column " +
                         std::to_string(field_index + 1) +
                         (field_index < names.size() ? " (" + names[field_index] + ")" : "") +
                         ": unterminated quoted field (no closing '\"' before the end of the file)";
        return expected;
      }
      field_line += field.embedded_newlines;
      ++field_index;
    } while (!field.ends_record);
    expected.records.emplace_back(record_start, cursor);
    expected.lines.push_back(line);
    line = field_line + 1;
  }
  return expected;
}

TEST(CsvRowScannerTest, CutsAsTheByteWalkDoes) {
  std::mt19937_64 random(21);
  const std::vector<std::string> names = {"a", "b", "c"};
  for (int trial = 0; trial < 2000; ++trial) {
    const std::string text = random_csv(random);
    const ExpectedCuts expected = walk_records(text, names);
    CsvRowScanner scanner(text, 0, "f.csv");
    scanner.set_field_names(names);
    std::vector<std::string> records;
    std::vector<uint64_t> lines;
    std::optional<std::string> error;
    try {
      while (!scanner.done()) {
        const size_t wanted = 1 + random() % (random() % 2 ? 3 : 100);
        const CsvRowScanner::Cut cut = scanner.cut(wanted);
        ASSERT_GT(cut.rows, 0u);
        ASSERT_LE(cut.rows, wanted);
        // Split the cut into records with the walk (tested above) to compare.
        const ExpectedCuts pieces =
            walk_records(text.substr(cut.begin, cut.end - cut.begin), names);
        ASSERT_EQ(pieces.records.size(), cut.rows);
        for (size_t index = 0; index < pieces.records.size(); ++index) {
          records.push_back(pieces.records[index]);
          lines.push_back(cut.first_line + pieces.lines[index] - 1);
        }
      }
    } catch (const InputError& thrown) {
      error = thrown.what();
    }
    ASSERT_EQ(error, expected.error) << text;
    if (expected.error) continue;  // (a cut that throws returns none of its rows)
    ASSERT_EQ(records, expected.records) << text;
    ASSERT_EQ(lines, expected.lines) << text;
    EXPECT_EQ(scanner.cut(5).rows, 0u);
  }
}

// Text arriving a piece at a time (a file read in blocks): the scanner cuts
// only records whose end it has seen, asks for more at the end of each
// piece, and gives the records, lines and errors of the whole text. Pieces
// are prefixes of the text here, in a copy that moves (as a fresh chunk
// does), so any pointer kept into an old piece would be caught by ASan.
TEST(CsvRowScannerTest, TextInPiecesCutsAsTheWholeText) {
  std::mt19937_64 random(22);
  const std::vector<std::string> names = {"a", "b", "c"};
  for (int trial = 0; trial < 2000; ++trial) {
    const std::string text = random_csv(random);
    const ExpectedCuts expected = walk_records(text, names);
    const size_t piece_bytes = 1 + random() % (random() % 2 ? 8 : 3000);
    size_t have = std::min(text.size(), piece_bytes);
    // The bytes from `base` on, as the current chunk holds them.
    size_t base = 0;
    auto piece = std::make_unique<std::string>(text.substr(0, have));
    CsvRowScanner scanner(*piece, 0, "f.csv", have == text.size());
    scanner.set_field_names(names);
    std::vector<std::string> records;
    std::vector<uint64_t> lines;
    std::optional<std::string> error;
    try {
      while (!scanner.done()) {
        const size_t wanted = 1 + random() % (random() % 2 ? 3 : 100);
        const CsvRowScanner::Cut cut = scanner.cut(wanted);
        ASSERT_LE(cut.rows, wanted);
        if (cut.rows < wanted && !scanner.done()) {
          ASSERT_TRUE(scanner.needs_text());
          ASSERT_LT(have, text.size());
        } else {
          ASSERT_FALSE(scanner.needs_text());
        }
        const ExpectedCuts pieces = walk_records(piece->substr(cut.begin, cut.end - cut.begin), names);
        ASSERT_EQ(pieces.records.size(), cut.rows);
        for (size_t index = 0; index < pieces.records.size(); ++index) {
          records.push_back(pieces.records[index]);
          lines.push_back(cut.first_line + pieces.lines[index] - 1);
        }
        if (scanner.needs_text()) {
          // Keep from the scanner's position on, in a new buffer.
          const size_t position = base + cut.end;
          have = std::min(text.size(), have + piece_bytes);
          base = random() % 2 ? position : base;
          piece = std::make_unique<std::string>(text.substr(base, have - base));
          scanner.continue_in(*piece, position - base, have == text.size());
        }
      }
    } catch (const InputError& thrown) {
      error = thrown.what();
    }
    ASSERT_EQ(error, expected.error) << text;
    if (expected.error) continue;
    ASSERT_EQ(records, expected.records) << text;
    ASSERT_EQ(lines, expected.lines) << text;
    EXPECT_EQ(scanner.cut(5).rows, 0u);
  }
}

// The SIMD field reader gives what read_csv_field gives, field by field.
TEST(CsvRowScannerTest, FieldReaderMatchesReadCsvField) {
  std::mt19937_64 random(8);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text = random_csv(random);
    const ExpectedCuts expected = walk_records(text, {});
    if (expected.error) text.resize(text.rfind("x,\"never"));
    // An exact-size copy: AddressSanitizer sees any read past the end.
    const auto copy = std::make_unique<char[]>(text.size());
    std::copy(text.begin(), text.end(), copy.get());
    const char* const end = copy.get() + text.size();
    CsvFieldReader reader(copy.get(), end);
    const char* cursor = copy.get();
    const char* reference_cursor = copy.get();
    while (cursor < end) {
      CsvField field, reference;
      cursor = reader.read(cursor, field);
      reference_cursor = read_csv_field(reference_cursor, end, reference);
      ASSERT_EQ(cursor, reference_cursor) << text;
      ASSERT_EQ(field.begin, reference.begin);
      ASSERT_EQ(field.end, reference.end);
      ASSERT_EQ(field.quoted, reference.quoted);
      ASSERT_EQ(field.has_escaped_quotes, reference.has_escaped_quotes);
      ASSERT_EQ(field.has_text_after_quote, reference.has_text_after_quote);
      ASSERT_EQ(field.unterminated, reference.unterminated);
      ASSERT_EQ(field.ends_record, reference.ends_record);
      ASSERT_EQ(field.embedded_newlines, reference.embedded_newlines);
    }
  }
}

}  // namespace
}  // namespace weir
