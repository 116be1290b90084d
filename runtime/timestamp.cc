#include "runtime/timestamp.h"

#include <charconv>
#include <limits>

namespace weir {

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  // Howard Hinnant's algorithm (public domain description of the civil calendar).
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

namespace {

struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};

CivilDate civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` digits at `pos`.
bool read_digits(std::string_view text, size_t& pos, size_t count, unsigned& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  pos += count;
  return true;
}

bool is_leap_year(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

std::optional<int64_t> parse_epoch_millis(std::string_view text) {
  int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [pointer, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || pointer != end) return std::nullopt;
  return value;
}

// A sign, then digits up to a '-': an ISO-8601 expanded year ("-0001-...",
// "+10000-..."), as format_timestamp writes years outside 0000-9999.
bool starts_with_expanded_year(std::string_view text) {
  if (text.empty() || (text[0] != '+' && text[0] != '-')) return false;
  size_t pos = 1;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  return pos < text.size() && text[pos] == '-';
}

std::optional<int64_t> parse_iso8601(std::string_view text) {
  size_t pos = 0;
  int64_t year = 0;
  unsigned month = 0, day = 0;
  if (starts_with_expanded_year(text)) {
    // At least four digits; nine reach every year an int64 of milliseconds
    // can hold (+-292 million).
    const bool negative = text[0] == '-';
    size_t digits = 0;
    for (pos = 1; pos < text.size() && is_digit(text[pos]); ++pos, ++digits) {
      if (digits < 9) year = year * 10 + (text[pos] - '0');
    }
    if (digits < 4 || digits > 9) return std::nullopt;
    if (negative) year = -year;
  } else {
    unsigned four_digits = 0;
    if (!read_digits(text, pos, 4, four_digits)) return std::nullopt;
    year = four_digits;
  }
  if (pos >= text.size() || text[pos] != '-') return std::nullopt;
  ++pos;
  if (!read_digits(text, pos, 2, month) || month < 1 || month > 12) return std::nullopt;
  if (pos >= text.size() || text[pos] != '-') return std::nullopt;
  ++pos;
  if (!read_digits(text, pos, 2, day) || day < 1 || day > days_in_month(year, month)) {
    return std::nullopt;
  }
  // In 128 bits: the day's start may lie outside int64 while the instant
  // does not (int64's least value is 16:47 on its day).
  __int128 millis = static_cast<__int128>(days_from_civil(year, month, day)) * 86'400'000;
  const auto in_range = [](__int128 value) -> std::optional<int64_t> {
    if (value < std::numeric_limits<int64_t>::min() || value > std::numeric_limits<int64_t>::max()) {
      return std::nullopt;
    }
    return static_cast<int64_t>(value);
  };
  if (pos == text.size()) return in_range(millis);
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  unsigned hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 2, hour) || hour > 23) return std::nullopt;
  if (pos >= text.size() || text[pos] != ':') return std::nullopt;
  ++pos;
  if (!read_digits(text, pos, 2, minute) || minute > 59) return std::nullopt;
  int64_t fraction_millis = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    // 60 is accepted as a leap second and folds into the next minute.
    if (!read_digits(text, pos, 2, second) || second > 60) return std::nullopt;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      size_t digits = 0;
      while (pos < text.size() && is_digit(text[pos])) {
        if (digits < 3) fraction_millis = fraction_millis * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (size_t i = digits; i < 3; ++i) fraction_millis *= 10;
    }
  }
  const int64_t time_of_day = (static_cast<int64_t>(hour) * 3600 + minute * 60 + second) * 1000 + fraction_millis;
  millis += time_of_day;
  if (pos == text.size()) return in_range(millis);
  if (text[pos] == 'Z' || text[pos] == 'z') return pos + 1 == text.size() ? in_range(millis) : std::nullopt;
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '+' ? 1 : -1;
  ++pos;
  unsigned offset_hours = 0, offset_minutes = 0;
  if (!read_digits(text, pos, 2, offset_hours) || offset_hours > 23) return std::nullopt;
  if (pos < text.size()) {
    if (text[pos] == ':') ++pos;
    if (!read_digits(text, pos, 2, offset_minutes) || offset_minutes > 59) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  // Local time = UTC + offset, so UTC = local - offset.
  const int64_t offset = sign * (static_cast<int64_t>(offset_hours) * 3600 + offset_minutes * 60) * 1000;
  return in_range(millis - offset);
}

// Writes `value` as exactly `width` digits (zero-padded); returns the end.
char* write_padded(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace

std::optional<int64_t> parse_timestamp(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // ISO dates have '-' at index 4; epoch millis never do.
  if ((text.size() >= 10 && text[4] == '-') || starts_with_expanded_year(text)) return parse_iso8601(text);
  return parse_epoch_millis(text);
}

namespace {

// The shared body of the two formats: `separator` between date and time,
// `zone` ('Z' or nothing) after the milliseconds.
char* format_timestamp_with(int64_t millis, char separator, bool zone, char* out) {
  int64_t days = millis / 86'400'000;
  int64_t rest = millis % 86'400'000;
  if (rest < 0) {
    rest += 86'400'000;
    days -= 1;
  }
  const CivilDate date = civil_from_days(days);
  if (date.year >= 0 && date.year <= 9999) {
    out = write_padded(out, static_cast<unsigned>(date.year), 4);
  } else {
    *out++ = date.year < 0 ? '-' : '+';
    const uint64_t magnitude = date.year < 0 ? 0 - static_cast<uint64_t>(date.year) : static_cast<uint64_t>(date.year);
    // At least four digits, as ISO-8601 expanded years (and java.time) write them.
    out = magnitude < 10'000 ? write_padded(out, static_cast<unsigned>(magnitude), 4)
                             : std::to_chars(out, out + 20, magnitude).ptr;
  }
  *out++ = '-';
  out = write_padded(out, date.month, 2);
  *out++ = '-';
  out = write_padded(out, date.day, 2);
  *out++ = separator;
  const auto ms_of_day = static_cast<unsigned>(rest);
  out = write_padded(out, ms_of_day / 3'600'000, 2);
  *out++ = ':';
  out = write_padded(out, ms_of_day / 60'000 % 60, 2);
  *out++ = ':';
  out = write_padded(out, ms_of_day / 1000 % 60, 2);
  *out++ = '.';
  out = write_padded(out, ms_of_day % 1000, 3);
  if (zone) *out++ = 'Z';
  return out;
}

}  // namespace

char* format_timestamp_to(int64_t millis, char* out) { return format_timestamp_with(millis, 'T', true, out); }

char* format_timestamp_sql_to(int64_t millis, char* out) { return format_timestamp_with(millis, ' ', false, out); }

void format_timestamp(int64_t millis, std::string& out) {
  char text[kMaxFormattedTimestampBytes];
  out.append(text, format_timestamp_to(millis, text));
}

void format_timestamp_sql(int64_t millis, std::string& out) {
  char text[kMaxFormattedTimestampBytes];
  out.append(text, format_timestamp_sql_to(millis, text));
}

std::string format_timestamp(int64_t millis) {
  std::string out;
  format_timestamp(millis, out);
  return out;
}

}  // namespace weir
