#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace weir {

// Parses a duration such as "250ms", "5s", "1.5s", "10m", "2h", "1d" into
// milliseconds. A unit is required; the value must be non-negative and a
// whole number of milliseconds. Returns std::nullopt otherwise.
std::optional<int64_t> parse_duration_millis(std::string_view text);

}  // namespace weir
