#include "ingest/csv_field_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "runtime/timestamp.h"

namespace weir {
namespace {

TEST(CsvFieldParserTest, Int64) {
  int64_t value = 0;
  EXPECT_TRUE(parse_int64_field("42", value));
  EXPECT_EQ(value, 42);
  EXPECT_TRUE(parse_int64_field(" \t-7 ", value));
  EXPECT_EQ(value, -7);
  EXPECT_TRUE(parse_int64_field("+9", value));
  EXPECT_EQ(value, 9);
  EXPECT_TRUE(parse_int64_field("-9223372036854775808", value));
  EXPECT_EQ(value, std::numeric_limits<int64_t>::min());
  for (const char* bad : {"", " ", "+", "-", "+-1", "1.0", "1e3", "0x10", "12a", "1 2",
                          "9223372036854775808", "--1"}) {
    EXPECT_FALSE(parse_int64_field(bad, value)) << bad;
  }
}

TEST(CsvFieldParserTest, Float64) {
  double value = 0;
  EXPECT_TRUE(parse_float64_field("1.5", value));
  EXPECT_EQ(value, 1.5);
  EXPECT_TRUE(parse_float64_field(" +2e-3 ", value));
  EXPECT_EQ(value, 0.002);
  EXPECT_TRUE(parse_float64_field(".5", value));
  EXPECT_EQ(value, 0.5);
  EXPECT_TRUE(parse_float64_field("0.1", value));
  EXPECT_EQ(value, 0.1);
  EXPECT_TRUE(parse_float64_field("1e400", value));
  EXPECT_TRUE(std::isinf(value));
  for (const char* text : {"nan", "NaN", "-nan", "NAN"}) {
    EXPECT_TRUE(parse_float64_field(text, value)) << text;
    EXPECT_TRUE(std::isnan(value)) << text;
  }
  for (const char* text : {"inf", "Infinity", "+INF", "-infinity"}) {
    EXPECT_TRUE(parse_float64_field(text, value)) << text;
    EXPECT_TRUE(std::isinf(value)) << text;
    EXPECT_EQ(value < 0, text[0] == '-') << text;
  }
  for (const char* bad :
       {"", " ", "+", "-", "1e", "1.2.3", "abc", "0x1p3", "1,5", "infx", "nanx", "++1"}) {
    EXPECT_FALSE(parse_float64_field(bad, value)) << bad;
  }
}

TEST(CsvFieldParserTest, Bool) {
  bool value = false;
  for (const char* yes : {"true", "TRUE", "True", "t", "T", "1", " true "}) {
    value = false;
    EXPECT_TRUE(parse_bool_field(yes, value)) << yes;
    EXPECT_TRUE(value) << yes;
  }
  for (const char* no : {"false", "FALSE", "f", "F", "0"}) {
    value = true;
    EXPECT_TRUE(parse_bool_field(no, value)) << no;
    EXPECT_FALSE(value) << no;
  }
  for (const char* bad : {"", "yes", "no", "2", "tru", "truee", "on"}) {
    EXPECT_FALSE(parse_bool_field(bad, value)) << bad;
  }
}

TEST(CsvFieldParserTest, TimestampAcceptsWhatParseTimestampAccepts) {
  int64_t value = 0;
  EXPECT_TRUE(parse_timestamp_field("2026-01-01T00:00:10.000Z", value));
  EXPECT_EQ(value, 1767225610000);
  EXPECT_TRUE(parse_timestamp_field(" 2026-01-01T00:00:10Z ", value));
  EXPECT_EQ(value, 1767225610000);
  EXPECT_TRUE(parse_timestamp_field("1767225610000", value));
  EXPECT_EQ(value, 1767225610000);
  EXPECT_FALSE(parse_timestamp_field("2026-02-29T00:00:00Z", value));
  EXPECT_FALSE(parse_timestamp_field("", value));
}

// The fixed-position fast path must agree with parse_timestamp on every
// string of its two shapes, valid or not.
TEST(CsvFieldParserTest, CanonicalTimestampFastPathMatchesParseTimestamp) {
  std::mt19937_64 random(7);
  const auto two_digits = [&](int limit) {
    const int value = static_cast<int>(random() % static_cast<uint64_t>(limit));
    return std::string(1, static_cast<char>('0' + value / 10)) +
           static_cast<char>('0' + value % 10);
  };
  for (int trial = 0; trial < 200000; ++trial) {
    std::string text = std::to_string(1000 + random() % 9000) + "-" + two_digits(14) + "-" +
                       two_digits(33) + "T" + two_digits(26) + ":" + two_digits(62) + ":" +
                       two_digits(63);
    if (random() % 2) text += "." + std::to_string(100 + random() % 900);
    text += "Z";
    if (random() % 20 == 0) text[random() % text.size()] = "0:-T.Zx/z"[random() % 9];
    int64_t value = 0;
    const bool parsed = parse_timestamp_field(text, value);
    const std::optional<int64_t> expected = parse_timestamp(text);
    ASSERT_EQ(parsed, expected.has_value()) << text;
    if (parsed) {
      ASSERT_EQ(value, *expected) << text;
    }
  }
}

TEST(CsvFieldParserTest, MessageTextIsEscapedAndTruncated) {
  EXPECT_EQ(field_text_for_message("plain"), "plain");
  EXPECT_EQ(field_text_for_message("a\"b\\c\n\r\t\x01\x7f"), "a\\\"b\\\\c\\n\\r\\t\\x01\\x7f");
  EXPECT_EQ(field_text_for_message(std::string(150, 'x')), std::string(100, 'x') + "...");
  // Never cuts a UTF-8 character in two: "é" is two bytes, 99 + 2 > 100.
  EXPECT_EQ(field_text_for_message(std::string(99, 'x') + "\xC3\xA9" + "tail"),
            std::string(99, 'x') + "...");
  EXPECT_EQ(field_text_for_message(std::string(100, 'x')), std::string(100, 'x'));
}

}  // namespace
}  // namespace weir
