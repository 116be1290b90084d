#include "runtime/duration.h"

#include <cmath>
#include <limits>
#include <string>

#include <fast_float/fast_float.h>

namespace weir {

std::optional<int64_t> parse_duration_millis(std::string_view text) {
  size_t number_end = 0;
  while (number_end < text.size() &&
         ((text[number_end] >= '0' && text[number_end] <= '9') || text[number_end] == '.')) {
    ++number_end;
  }
  if (number_end == 0 || number_end == text.size()) return std::nullopt;
  double value = 0;
  auto result = fast_float::from_chars(text.data(), text.data() + number_end, value);
  if (result.ec != std::errc() || result.ptr != text.data() + number_end) return std::nullopt;
  const std::string_view unit = text.substr(number_end);
  double scale = 0;
  if (unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "m" || unit == "min") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else if (unit == "d") {
    scale = 86'400'000;
  } else {
    return std::nullopt;
  }
  const double millis = value * scale;
  if (!(millis >= 0) || millis > 9.0e15 || millis != std::floor(millis)) return std::nullopt;
  return static_cast<int64_t>(millis);
}

}  // namespace weir
