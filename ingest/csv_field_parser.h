#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace weir {

// Turns the text of one CSV field (quotes already removed, "" unescaped)
// into a typed value. Each returns false when the text is not a value of the
// type. Surrounding spaces and tabs are allowed for every type here (strings
// are taken as-is by the loader and never come through these).
//
//  int64      decimal, optional sign ("-12", "+7", " 42 "); no overflow
//  float64    decimal or scientific ("1.5", "-2e-3", ".5"), "nan", "inf",
//             "infinity" in any case, optional sign; parsed by fast_float
//             (correctly rounded; beyond the double range gives +-inf)
//  bool       true/false/t/f/1/0, any case
//  timestamp  anything runtime/timestamp.h parse_timestamp() accepts
//
// The int64 and float64 parsers are inline: the loader calls them once per
// field, and the forms most files hold ("1234", "-17", "35.68") take a
// branch-free word-at-a-time path here; anything else goes to the general
// parser out of line.
//
// Contract: pure functions, callable from any thread.
inline bool parse_int64_field(std::string_view text, int64_t& value);
inline bool parse_float64_field(std::string_view text, double& value);
// The same, given that `readable` >= text.size() bytes may be read from
// text.data() (the loader passes what is left of the file): short values
// are then read eight bytes at a time.
inline bool parse_int64_field(std::string_view text, size_t readable, int64_t& value);
inline bool parse_float64_field(std::string_view text, size_t readable, double& value);
bool parse_bool_field(std::string_view text, bool& value);
bool parse_timestamp_field(std::string_view text, int64_t& value);

namespace csv_field_detail {

// The general parsers behind the inline fast paths (every accepted form).
bool parse_int64_general(std::string_view text, int64_t& value);
bool parse_float64_general(std::string_view text, double& value);

inline constexpr double kExactPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// `byte` in each of the given byte lanes (0 = lowest) of a word.
constexpr uint64_t byte_lanes(std::initializer_list<int> lanes, uint8_t byte) {
  uint64_t word = 0;
  for (const int lane : lanes) word |= uint64_t{byte} << (8 * lane);
  return word;
}

// Eight bytes, the first in the lowest byte whatever the machine.
inline uint64_t load_little_endian(const char* chars) {
  uint64_t word;
  std::memcpy(&word, chars, sizeof(word));
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

// The high bit of every byte of `bytes` above 9 (no carry between bytes).
inline uint64_t bytes_above_nine(uint64_t bytes) {
  return (((bytes & 0x7F7F7F7F7F7F7F7Full) + 0x7676767676767676ull) | bytes) &
         0x8080808080808080ull;
}

// The value of the `count` (1 to 8) decimal digits in the low bytes of
// `word` (first digit lowest), without a branch per digit; false when one
// of them is not a digit. The conversion is fast_float's
// parse_eight_digits_unrolled, after shifting the digits to the top so that
// the bytes below read as leading zeros.
inline bool digits_value(uint64_t word, size_t count, uint64_t& value) {
  const uint64_t digits = word ^ 0x3030303030303030ull;  // '0'..'9' -> 0..9, others above 9
  const uint64_t used = count == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * count)) - 1;
  if ((bytes_above_nine(digits) & used) != 0) return false;
  uint64_t lanes = digits << (8 * (8 - count));
  lanes = lanes * 10 + (lanes >> 8);
  lanes = (((lanes & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
           (((lanes >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
          32;
  value = static_cast<uint32_t>(lanes);
  return true;
}

}  // namespace csv_field_detail

// parse_timestamp_field for a column of timestamps. The rows of a file
// mostly share their date, so it remembers the dates of the last two
// "YYYY-MM-DDTHH:MM:SS[.mmm]Z" it read and, for the next one of either date,
// reads only the time of day. Two, because a file that starts at midnight
// with rows out of order alternates between two dates for a while.
// Gives what parse_timestamp_field gives.
//
// Contract: one thread (the loader of one morsel owns one).
class TimestampFieldParser {
 public:
  bool parse(std::string_view text, int64_t& value) {
    if (text.size() == 24 || text.size() == 20) {
      const DateKey key = date_key(text.data());
      for (const KnownDate& date : dates_) {
        if (date.known && date.key == key) {
          if (parse_time_of_day(text, date.millis, value)) return true;
          break;
        }
      }
    }
    return parse_remembering_date(text, value);
  }

 private:
  // "YYYY-MM-DD" as two integers (two loads and compares; a memcmp of
  // ten bytes is a library call).
  struct DateKey {
    uint64_t head = 0;  // "YYYY-MM-"
    uint16_t tail = 0;  // "DD"
    bool operator==(const DateKey&) const = default;
  };
  static DateKey date_key(const char* chars) {
    DateKey key;
    std::memcpy(&key.head, chars, sizeof(key.head));
    std::memcpy(&key.tail, chars + sizeof(key.head), sizeof(key.tail));
    return key;
  }
  struct KnownDate {
    DateKey key;
    int64_t millis = 0;  // the date's first millisecond
    bool known = false;
  };

  // "THH:MM:SS[.mmm]Z" after a known date, checked and converted a word at
  // a time: "HH:MM:SS" (and ":SS.mmmZ") XORed with the expected characters
  // leaves digit values in the digit bytes and zero in the others.
  static bool parse_time_of_day(std::string_view text, int64_t day_millis, int64_t& value) {
    using csv_field_detail::byte_lanes;
    using csv_field_detail::bytes_above_nine;
    using csv_field_detail::load_little_endian;
    const char* chars = text.data();
    const uint64_t clock = load_little_endian(chars + 11) ^ load_little_endian("00:00:00");
    uint64_t bad = (bytes_above_nine(clock) & byte_lanes({0, 1, 3, 4, 6, 7}, 0x80)) |
                   (clock & byte_lanes({2, 5}, 0xFF)) | static_cast<unsigned char>(chars[10] ^ 'T');
    unsigned millis = 0;
    if (text.size() == 24) {
      const uint64_t fraction = load_little_endian(chars + 16) ^ load_little_endian(":00.000Z");
      bad |= (bytes_above_nine(fraction) & byte_lanes({4, 5, 6}, 0x80)) |
             (fraction & byte_lanes({0, 3, 7}, 0xFF));
      millis = static_cast<unsigned>(((fraction >> 32) & 0xFF) * 100 +
                                     ((fraction >> 40) & 0xFF) * 10 + ((fraction >> 48) & 0xFF));
    } else {
      bad |= static_cast<unsigned char>(chars[19] ^ 'Z');
    }
    // Byte i becomes 10 * digit i + digit i + 1: hours, minutes and seconds
    // in bytes 0, 3 and 6.
    const uint64_t pairs = clock * 10 + (clock >> 8);
    const auto hour = static_cast<unsigned>(pairs & 0xFF);
    const auto minute = static_cast<unsigned>((pairs >> 24) & 0xFF);
    const auto second = static_cast<unsigned>((pairs >> 48) & 0xFF);
    if (bad != 0 || hour > 23 || minute > 59 || second > 60) return false;
    value = day_millis + (int64_t{hour} * 3600 + minute * 60 + second) * 1000 + millis;
    return true;
  }
  bool parse_remembering_date(std::string_view text, int64_t& value);

  KnownDate dates_[2];  // the most recently read first
};

// The text of an offending field for an error message: at most
// kMaxQuotedFieldBytes bytes (cut at a UTF-8 character boundary, then "..."),
// with '"', '\\' and control characters escaped (\", \\, \n, \r, \t, \xNN) so
// the message stays on one line.
inline constexpr size_t kMaxQuotedFieldBytes = 100;
std::string field_text_for_message(std::string_view text);

inline bool parse_int64_field(std::string_view text, size_t readable, int64_t& value) {
  const char* chars = text.data();
  const size_t size = text.size();
  const size_t sign = size != 0 && chars[0] == '-' ? 1 : 0;
  const size_t digits = size - sign;
  uint64_t magnitude = 0;
  if (digits - 1 < 8 && readable >= sign + 8) {
    // [-]d{1,8} with eight bytes readable: one word.
    if (!csv_field_detail::digits_value(csv_field_detail::load_little_endian(chars + sign), digits,
                                        magnitude)) {
      return csv_field_detail::parse_int64_general(text, value);
    }
  } else if (digits - 1 < 18) {
    // [-]d{1,18}: cannot overflow, so no check per digit.
    for (size_t index = sign; index < size; ++index) {
      const unsigned digit = static_cast<unsigned>(static_cast<unsigned char>(chars[index])) - '0';
      if (digit > 9) return csv_field_detail::parse_int64_general(text, value);
      magnitude = magnitude * 10 + digit;
    }
  } else {
    return csv_field_detail::parse_int64_general(text, value);
  }
  value = sign != 0 ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

inline bool parse_int64_field(std::string_view text, int64_t& value) {
  return parse_int64_field(text, text.size(), value);
}

inline bool parse_float64_field(std::string_view text, size_t readable, double& value) {
  // [-]d+[.d+] with at most 15 digits: the digits as an integer are exact in
  // a double (below 2^53), so is 10^fraction_digits, and one IEEE division
  // rounds correctly: the same double fast_float gives (Clinger's fast path).
  const char* chars = text.data();
  const size_t sign = !text.empty() && chars[0] == '-' ? 1 : 0;
  const size_t length = text.size() - sign;
  uint64_t mantissa = 0;
  size_t fraction_digits = 0;
  if (length - 1 < 8 && readable >= sign + 8) {
    // Up to eight characters with eight bytes readable: the '.' found in
    // the word and squeezed out, the digits on both sides converted at once.
    const uint64_t word = csv_field_detail::load_little_endian(chars + sign);
    const uint64_t not_dot = word ^ 0x2E2E2E2E2E2E2E2Eull;
    // The high bit of the first '.' byte, and none below it.
    const uint64_t first_dot = (not_dot - 0x0101010101010101ull) & ~not_dot & 0x8080808080808080ull;
    const size_t dot =
        std::min(length, first_dot == 0 ? 8 : static_cast<size_t>(std::countr_zero(first_dot)) / 8);
    const bool has_dot = dot < length;
    fraction_digits = has_dot ? length - dot - 1 : 0;
    const uint64_t below_dot = dot == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * dot)) - 1;
    const uint64_t digits = (word & below_dot) | ((word >> 8) & ~below_dot);
    // ".5", "5." and "." (no digit on a side) are the general parser's.
    if ((has_dot && (dot == 0 || fraction_digits == 0)) ||
        !csv_field_detail::digits_value(digits, length - (has_dot ? 1 : 0), mantissa)) {
      return csv_field_detail::parse_float64_general(text, value);
    }
  } else {
    const char* cursor = chars + sign;
    const char* const end = chars + text.size();
    unsigned digit;
    while (cursor != end && (digit = static_cast<unsigned char>(*cursor) - unsigned{'0'}) <= 9) {
      mantissa = mantissa * 10 + digit;
      ++cursor;
    }
    const auto integer_digits = static_cast<size_t>(cursor - (chars + sign));
    if (cursor != end && *cursor == '.') {
      const char* const fraction_begin = ++cursor;
      while (cursor != end && (digit = static_cast<unsigned char>(*cursor) - unsigned{'0'}) <= 9) {
        mantissa = mantissa * 10 + digit;
        ++cursor;
      }
      fraction_digits = static_cast<size_t>(cursor - fraction_begin);
      if (fraction_digits == 0) cursor = chars;  // "5.": the general parser decides
    }
    if (cursor != end || integer_digits == 0 || integer_digits + fraction_digits > 15) {
      return csv_field_detail::parse_float64_general(text, value);
    }
  }
  const double magnitude =
      static_cast<double>(mantissa) / csv_field_detail::kExactPowersOfTen[fraction_digits];
  value = sign != 0 ? -magnitude : magnitude;
  return true;
}

inline bool parse_float64_field(std::string_view text, double& value) {
  return parse_float64_field(text, text.size(), value);
}

}  // namespace weir
