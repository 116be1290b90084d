#include "ingest/csv_field_parser.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

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

// Random short texts near the fast paths' forms (digits, one sign, one
// '.', blanks, exponents, letters), read in place from a buffer with junk
// after them, so the word-at-a-time reads see arbitrary bytes past the field.
std::string random_number_text(std::mt19937_64& random) {
  static const std::string kAlphabet = "0123456789012345678901234567890123456789-+. e/:x";
  std::string text;
  const size_t length = random() % (random() % 4 == 0 ? 22 : 10);
  for (size_t i = 0; i < length; ++i) text += kAlphabet[random() % kAlphabet.size()];
  if (random() % 3 == 0 && !text.empty()) {
    // Mostly well formed: [-]digits[.digits].
    text = (random() % 4 == 0 ? "-" : "") + std::to_string(random() % 100000000) +
           (random() % 2 ? "." + std::string(random() % 4, '0') + std::to_string(random() % 1000)
                         : "");
  }
  return text;
}

TEST(CsvFieldParserTest, FastPathsMatchTheGeneralParsers) {
  std::mt19937_64 random(12);
  for (int trial = 0; trial < 300000; ++trial) {
    const std::string text = random_number_text(random);
    std::string buffer = text;
    for (int junk = 0; junk < 8; ++junk) buffer += "0.-9,\n\"x"[random() % 8];
    const std::string_view in_place(buffer.data(), text.size());

    int64_t expected_int = 0, int_value = 0, int_padded = 0;
    const bool int_parsed = csv_field_detail::parse_int64_general(text, expected_int);
    ASSERT_EQ(parse_int64_field(text, int_value), int_parsed) << text;
    ASSERT_EQ(parse_int64_field(in_place, buffer.size(), int_padded), int_parsed) << text;
    if (int_parsed) {
      ASSERT_EQ(int_value, expected_int) << text;
      ASSERT_EQ(int_padded, expected_int) << text;
    }

    double expected_float = 0, float_value = 0, float_padded = 0;
    const bool float_parsed = csv_field_detail::parse_float64_general(text, expected_float);
    ASSERT_EQ(parse_float64_field(text, float_value), float_parsed) << text;
    ASSERT_EQ(parse_float64_field(in_place, buffer.size(), float_padded), float_parsed) << text;
    if (float_parsed) {
      // Bit for bit (the sign of zero included).
      ASSERT_EQ(std::bit_cast<uint64_t>(float_value), std::bit_cast<uint64_t>(expected_float))
          << text;
      ASSERT_EQ(std::bit_cast<uint64_t>(float_padded), std::bit_cast<uint64_t>(expected_float))
          << text;
    }
  }
}

TEST(CsvFieldParserTest, FastPathsOnTheirEdges) {
  int64_t value = 0;
  const std::string padded = "12345678,99999999,-0,00000007,123456789,12345678901234567890\n";
  EXPECT_TRUE(parse_int64_field(std::string_view(padded.data(), 8), padded.size(), value));
  EXPECT_EQ(value, 12345678);
  EXPECT_TRUE(parse_int64_field(std::string_view(padded.data() + 9, 8), padded.size() - 9, value));
  EXPECT_EQ(value, 99999999);
  EXPECT_TRUE(
      parse_int64_field(std::string_view(padded.data() + 18, 2), padded.size() - 18, value));
  EXPECT_EQ(value, 0);
  EXPECT_TRUE(
      parse_int64_field(std::string_view(padded.data() + 21, 8), padded.size() - 21, value));
  EXPECT_EQ(value, 7);
  EXPECT_TRUE(
      parse_int64_field(std::string_view(padded.data() + 30, 9), padded.size() - 30, value));
  EXPECT_EQ(value, 123456789);
  EXPECT_FALSE(
      parse_int64_field(std::string_view(padded.data() + 40, 20), padded.size() - 40, value));
  double real = 0;
  for (const char* text :
       {"35.68", "-0.00", "0.1", "9999999.", "1.2345678", "12345.678", "007.50"}) {
    std::string buffer = std::string(text) + "........";
    double expected = 0;
    const bool parsed = csv_field_detail::parse_float64_general(text, expected);
    ASSERT_EQ(parse_float64_field(std::string_view(buffer.data(), std::strlen(text)), buffer.size(),
                                  real),
              parsed)
        << text;
    if (parsed) {
      EXPECT_EQ(std::bit_cast<uint64_t>(real), std::bit_cast<uint64_t>(expected)) << text;
    }
  }
}

// The date-remembering parser gives what parse_timestamp_field gives, over
// runs of one date, dates alternating (a file starting at midnight with
// rows out of order), and malformed times after a known date.
TEST(CsvFieldParserTest, TimestampFieldParserMatchesParseTimestampField) {
  std::mt19937_64 random(31);
  TimestampFieldParser parser;
  int64_t unused = 0;
  // A date never read is not known, whatever its bytes.
  EXPECT_FALSE(parser.parse(std::string(10, '\0') + "T00:00:00Z", unused));
  const std::vector<std::string> dates = {"2025-12-31", "2026-01-01", "2024-02-29", "1969-12-31"};
  for (int trial = 0; trial < 200000; ++trial) {
    const auto two = [&](int limit) {
      const int value = static_cast<int>(random() % static_cast<uint64_t>(limit));
      return std::string(1, static_cast<char>('0' + value / 10)) +
             static_cast<char>('0' + value % 10);
    };
    std::string text = dates[random() % (trial % 1000 < 500 ? 1 : dates.size())] + "T" + two(25) +
                       ":" + two(61) + ":" + two(62);
    if (random() % 2) text += "." + std::to_string(100 + random() % 900);
    text += "Z";
    if (random() % 10 == 0) text[10 + random() % (text.size() - 10)] = "0:-T.Zx/z "[random() % 10];
    if (random() % 50 == 0) text = " " + text;
    int64_t expected = 0, value = 0;
    const bool parsed = parse_timestamp_field(text, expected);
    ASSERT_EQ(parser.parse(text, value), parsed) << text;
    if (parsed) {
      ASSERT_EQ(value, expected) << text;
    }
  }
}

}  // namespace
}  // namespace weir
