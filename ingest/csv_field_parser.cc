#include "ingest/csv_field_parser.h"

#include <fast_float/fast_float.h>

#include <charconv>

#include "runtime/timestamp.h"

namespace weir {

namespace {

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// std::from_chars and fast_float reject a leading '+'; CSV writers use it.
std::string_view drop_plus_sign(std::string_view text) {
  if (text.size() >= 2 && text[0] == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  return text;
}

char lowercase(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_lowercase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (lowercase(text[i]) != lower[i]) return false;
  }
  return true;
}

}  // namespace

namespace csv_field_detail {

bool parse_int64_general(std::string_view text, int64_t& value) {
  text = drop_plus_sign(trim_blanks(text));
  const char* end = text.data() + text.size();
  const auto [pointer, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && pointer == end && !text.empty();
}

bool parse_float64_general(std::string_view text, double& value) {
  text = drop_plus_sign(trim_blanks(text));
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto result = fast_float::from_chars(text.data(), end, value);
  return result.ec == std::errc() && result.ptr == end;
}

}  // namespace csv_field_detail

bool parse_bool_field(std::string_view text, bool& value) {
  text = trim_blanks(text);
  if (text.size() == 1) {
    switch (lowercase(text[0])) {
      case 't':
      case '1':
        value = true;
        return true;
      case 'f':
      case '0':
        value = false;
        return true;
      default:
        return false;
    }
  }
  if (equals_lowercase(text, "true")) {
    value = true;
    return true;
  }
  if (equals_lowercase(text, "false")) {
    value = false;
    return true;
  }
  return false;
}

namespace {

// Reads `count` digits at `text`; false if any is not a digit.
bool read_fixed_digits(const char* text, int count, unsigned& value) {
  value = 0;
  for (int i = 0; i < count; ++i) {
    const unsigned digit = static_cast<unsigned char>(text[i]) - unsigned{'0'};
    if (digit > 9) return false;
    value = value * 10 + digit;
  }
  return true;
}

// The two forms most files use, "YYYY-MM-DDTHH:MM:SSZ" and
// "YYYY-MM-DDTHH:MM:SS.mmmZ" (what CsvSink writes), read at fixed positions:
// about a fifth of the cost of the general parser. Gives exactly what
// parse_timestamp gives (tests compare them); false means "not this form,
// ask parse_timestamp", never "invalid".
bool parse_canonical_timestamp(std::string_view text, int64_t& value) {
  if (text.size() != 20 && text.size() != 24) return false;
  const char* chars = text.data();
  if (chars[4] != '-' || chars[7] != '-' || chars[10] != 'T' || chars[13] != ':' ||
      chars[16] != ':' || chars[text.size() - 1] != 'Z') {
    return false;
  }
  unsigned year, month, day, hour, minute, second, millis = 0;
  if (!read_fixed_digits(chars, 4, year) || !read_fixed_digits(chars + 5, 2, month) ||
      !read_fixed_digits(chars + 8, 2, day) || !read_fixed_digits(chars + 11, 2, hour) ||
      !read_fixed_digits(chars + 14, 2, minute) || !read_fixed_digits(chars + 17, 2, second)) {
    return false;
  }
  if (text.size() == 24 && (chars[19] != '.' || !read_fixed_digits(chars + 20, 3, millis))) {
    return false;
  }
  static constexpr unsigned kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  const bool leap_year = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDaysInMonth[month - 1] + (month == 2 && leap_year ? 1 : 0)) return false;
  value = days_from_civil(year, month, day) * 86'400'000 +
          (static_cast<int64_t>(hour) * 3600 + minute * 60 + second) * 1000 + millis;
  return true;
}

// Every form parse_timestamp accepts, blanks around allowed.
bool parse_any_timestamp(std::string_view text, int64_t& value) {
  const std::optional<int64_t> parsed = parse_timestamp(trim_blanks(text));
  if (!parsed) return false;
  value = *parsed;
  return true;
}

// The fields of a date parse_canonical_timestamp accepted.
unsigned read_year(const char* chars) {
  unsigned year = 0;
  read_fixed_digits(chars, 4, year);
  return year;
}
unsigned read_two_digits(const char* chars) {
  unsigned value = 0;
  read_fixed_digits(chars, 2, value);
  return value;
}

}  // namespace

bool parse_timestamp_field(std::string_view text, int64_t& value) {
  return parse_canonical_timestamp(text, value) || parse_any_timestamp(text, value);
}

bool TimestampFieldParser::parse_remembering_date(std::string_view text, int64_t& value) {
  if (!parse_canonical_timestamp(text, value)) return parse_any_timestamp(text, value);
  dates_[1] = dates_[0];
  dates_[0].key = date_key(text.data());
  dates_[0].millis = days_from_civil(read_year(text.data()), read_two_digits(text.data() + 5),
                                     read_two_digits(text.data() + 8)) *
                     86'400'000;
  dates_[0].known = true;
  return true;
}

std::string field_text_for_message(std::string_view text) {
  bool truncated = false;
  if (text.size() > kMaxQuotedFieldBytes) {
    size_t cut = kMaxQuotedFieldBytes;
    // Back up over UTF-8 continuation bytes (10xxxxxx) to a character start.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
    truncated = true;
  }
  std::string out;
  out.reserve(text.size() + 8);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[byte >> 4];
          out += kHex[byte & 15];
        } else {
          out += c;
        }
    }
  }
  if (truncated) out += "...";
  return out;
}

}  // namespace weir
