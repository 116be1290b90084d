#include "runtime/timestamp.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <limits>
#include <string>

#include "runtime/duration.h"

namespace weir {
namespace {

TEST(TimestampTest, ParsesIsoForms) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_timestamp("2026-01-01T00:00:00Z"), 1767225600000);
  EXPECT_EQ(parse_timestamp("2026-01-01 00:00:00.123"), 1767225600123);
  EXPECT_EQ(parse_timestamp("2026-01-01T00:00:00.1Z"), 1767225600100);
  EXPECT_EQ(parse_timestamp("2026-01-01T00:00:00.123456789Z"), 1767225600123);
  EXPECT_EQ(parse_timestamp("2026-01-01T01:00:00+01:00"), 1767225600000);
  EXPECT_EQ(parse_timestamp("2025-12-31T19:00:00-05:00"), 1767225600000);
  EXPECT_EQ(parse_timestamp("2026-01-01T00:00:00+00:00"), 1767225600000);
  EXPECT_EQ(parse_timestamp("2026-01-01"), 1767225600000);
  EXPECT_EQ(parse_timestamp("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(parse_timestamp("2024-02-29T12:00:00Z"), 1709208000000);
}

TEST(TimestampTest, ParsesEpochMillis) {
  EXPECT_EQ(parse_timestamp("1767225600000"), 1767225600000);
  EXPECT_EQ(parse_timestamp("-5"), -5);
  EXPECT_EQ(parse_timestamp("0"), 0);
}

TEST(TimestampTest, RejectsMalformed) {
  for (const char* text : {"", "2026-13-01T00:00:00Z", "2023-02-29", "2026-01-01T25:00:00Z",
                           "2026-01-01T00:00:00ZZ", "2026-01-01X00:00:00", "12a", "2026-01-01T00:00:00.",
                           "2026/01/01", "1.5", " 5", "2026-01-01T00:00:00+0"}) {
    EXPECT_FALSE(parse_timestamp(text).has_value()) << text;
  }
}

TEST(TimestampTest, FormatsWithMilliseconds) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(1767225610000), "2026-01-01T00:00:10.000Z");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(1709208000123), "2024-02-29T12:00:00.123Z");
}

TEST(TimestampTest, FormatsEveryInt64WithinTheStatedRoom) {
  // The extremes (as java.time.Instant.ofEpochMilli writes them).
  EXPECT_EQ(format_timestamp(std::numeric_limits<int64_t>::max()), "+292278994-08-17T07:12:55.807Z");
  EXPECT_EQ(format_timestamp(std::numeric_limits<int64_t>::min()), "-292275055-05-16T16:47:04.192Z");
  std::string sql;
  format_timestamp_sql(std::numeric_limits<int64_t>::min(), sql);
  EXPECT_EQ(sql, "-292275055-05-16 16:47:04.192");
  for (const int64_t millis : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                               int64_t{-62'167'219'200'001}, int64_t{253'402'300'800'000}}) {
    char text[kMaxFormattedTimestampBytes];
    const char* end = format_timestamp_to(millis, text);
    ASSERT_LE(end - text, static_cast<ptrdiff_t>(kMaxFormattedTimestampBytes));
    EXPECT_EQ(std::string(static_cast<const char*>(text), end), format_timestamp(millis));
    end = format_timestamp_sql_to(millis, text);
    ASSERT_LE(end - text, static_cast<ptrdiff_t>(kMaxFormattedTimestampBytes));
  }
  EXPECT_EQ(format_timestamp(-62'167'219'200'001), "-0001-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(253'402'300'800'000), "+10000-01-01T00:00:00.000Z");
}

TEST(TimestampTest, ReadsExpandedYearsBackToTheSameInstant) {
  for (const int64_t millis : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                               int64_t{-62'167'219'200'001}, int64_t{253'402'300'800'000},
                               int64_t{-9'000'000'000'000'000}, int64_t{9'000'000'000'000'000}}) {
    EXPECT_EQ(parse_timestamp(format_timestamp(millis)), millis) << format_timestamp(millis);
    std::string sql;
    format_timestamp_sql(millis, sql);
    EXPECT_EQ(parse_timestamp(sql), millis) << sql;
  }
  EXPECT_EQ(parse_timestamp("-0001-12-31T23:59:59.999Z"), -62'167'219'200'001);
  EXPECT_EQ(parse_timestamp("+2026-01-01T00:00:00Z"), 1767225600000);
  EXPECT_EQ(parse_timestamp("-0005"), -5);  // no '-' after the digits: epoch milliseconds
  for (const char* text : {"+123-01-01", "+1234567890-01-01", "-292275055-05-16T16:47:04.191Z",
                           "+292278994-08-17T07:12:55.808Z", "+292278994-08-17T07:12:55.807-01:00", "+-2026-01-01",
                           "-"}) {
    EXPECT_FALSE(parse_timestamp(text).has_value()) << text;
  }
}

TEST(TimestampTest, RoundTripsAcrossCenturies) {
  for (int64_t millis = -62'135'596'800'000; millis < 253'402'300'799'999; millis += 7'777'777'777'777) {
    EXPECT_EQ(parse_timestamp(format_timestamp(millis)), millis) << millis;
  }
}

TEST(DurationTest, ParsesUnits) {
  EXPECT_EQ(parse_duration_millis("250ms"), 250);
  EXPECT_EQ(parse_duration_millis("5s"), 5000);
  EXPECT_EQ(parse_duration_millis("1.5s"), 1500);
  EXPECT_EQ(parse_duration_millis("10m"), 600000);
  EXPECT_EQ(parse_duration_millis("2h"), 7200000);
  EXPECT_EQ(parse_duration_millis("1d"), 86400000);
  EXPECT_EQ(parse_duration_millis("0s"), 0);
  for (const char* text : {"", "5", "s", "5x", "-5s", "1.0005s", "5 s", "abc"}) {
    EXPECT_FALSE(parse_duration_millis(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace weir
