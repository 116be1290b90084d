#pragma once

#include <cstdint>
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
// Contract: pure functions, callable from any thread.
bool parse_int64_field(std::string_view text, int64_t& value);
bool parse_float64_field(std::string_view text, double& value);
bool parse_bool_field(std::string_view text, bool& value);
bool parse_timestamp_field(std::string_view text, int64_t& value);

// The text of an offending field for an error message: at most
// kMaxQuotedFieldBytes bytes (cut at a UTF-8 character boundary, then "..."),
// with '"', '\\' and control characters escaped (\", \\, \n, \r, \t, \xNN) so
// the message stays on one line.
inline constexpr size_t kMaxQuotedFieldBytes = 100;
std::string field_text_for_message(std::string_view text);

}  // namespace weir
