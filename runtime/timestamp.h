#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weir {

// Timestamps are int64 milliseconds since 1970-01-01T00:00:00Z (UTC).

// Parses either integer epoch milliseconds ("1767225600000", "-5") or
// ISO-8601: "YYYY-MM-DD" (or an expanded year: a sign and 4-9 digits,
// "-0001-12-31", "+10000-01-01", as format_timestamp writes years outside
// 0000-9999), optionally followed by 'T' or ' ' and
// "HH:MM[:SS[.fraction]]", optionally followed by 'Z' or a UTC offset
// ("+00:00", "-0530", "+05"). Fractions finer than a millisecond are
// truncated toward the past. Returns std::nullopt for anything else,
// including instants outside the int64 range.
// Thread-safe (pure function).
std::optional<int64_t> parse_timestamp(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SS.mmmZ" (years outside 0000-9999 are written
// with a sign and at least four digits, as ISO-8601 expanded years:
// "-0001-12-31T23:59:59.999Z", "+10000-01-01T00:00:00.000Z"). Appends to `out`.
void format_timestamp(int64_t millis, std::string& out);
std::string format_timestamp(int64_t millis);

// Formats as "YYYY-MM-DD HH:MM:SS.mmm" (UTC, no zone suffix): the SQL
// TIMESTAMP(3) literal form that DuckDB's read_csv detects as TIMESTAMP and
// parse_timestamp reads back. Appends to `out`. Used by `weir nexmark --dump`.
void format_timestamp_sql(int64_t millis, std::string& out);

// The most bytes either format takes (any int64: a year of up to 9 digits
// and its sign, then "-MM-DDTHH:MM:SS.mmmZ").
inline constexpr size_t kMaxFormattedTimestampBytes = 32;

// As format_timestamp / format_timestamp_sql, written at `out`, which has
// room for kMaxFormattedTimestampBytes; return the end of the text.
// Thread-safe (pure functions).
char* format_timestamp_to(int64_t millis, char* out);
char* format_timestamp_sql_to(int64_t millis, char* out);

// Days since 1970-01-01 of a proleptic Gregorian date; exact for any int32 year.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

}  // namespace weir
