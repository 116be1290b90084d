#include "ingest/csv_row_scanner.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "runtime/errors.h"

namespace weir {
namespace {

// Word-at-a-time searches against plain loops, at every alignment and
// length, with bytes that stress the bit tricks (0x80+, neighbours of ','
// and '\n').
TEST(CsvRowScannerTest, WordSearchesMatchByteLoops) {
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

    const size_t wanted = 1 + random() % 6;
    size_t expected_passed = 0;
    const char* expected_after = begin;
    for (const char* p = begin; p < end && expected_passed < wanted; ++p) {
      if (*p == '\n') {
        ++expected_passed;
        expected_after = p + 1;
      }
    }
    const char* after = nullptr;
    ASSERT_EQ(csv_text::skip_newlines(begin, end, wanted, after), expected_passed);
    ASSERT_EQ(after, expected_after);
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

// Records longer than the scanner's look-ahead window for quotes.
TEST(CsvRowScannerTest, CutsRecordsLongerThanTheQuoteWindow) {
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

}  // namespace
}  // namespace weir
